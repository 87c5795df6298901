import type { IngestEventInput } from '@hookline/contracts';

/** The `{ "events": [...] }` form of a batch. */
export interface IngestEventsEnvelope {
  readonly events: readonly IngestEventInput[];
}

/**
 * What POST /v1/events takes: one event, a JSON array of events, or `{ "events": [...] }`.
 * Each event is checked against its contract by validateIngestEvent.
 */
export type IngestRequestBody = IngestEventInput | readonly IngestEventInput[] | IngestEventsEnvelope;
