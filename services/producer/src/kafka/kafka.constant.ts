import { TOPICS } from '@hookline/contracts';

/** Injection token of the shared kafkajs client (one connection pool per process). */
export const KAFKA_CLIENT = Symbol('hookline:producer:kafka-client');

/** The topics the producer writes; each also gets its `.dlq`. */
export const PRODUCED_TOPICS = [TOPICS.gatewaySessions, TOPICS.gatewayDbroles] as const;

export const KAFKA_PRODUCE_DURATION_METRIC = 'hookline_kafka_produce_duration_seconds';

/** /health/ready's Kafka probe: answer before the health registry's own 2 s limit. */
export const KAFKA_HEALTH_TIMEOUT_MS = 1_500;

/** How long startup waits for topic setup before serving anyway. */
export const TOPIC_SETUP_WAIT_MS = 5_000;

/** How often topic setup is retried when Kafka was unreachable at start. */
export const TOPIC_SETUP_RETRY_MS = 5_000;

/**
 * Room above INGEST_MAX_BODY_BYTES for a topic's max.message.bytes: one request's
 * records may share one record batch, and each record adds its CloudEvents headers.
 */
export const RECORD_BATCH_HEADROOM_BYTES = 1024 * 1024;
