import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { DEFAULT_EVENT_SOURCE } from './cloud-events.constant.js';
import { getEventContract } from './event-contracts.registry.js';
import { capIssues, describeValue, issueMessage, toEventIssues, unknownTypeMessage, type EventIssue } from './event-issue.formatter.js';
import { isEventType, type EventType } from './event-types.constant.js';
import { EventValidationError } from './event-validation.error.js';
import { eventAttributeSchemas } from './event-attributes.schema.js';
import type { GatewayEvent, IngestEventInput } from './gateway-event.type.js';

export type EventValidationResult<T extends EventType = EventType> =
  { readonly ok: true; readonly event: GatewayEvent<T> } | { readonly ok: false; readonly issues: readonly EventIssue[] };

// Strict: an unknown top-level field is a misspelt attribute ("ID", "timestamp") that
// would otherwise be dropped silently.
const ingestEnvelopeSchema = z.strictObject({
  type: eventAttributeSchemas.type,
  id: eventAttributeSchemas.id.optional(),
  time: eventAttributeSchemas.time.optional(),
  source: eventAttributeSchemas.source.optional(),
  data: z.unknown(),
});

/** Attributes read from a Kafka record: all required, extensions already dropped. */
const recordEnvelopeSchema = z.object({
  type: eventAttributeSchemas.type,
  id: eventAttributeSchemas.id,
  time: eventAttributeSchemas.time,
  source: eventAttributeSchemas.source,
  data: z.unknown(),
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function check(
  envelope: z.ZodType<{ id?: string | undefined; time?: string | undefined; source?: string | undefined }>,
  input: Record<string, unknown>,
): EventValidationResult {
  const issues: EventIssue[] = [];
  const attributes = envelope.safeParse(input, { error: issueMessage });
  if (!attributes.success) issues.push(...toEventIssues(attributes.error.issues));

  const type: unknown = input.type;
  const data: unknown = input.data;
  let parsedData: unknown;
  if (typeof type === 'string' && !isEventType(type)) {
    issues.push({ path: 'type', message: unknownTypeMessage(type) });
  } else if (isEventType(type)) {
    // A missing `data` is already reported by the envelope schema.
    if (data !== undefined) {
      const result = getEventContract(type).schema.safeParse(data, { error: issueMessage });
      if (result.success) parsedData = result.data;
      else issues.push(...toEventIssues(result.error.issues, ['data']));
    }
  }
  if (!attributes.success || !isEventType(type) || issues.length > 0) {
    return { ok: false, issues: capIssues(issues) };
  }

  const contract = getEventContract(type);
  const validData = parsedData as Parameters<typeof contract.key>[0];
  const event = {
    id: attributes.data.id ?? uuidv7(),
    type,
    source: attributes.data.source ?? DEFAULT_EVENT_SOURCE,
    time: attributes.data.time ?? new Date().toISOString(),
    subject: contract.key(validData),
    data: validData,
  } as GatewayEvent;
  return { ok: true, event };
}

function guarded(run: () => EventValidationResult): EventValidationResult {
  // zod does not throw on bad data, but a hostile object (throwing getter, Proxy) could.
  try {
    return run();
  } catch (error) {
    const why = error instanceof Error ? error.message.slice(0, 200) : 'unreadable value';
    return { ok: false, issues: [{ path: '', message: `cannot read the event: ${why}` }] };
  }
}

/**
 * Validates one event in the HTTP ingest shape `{type, id?, time?, source?, data}`.
 * Never throws: any input, however hostile, yields either the event or its issues.
 */
export function validateIngestEvent(input: unknown): EventValidationResult {
  return guarded(() => {
    if (!isPlainObject(input)) {
      return {
        ok: false,
        issues: [{ path: '', message: `expected an event object {type, data}, got ${describeValue(input)}` }],
      };
    }
    return check(ingestEnvelopeSchema, input);
  });
}

/** Same checks as validateIngestEvent for attributes read from a Kafka record (all required). */
export function validateRecordEvent(input: Record<string, unknown>): EventValidationResult {
  return guarded(() => check(recordEnvelopeSchema, input));
}

/** Builds a validated event from the ingest shape; throws EventValidationError listing every issue. */
export function buildEvent<T extends EventType>(input: IngestEventInput<T>): GatewayEvent<T> {
  const result = validateIngestEvent(input);
  if (!result.ok) throw new EventValidationError(result.issues);
  return result.event as GatewayEvent<T>;
}
