import { ApiError, type ApiErrorOptions } from '@hookline/observability';

/** Why an ingest request was refused: the `reason` label of hookline_ingest_rejected_total. */
export type RejectReason =
  | 'invalid_json'
  | 'validation'
  | 'too_large'
  | 'too_many_events'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'organisation_mismatch'
  | 'organisation_unbound'
  | 'kafka_unavailable'
  | 'empty';

export interface IngestRefusalOptions extends ApiErrorOptions {
  /** Set when the error refuses an ingest request; counted by reason. */
  readonly reason?: RejectReason;
  /** Types of the events the refused request carried (as sent, possibly unknown), counted per type. */
  readonly eventTypes?: readonly unknown[];
}

/** An ApiError of the producer, counted by the exception filter under its reason and event types. */
export class IngestRefusal extends ApiError {
  readonly reason: RejectReason | undefined;
  readonly eventTypes: readonly unknown[];

  constructor(status: number, code: string, message: string, options: IngestRefusalOptions = {}) {
    super(status, code, message, options);
    this.reason = options.reason;
    this.eventTypes = options.eventTypes ?? [];
  }
}
