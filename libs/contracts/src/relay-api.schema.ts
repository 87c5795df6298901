// Answers of the svix-relay's management API (zod): Svix's objects in hookline's snake_case.
// The relay types its answers with them, its OpenAPI description is generated from them and
// the CLI reads answers as their types.
import { z } from 'zod';
import { ATTEMPT_STATUSES, ATTEMPT_TRIGGERS } from './audit-api.schema.js';
import { isoDateTime } from './fields.schema.js';

export const eventTypeViewSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    schema: z.unknown().describe('JSON Schema of the payload; null when none is set'),
    archived: z.boolean(),
    deprecated: z.boolean(),
    created_at: isoDateTime('Created'),
    updated_at: isoDateTime('Last changed'),
  })
  .describe('A Svix event type');
export type EventTypeView = z.infer<typeof eventTypeViewSchema>;
export const eventTypeListSchema = z.object({ data: z.array(eventTypeViewSchema) });

export const endpointStatsSchema = z.object({ fail: z.int(), pending: z.int(), sending: z.int(), success: z.int() }).describe('Messages by delivery status');

export const endpointViewSchema = z
  .object({
    id: z.string().describe('Svix endpoint id (ep_…)'),
    url: z.string(),
    description: z.string(),
    event_types: z.array(z.string()).nullable().describe('Only these event types are delivered; null for all'),
    disabled: z.boolean(),
    created_at: isoDateTime('Created'),
    updated_at: isoDateTime('Last changed'),
    stats: endpointStatsSchema.optional().describe('In lists only'),
  })
  .describe('A Svix endpoint of the organisation');
export type EndpointView = z.infer<typeof endpointViewSchema>;
export const endpointListSchema = z.object({ data: z.array(endpointViewSchema) });

export const messageViewSchema = z
  .object({
    id: z.string().describe('Svix message id (msg_…)'),
    event_id: z.string().nullable().describe('The gateway event id it was published with'),
    event_type: z.string(),
    payload_size: z.int().describe('Bytes of the payload as JSON'),
    timestamp: isoDateTime('When Svix accepted it'),
    test: z.literal(true).optional().describe('Set on a test message just sent'),
  })
  .describe('A Svix message');
export type MessageView = z.infer<typeof messageViewSchema>;

export const messageAttemptViewSchema = z
  .object({
    id: z.string().describe('Svix attempt id (atmpt_…)'),
    msg_id: z.string(),
    endpoint_id: z.string(),
    status: z.enum(ATTEMPT_STATUSES),
    response_status_code: z.int(),
    response_duration_ms: z.number(),
    trigger_type: z.enum(ATTEMPT_TRIGGERS),
    url: z.string(),
    timestamp: isoDateTime('When Svix made the attempt'),
  })
  .describe('A delivery attempt as Svix reports it');
export type MessageAttemptView = z.infer<typeof messageAttemptViewSchema>;

export const messageAttemptPageSchema = z.object({
  endpoint_id: z.string(),
  data: z.array(messageAttemptViewSchema),
  iterator: z.string().nullable().describe('Pass as iterator for the next page'),
  done: z.boolean(),
});
export type MessageAttemptPage = z.infer<typeof messageAttemptPageSchema>;

export const pluginConnectionSchema = z.object({
  org_id: z.string(),
  connection_name: z.string(),
  enabled_at: isoDateTime('When the plugin was enabled for the connection'),
});
export type PluginConnectionView = z.infer<typeof pluginConnectionSchema>;
export const pluginConnectionListSchema = z.object({ data: z.array(pluginConnectionSchema) });

export const pluginChangeSchema = z.object({
  plugin: z.string(),
  org_id: z.string(),
  connection_name: z.string(),
  enabled: z.boolean(),
  changed: z.boolean().describe('False when it already was so'),
});
export type PluginChange = z.infer<typeof pluginChangeSchema>;
