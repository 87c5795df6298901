// Every tunable default, header name and suffix of @hookline/kafka, in one place.

/** Suffix of the dead-letter topic of a topic: `<topic>.dlq`. */
export const DLQ_TOPIC_SUFFIX = '.dlq';

/** Headers a dead-lettered record carries besides its original ones. */
export const DLQ_HEADERS = {
  reason: 'hookline-dlq-reason',
  sourceTopic: 'hookline-dlq-source-topic',
  sourcePartition: 'hookline-dlq-source-partition',
  sourceOffset: 'hookline-dlq-source-offset',
  failedAt: 'hookline-dlq-failed-at',
} as const;

/** CloudEvents binary mode (Kafka protocol binding) puts the event type here. */
export const CLOUDEVENTS_TYPE_HEADER = 'ce_type';

/** A dead-letter reason is a header; keep it well below any broker record limit. */
export const DLQ_REASON_MAX_LENGTH = 1_000;

export const CLIENT_DEFAULTS = {
  // Fail a connect attempt fast: callers (HTTP 503, readiness) need a quick answer.
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5, factor: 0.2, multiplier: 2 },
} as const;

export const PRODUCER_DEFAULTS = {
  /** Callers of `send` get an answer (ack or KafkaUnavailableError) within this. */
  sendTimeoutMs: 5_000,
  /** How long a send waits for company before its batch is flushed. */
  lingerMs: 2,
  /** A batch is flushed at once when it holds this many records. */
  maxBatchRecords: 1_000,
  /** Coalesced batches sent at the same time (kafkajs serialises idempotent requests per broker anyway). */
  maxInFlightBatches: 1,
  /** Idempotence needs ordered, de-duplicated in-flight requests: Kafka allows at most 5. */
  maxInFlightRequests: 5,
  // kafkajs's own retries inside one sendBatch; the send timeout bounds the whole anyway.
  retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 8 },
} as const;

export const CONSUMER_DEFAULTS = {
  keyConcurrency: 16,
  partitionsConsumedConcurrently: 4,
  sessionTimeoutMs: 30_000,
  rebalanceTimeoutMs: 60_000,
  heartbeatIntervalMs: 3_000,
  // Java's fetch.max.wait.ms; kafkajs's 5 s would also delay stop() by up to 5 s.
  maxWaitTimeMs: 500,
  /** Records of one partition fetched and not yet done before the partition is paused. */
  maxBufferedPerPartition: 1_000,
  /** Contiguous progress of a busy partition is committed this often. */
  commitIntervalMs: 1_000,
  /** `stop()` waits this long for in-flight handlers before abandoning them (uncommitted). */
  shutdownTimeoutMs: 10_000,
  retry: { initialDelayMs: 200, maxDelayMs: 30_000, factor: 2, jitter: 0.2, maxAttempts: Number.POSITIVE_INFINITY },
} as const;

export const HEALTH_DEFAULTS = {
  timeoutMs: 2_000,
} as const;

/** KAFKA_SASL_MECHANISM's values, as kafkajs names them. */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** A CA bundle, certificate or key file larger than this is not what the setting names. */
export const PEM_FILE_MAX_BYTES = 1024 * 1024;
