export type SendOutcome = 'acked' | 'unavailable' | 'failed';

/**
 * Hooks for metrics (prom-client lives in the services, not here). Called
 * synchronously; an observer that throws is ignored.
 */
export interface ProducerObserver {
  /** Once per `send()` call, when it settles. */
  sendSettled?(event: { records: number; seconds: number; outcome: SendOutcome }): void;
  /** Once per kafkajs sendBatch (one coalesced produce). */
  batchSettled?(event: { records: number; sends: number; seconds: number; ok: boolean }): void;
}
