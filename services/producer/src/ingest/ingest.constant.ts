// Names and bounds of the ingest API, in one place.

export const INGEST_PATH = 'v1/events';

export const INGEST_METRICS = {
  events: 'hookline_ingest_events_total',
  rejected: 'hookline_ingest_rejected_total',
  requestDuration: 'hookline_ingest_request_duration_seconds',
} as const;

/** event_type label of an event whose type is not one of the contracts' (bounded labels). */
export const UNKNOWN_EVENT_TYPE_LABEL = 'unknown';

/**
 * At most this many {index, path, message} details in one 400: a batch of 500 bad
 * events must not produce a response many times its own size.
 */
export const MAX_ERROR_DETAILS = 100;

/** Seconds a client is told to wait after a 503 (Kafka did not acknowledge in time). */
export const KAFKA_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Media types accepted besides application/json: any `application/<x>+json`. */
export const JSON_SUFFIX_MEDIA_TYPE = /^application\/[a-z0-9!#$&^_.-]+\+json$/;
