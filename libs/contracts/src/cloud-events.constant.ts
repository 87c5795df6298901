/** CloudEvents 1.0 Kafka protocol binding, binary content mode: attribute headers. */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
} as const;

export type CeHeaderName = (typeof CE_HEADERS)[keyof typeof CE_HEADERS];

export const CE_SPECVERSION = '1.0';

/** Binary mode: the record value is the event's data as JSON. */
export const EVENT_CONTENT_TYPE = 'application/json';

/** Structured mode: the record value is the whole CloudEvent as JSON. */
export const CE_STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

/** ce_source when the sender did not name itself. */
export const DEFAULT_EVENT_SOURCE = 'hookline/producer';
