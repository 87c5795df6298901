import { TOPICS } from '@hookline/contracts';

/** Injection token of the shared kafkajs client (one connection pool per process). */
export const KAFKA_CLIENT = Symbol('hookline:hook-executor:kafka-client');

export const CONSUMED_TOPIC = TOPICS.gatewaySessions;
export const RESULT_TOPIC = TOPICS.hookExecutions;

/**
 * max.message.bytes of hookline.hook-executions.v1: two output streams of up to
 * MAX_OUTPUT_CAP_BYTES each, JSON-escaped (a control byte becomes 6 characters).
 */
export const RESULT_TOPIC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** A result record is kept under this (Kafka's default max.message.bytes is 1 MiB, minus batch overhead). */
export const RESULT_RECORD_MAX_BYTES = 900 * 1024;

/** /health/ready's Kafka probe: answer before the health registry's own 2 s limit. */
export const KAFKA_HEALTH_TIMEOUT_MS = 1_500;

/** How often topic setup is retried when Kafka was unreachable at start. */
export const TOPIC_SETUP_RETRY_MS = 5_000;
