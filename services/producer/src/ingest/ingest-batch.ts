import { IngestRefusal } from '../http/ingest-refusal.js';

const ENVELOPE_FIELD = 'events';
const MAX_LISTED_FIELDS = 5;

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The events of a request body (see IngestRequestBody): an array is a batch, an object
 * with `events` and no `type` is a batch envelope, anything else is one event (which
 * validation then accepts or explains). Only the shape is checked here.
 */
export function eventsOfBody(body: unknown): readonly unknown[] {
  if (Array.isArray(body)) return body;
  if (isPlainObject(body) && Object.hasOwn(body, ENVELOPE_FIELD) && !Object.hasOwn(body, 'type')) {
    const events = body[ENVELOPE_FIELD];
    if (!Array.isArray(events)) {
      throw new IngestRefusal(400, 'invalid_body', `"events" must be an array of events, got ${describe(events)}`, { reason: 'validation' });
    }
    const extra = Object.keys(body).filter((key) => key !== ENVELOPE_FIELD);
    if (extra.length > 0) {
      const listed = extra.slice(0, MAX_LISTED_FIELDS).map((key) => JSON.stringify(key.slice(0, 64)));
      const more = extra.length > MAX_LISTED_FIELDS ? ` and ${extra.length - MAX_LISTED_FIELDS} more` : '';
      throw new IngestRefusal(400, 'invalid_body', `unknown field(s) next to "events": ${listed.join(', ')}${more}; send only {"events": [...]}`, {
        reason: 'validation',
        eventTypes: events.map(typeOf),
      });
    }
    return events;
  }
  return [body];
}

/** The `type` an event claims, for per-type metrics (unknown types are bucketed later). */
export function typeOf(event: unknown): unknown {
  return isPlainObject(event) ? event.type : undefined;
}
