// Answers of the audit service's HTTP API (zod). The service types its answers with them,
// its OpenAPI description is generated from them and the CLI reads answers as their types,
// so the three cannot drift. Hook runs and publications are their Kafka records as stored.
import { z } from 'zod';
import { isoDateTime } from './fields.schema.js';
import { capturedOutputSchema, hookExecutionRecordSchema } from './hook-execution.record.js';
import { svixPublicationRecordSchema } from './svix-publication.record.js';

/** Svix MessageStatus numbers (the index) and the words the audit API and metrics use for them. */
export const ATTEMPT_STATUSES = ['success', 'pending', 'fail', 'sending', 'canceled'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** Svix MessageAttemptTriggerType names, by Svix's number. */
export const ATTEMPT_TRIGGERS = ['scheduled', 'manual'] as const;

/** What a session timeline entry is; entries at the same instant come in this order. */
export const TIMELINE_KINDS = ['event', 'hook_execution', 'publication', 'attempt'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

const nextCursor = z.string().nullable().describe('Pass as cursor for the next page; null on the last one');

function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: nextCursor });
}

export const attemptViewSchema = z
  .object({
    attempt_id: z.string().describe('Svix attempt id (atmpt_…)'),
    message_id: z.string().describe('Svix message id (msg_…)'),
    endpoint_id: z.string().describe('Svix endpoint id (ep_…)'),
    app_id: z.string(),
    event_type: z.string().nullable().describe('Event type; null until its publication or event is known'),
    event_id: z.string().nullable().describe('Gateway event id (the Svix message eventId)'),
    sid: z.string().nullable(),
    status: z.enum(ATTEMPT_STATUSES),
    response_status_code: z.int(),
    trigger: z.enum(ATTEMPT_TRIGGERS),
    time: isoDateTime('When Svix made the attempt'),
    response_duration_ms: z.number(),
  })
  .describe('One Svix delivery attempt');
export type AttemptView = z.infer<typeof attemptViewSchema>;
export const attemptPageSchema = pageOf(attemptViewSchema);

/** One run with its captured output (GET /v1/hook-executions/{id}). */
export const hookExecutionViewSchema = z
  .object({ id: z.string().describe('Id of the run in the audit record'), ...hookExecutionRecordSchema.shape })
  .describe('One runbook hook run with its captured output');
export type HookExecutionView = z.infer<typeof hookExecutionViewSchema>;

const outputSizeSchema = capturedOutputSchema.omit({ text: true }).describe("Size and truncation of one output stream (its text is on the run's own route)");

/** A run in lists and timelines: its output's sizes and truncation flags, not the text. */
export const hookExecutionSummarySchema = hookExecutionViewSchema
  .extend({ stdout: outputSizeSchema, stderr: outputSizeSchema })
  .describe('One runbook hook run, without its output text');
export type HookExecutionSummary = z.infer<typeof hookExecutionSummarySchema>;
export const hookExecutionPageSchema = pageOf(hookExecutionSummarySchema);
export type HookExecutionPage = z.infer<typeof hookExecutionPageSchema>;

/** A publication as the timeline shows it; its Kafka key is not repeated. */
export const publicationViewSchema = svixPublicationRecordSchema.omit({ key: true });
export type PublicationView = z.infer<typeof publicationViewSchema>;

export const timelineEntrySchema = z.object({
  time: isoDateTime('When it happened'),
  kind: z.enum(TIMELINE_KINDS),
  event_id: z.string().nullable(),
  event_type: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).describe('The event, hook run, publication or attempt'),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const timelineSchema = z.object({
  sid: z.string(),
  entries: z.array(timelineEntrySchema),
  truncated: z.boolean().describe('True when the session had more entries than one answer holds'),
});
export type Timeline = z.infer<typeof timelineSchema>;

export const endpointSummarySchema = z.object({
  endpoint_id: z.string(),
  app_id: z.string().nullable(),
  attempts: z.record(z.string(), z.number()).describe('Attempts by status over the window, e.g. {"success": 10, "fail": 2, …}'),
  last_success_at: isoDateTime('Last successful attempt').nullable(),
  last_failure_at: isoDateTime('Last failed attempt').nullable(),
  disabled: z.boolean(),
  failing_since: isoDateTime('Since when Svix reports the endpoint failing').nullable(),
});
export type EndpointSummary = z.infer<typeof endpointSummarySchema>;

export const endpointsSummarySchema = z.object({
  since: isoDateTime('Start of the window'),
  until: isoDateTime('End of the window'),
  endpoints: z.array(endpointSummarySchema),
});
export type EndpointsSummary = z.infer<typeof endpointsSummarySchema>;

export const operationalReceiptSchema = z.object({
  stored: z.boolean().describe('True when the webhook was stored now'),
  duplicate: z.boolean().describe('True when this svix-id had been stored before (nothing changed)'),
  type: z.string().describe('The operational webhook type, e.g. endpoint.disabled'),
});
export type OperationalReceipt = z.infer<typeof operationalReceiptSchema>;
