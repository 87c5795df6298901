// Request shapes of the management API (zod): validated here, and their JSON Schemas
// (openApiSchema of @hookline/contracts) are what /docs shows, so the description cannot
// drift from what is enforced.
import { MessageStatus } from 'svix';
import { commaSeparated } from '@hookline/observability';
import { z } from 'zod';
import { DEFAULT_ATTEMPTS_LIMIT, MAX_ATTEMPTS_LIMIT, SVIX_ID_MAX_LENGTH, SVIX_ID_PATTERN } from '../../relay.constant.js';

const MAX_URL_LENGTH = 2_048;
const MAX_DESCRIPTION_LENGTH = 1_000;
const MAX_FILTERS = 50;

export const svixName = z.string().min(1).max(SVIX_ID_MAX_LENGTH).regex(SVIX_ID_PATTERN, { error: 'must be letters, digits, "-", "_" or "." only' });

const jsonSchemaObject = z.record(z.string(), z.unknown()).describe('A JSON Schema (object) of the payload');

export const eventTypeCreateSchema = z.strictObject({
  name: svixName.describe('Event type name, e.g. session.open'),
  description: z.string().min(1).max(MAX_DESCRIPTION_LENGTH),
  schema: jsonSchemaObject.optional(),
});

export const eventTypeUpdateSchema = z.strictObject({
  description: z.string().min(1).max(MAX_DESCRIPTION_LENGTH),
  schema: jsonSchemaObject.optional(),
});

const endpointUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .max(MAX_URL_LENGTH)
  .describe('Where Svix delivers (a SIEM collector, a Teams incoming webhook, …)');

export const endpointWriteSchema = z.strictObject({
  url: endpointUrl,
  description: z.string().max(MAX_DESCRIPTION_LENGTH).optional(),
  event_types: z.array(svixName).min(1).max(MAX_FILTERS).optional().describe('Only these event types are delivered (all when absent)'),
  disabled: z.boolean().optional(),
});

export const testMessageSchema = z.strictObject({
  event_type: svixName.describe('Type of the test message; its payload is the example of that type'),
});

const statusNames = ['success', 'pending', 'fail', 'sending'] as const;

export const attemptsQuerySchema = z.strictObject({
  endpoint_id: svixName.optional().describe('Endpoint whose attempts are listed; optional when the organisation has exactly one'),
  limit: z.coerce.number().int().min(1).max(MAX_ATTEMPTS_LIMIT).default(DEFAULT_ATTEMPTS_LIMIT),
  status: z.enum(statusNames).optional().describe('success, pending, fail or sending'),
  event_types: commaSeparated.pipe(z.array(svixName).min(1).max(MAX_FILTERS)).optional().describe('Comma-separated event types'),
  iterator: z.string().max(SVIX_ID_MAX_LENGTH).optional(),
});

export const listQuerySchema = z.strictObject({
  org_id: z.string().min(1).max(SVIX_ID_MAX_LENGTH).optional(),
});

export const ATTEMPT_STATUS_CODES: Readonly<Record<(typeof statusNames)[number], MessageStatus>> = {
  success: MessageStatus.Success,
  pending: MessageStatus.Pending,
  fail: MessageStatus.Fail,
  sending: MessageStatus.Sending,
};

export type EventTypeCreate = z.infer<typeof eventTypeCreateSchema>;
export type EventTypeUpdate = z.infer<typeof eventTypeUpdateSchema>;
export type EndpointWrite = z.infer<typeof endpointWriteSchema>;
export type AttemptsQuery = z.infer<typeof attemptsQuerySchema>;
