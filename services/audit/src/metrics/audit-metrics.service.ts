import { Injectable } from '@nestjs/common';
import { counterMetric, gaugeMetric, histogramMetric, LONG_DURATION_BUCKETS_SECONDS, MetricSet } from '@hookline/observability';
import { AUDIT_METRICS, DELIVERY_LATENCY_BUCKETS_SECONDS } from '../audit.constant.js';

/** Every metric the audit service exports. Labels are bounded: types, statuses, outcomes, endpoint ids, topics, groups. */
@Injectable()
export class AuditMetrics extends MetricSet({
  deliveryAttempts: counterMetric(
    AUDIT_METRICS.deliveryAttempts,
    'Svix delivery attempts recorded (each once), by event type, status (success, pending, fail, sending, canceled) and response status class.',
    ['event_type', 'status', 'status_class'],
  ),
  deliveryLatency: histogramMetric(
    AUDIT_METRICS.deliveryLatency,
    'Time from the gateway event to its successful delivery attempt.',
    [],
    DELIVERY_LATENCY_BUCKETS_SECONDS,
  ),
  deliveryExhausted: counterMetric(
    AUDIT_METRICS.deliveryExhausted,
    'Messages whose every delivery attempt failed (Svix message.attempt.exhausted), by endpoint.',
    ['endpoint'],
  ),
  endpointLastSuccess: gaugeMetric(
    AUDIT_METRICS.endpointLastSuccess,
    'Unix time of the last successful delivery attempt per endpoint (recorded attempts of the last 7 days).',
    ['endpoint'],
  ),
  endpointLastFailure: gaugeMetric(
    AUDIT_METRICS.endpointLastFailure,
    'Unix time of the last failed delivery attempt per endpoint (recorded attempts of the last 7 days).',
    ['endpoint'],
  ),
  endpointFailing: gaugeMetric(
    AUDIT_METRICS.endpointFailing,
    '1 when the endpoint failed (an attempt or a message.attempt.failing webhook) after its last success, else 0.',
    ['endpoint'],
  ),
  endpointDisabled: gaugeMetric(
    AUDIT_METRICS.endpointDisabled,
    '1 when Svix disabled the endpoint (endpoint.disabled) and it was not re-enabled since, else 0.',
    ['endpoint'],
  ),
  hookExecutions: counterMetric(AUDIT_METRICS.hookExecutions, 'Runbook hook runs recorded from hookline.hook-executions.v1 (each once), by hook and outcome.', [
    'hook',
    'outcome',
  ]),
  hookDuration: histogramMetric(AUDIT_METRICS.hookDuration, 'Duration of recorded runbook hook runs, by hook.', ['hook'], LONG_DURATION_BUCKETS_SECONDS),
  publications: counterMetric(AUDIT_METRICS.publications, 'Svix publications recorded from hookline.svix-publications.v1 (each once), by event type.', [
    'event_type',
  ]),
  consumerLag: gaugeMetric(
    AUDIT_METRICS.consumerLag,
    'Records not yet consumed, per hookline consumer group and topic (end offset minus committed offset, summed over partitions).',
    ['group', 'topic'],
  ),
  deadLetterRecords: counterMetric(AUDIT_METRICS.deadLetterRecords, 'Records written to dead-letter topics, by dead-letter topic (from their end offsets).', [
    'topic',
  ]),
  rowsStored: counterMetric(AUDIT_METRICS.rowsStored, 'Rows newly stored, by table (a record seen again is not counted).', ['table']),
  recordsSkipped: counterMetric(
    AUDIT_METRICS.recordsSkipped,
    'Gateway records the audit service could not decode and skipped (their owners dead-letter them), by topic and reason.',
    ['topic', 'reason'],
  ),
  storeFailures: counterMetric(
    AUDIT_METRICS.storeFailures,
    'INSERT statements that failed (PostgreSQL down or refusing); the records are retried, nothing is committed.',
    ['table'],
  ),
  operationalWebhooks: counterMetric(
    AUDIT_METRICS.operationalWebhooks,
    'Svix operational webhooks received, by type and outcome (stored, duplicate, bad_signature, malformed, too_large, not_configured).',
    ['type', 'outcome'],
  ),
  attemptReads: counterMetric(AUDIT_METRICS.attemptReads, 'Rounds of reading delivery attempts from Svix, by result (ok, error).', ['result']),
  retentionDeleted: counterMetric(AUDIT_METRICS.retentionDeleted, 'Rows deleted by retention (older than AUDIT_RETENTION_DAYS), by table.', ['table']),
}) {}
