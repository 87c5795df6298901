import { TOPICS } from '@hookline/contracts';

export const SERVICE_NAME = 'audit';

/** Where audit listens unless PORT says otherwise. */
export const DEFAULT_PORT = 8084;

/** Topics the audit service reads. Gateway topics tell each event's time, type, sid and connection. */
export const GATEWAY_INPUT_TOPICS = [TOPICS.gatewaySessions, TOPICS.gatewayDbroles] as const;
export const RESULT_INPUT_TOPICS = [TOPICS.hookExecutions, TOPICS.svixPublications] as const;
/**
 * Every topic read; each is ensured at start with its `.dlq`. Result records that can
 * never be stored are dead-lettered; undecodable gateway records are only skipped and
 * counted here, because the services that own them (hook-executor, svix-relay) already
 * dead-letter them.
 */
export const INPUT_TOPICS = [...GATEWAY_INPUT_TOPICS, ...RESULT_INPUT_TOPICS] as const;

/** Journal table of the audit service's migrations (schema drizzle), so it can share a database. */
export const MIGRATIONS_TABLE = 'audit_migrations';

/** Metric names: the contract the dashboards and alert rules are built on. */
export const AUDIT_METRICS = {
  deliveryAttempts: 'hookline_delivery_attempts_total',
  deliveryLatency: 'hookline_delivery_latency_seconds',
  deliveryExhausted: 'hookline_delivery_exhausted_total',
  endpointLastSuccess: 'hookline_endpoint_last_success_timestamp_seconds',
  endpointLastFailure: 'hookline_endpoint_last_failure_timestamp_seconds',
  endpointFailing: 'hookline_endpoint_failing',
  endpointDisabled: 'hookline_endpoint_disabled',
  hookExecutions: 'hookline_audit_hook_executions_total',
  hookDuration: 'hookline_audit_hook_duration_seconds',
  publications: 'hookline_audit_publications_total',
  consumerLag: 'hookline_kafka_consumer_lag',
  deadLetterRecords: 'hookline_dead_letter_records_total',
  rowsStored: 'hookline_audit_rows_stored_total',
  recordsSkipped: 'hookline_audit_records_skipped_total',
  storeFailures: 'hookline_audit_store_failures_total',
  operationalWebhooks: 'hookline_audit_operational_webhooks_total',
  attemptReads: 'hookline_audit_svix_attempt_reads_total',
  retentionDeleted: 'hookline_audit_retention_deleted_total',
} as const;

/** Readiness probes answer before the health registry's own 2 s limit. */
export const DEPENDENCY_CHECK_TIMEOUT_MS = 1_500;
/** How often topic setup is retried when Kafka was unreachable at start. */
export const TOPIC_SETUP_RETRY_MS = 5_000;
/** A record that failed to store (PostgreSQL down) is retried this often at most: catch-up starts soon after it is back. */
export const STORE_RETRY = { initialDelayMs: 200, maxDelayMs: 3_000 } as const;
/** Endpoint gauges look back this far (keeps the refresh query bounded). */
export const ENDPOINT_GAUGE_WINDOW_DAYS = 7;
/** The timeline of one session returns at most this many entries (flagged truncated). */
export const TIMELINE_MAX_ENTRIES = 5_000;
export const QUERY_DEFAULT_LIMIT = 50;
export const QUERY_MAX_LIMIT = 500;
/**
 * Most bytes of JSON one query answer carries: a list or timeline that would be bigger ends early
 * (next_cursor / truncated). Lists and timelines carry output sizes, not output text, so a page of
 * QUERY_MAX_LIMIT runs is far below it; one run's output (each stream at most 512 KiB, as the
 * hook-executor caps it) comes from GET /v1/hook-executions/{id}.
 */
export const QUERY_MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Queries running at once against PostgreSQL; more wait (up to QUERY_MAX_WAITING), then get 503. */
export const QUERY_MAX_CONCURRENT = 4;
export const QUERY_MAX_WAITING = 32;
/** Retry-After of a 503 answered when QUERY_MAX_WAITING queries already wait. */
export const QUERY_BUSY_RETRY_AFTER_SECONDS = 1;
/** Endpoint summary window when none is given. */
export const SUMMARY_DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Event time to successful attempt: includes Svix retries, which may take hours. */
export const DELIVERY_LATENCY_BUCKETS_SECONDS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

/** Injection token of the shared kafkajs client. */
export const KAFKA_CLIENT = Symbol('hookline:audit:kafka-client');

/** Svix's operational webhooks nest 3-4 levels; far deeper is hostile (and PostgreSQL's jsonb has a depth limit). */
export const OPERATIONAL_MAX_DEPTH = 32;
