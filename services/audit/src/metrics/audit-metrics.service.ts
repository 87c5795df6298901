import { Injectable } from '@nestjs/common';
import { LONG_DURATION_BUCKETS_SECONDS, MetricsRegistry } from '@hookline/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { AUDIT_METRICS, DELIVERY_LATENCY_BUCKETS_SECONDS } from '../audit.constant.js';

/** Every metric the audit service exports. Labels are bounded: types, statuses, outcomes, endpoint ids, topics, groups. */
@Injectable()
export class AuditMetrics {
  readonly deliveryAttempts: Counter<'event_type' | 'status' | 'status_class'>;
  readonly deliveryLatency: Histogram;
  readonly deliveryExhausted: Counter<'endpoint'>;
  readonly endpointLastSuccess: Gauge<'endpoint'>;
  readonly endpointLastFailure: Gauge<'endpoint'>;
  readonly endpointFailing: Gauge<'endpoint'>;
  readonly endpointDisabled: Gauge<'endpoint'>;
  readonly hookExecutions: Counter<'hook' | 'outcome'>;
  readonly hookDuration: Histogram<'hook'>;
  readonly publications: Counter<'event_type'>;
  readonly consumerLag: Gauge<'group' | 'topic'>;
  readonly deadLetterRecords: Counter<'topic'>;
  readonly rowsStored: Counter<'table'>;
  readonly recordsSkipped: Counter<'topic' | 'reason'>;
  readonly storeFailures: Counter<'table'>;
  readonly operationalWebhooks: Counter<'type' | 'outcome'>;
  readonly attemptReads: Counter<'result'>;
  readonly retentionDeleted: Counter<'table'>;

  constructor(registry: MetricsRegistry) {
    this.deliveryAttempts = registry.counter({
      name: AUDIT_METRICS.deliveryAttempts,
      help: 'Svix delivery attempts recorded (each once), by event type, status (success, pending, fail, sending, canceled) and response status class.',
      labelNames: ['event_type', 'status', 'status_class'],
    });
    this.deliveryLatency = registry.histogram({
      name: AUDIT_METRICS.deliveryLatency,
      help: 'Time from the gateway event to its successful delivery attempt.',
      buckets: DELIVERY_LATENCY_BUCKETS_SECONDS,
    });
    this.deliveryExhausted = registry.counter({
      name: AUDIT_METRICS.deliveryExhausted,
      help: 'Messages whose every delivery attempt failed (Svix message.attempt.exhausted), by endpoint.',
      labelNames: ['endpoint'],
    });
    this.endpointLastSuccess = registry.gauge({
      name: AUDIT_METRICS.endpointLastSuccess,
      help: 'Unix time of the last successful delivery attempt per endpoint (recorded attempts of the last 7 days).',
      labelNames: ['endpoint'],
    });
    this.endpointLastFailure = registry.gauge({
      name: AUDIT_METRICS.endpointLastFailure,
      help: 'Unix time of the last failed delivery attempt per endpoint (recorded attempts of the last 7 days).',
      labelNames: ['endpoint'],
    });
    this.endpointFailing = registry.gauge({
      name: AUDIT_METRICS.endpointFailing,
      help: '1 when the endpoint failed (an attempt or a message.attempt.failing webhook) after its last success, else 0.',
      labelNames: ['endpoint'],
    });
    this.endpointDisabled = registry.gauge({
      name: AUDIT_METRICS.endpointDisabled,
      help: '1 when Svix disabled the endpoint (endpoint.disabled) and it was not re-enabled since, else 0.',
      labelNames: ['endpoint'],
    });
    this.hookExecutions = registry.counter({
      name: AUDIT_METRICS.hookExecutions,
      help: 'Runbook hook runs recorded from hookline.hook-executions.v1 (each once), by hook and outcome.',
      labelNames: ['hook', 'outcome'],
    });
    this.hookDuration = registry.histogram({
      name: AUDIT_METRICS.hookDuration,
      help: 'Duration of recorded runbook hook runs, by hook.',
      labelNames: ['hook'],
      buckets: LONG_DURATION_BUCKETS_SECONDS,
    });
    this.publications = registry.counter({
      name: AUDIT_METRICS.publications,
      help: 'Svix publications recorded from hookline.svix-publications.v1 (each once), by event type.',
      labelNames: ['event_type'],
    });
    this.consumerLag = registry.gauge({
      name: AUDIT_METRICS.consumerLag,
      help: 'Records not yet consumed, per hookline consumer group and topic (end offset minus committed offset, summed over partitions).',
      labelNames: ['group', 'topic'],
    });
    this.deadLetterRecords = registry.counter({
      name: AUDIT_METRICS.deadLetterRecords,
      help: 'Records written to dead-letter topics, by dead-letter topic (from their end offsets).',
      labelNames: ['topic'],
    });
    this.rowsStored = registry.counter({
      name: AUDIT_METRICS.rowsStored,
      help: 'Rows newly stored, by table (a record seen again is not counted).',
      labelNames: ['table'],
    });
    this.recordsSkipped = registry.counter({
      name: AUDIT_METRICS.recordsSkipped,
      help: 'Gateway records the audit service could not decode and skipped (their owners dead-letter them), by topic and reason.',
      labelNames: ['topic', 'reason'],
    });
    this.storeFailures = registry.counter({
      name: AUDIT_METRICS.storeFailures,
      help: 'INSERT statements that failed (PostgreSQL down or refusing); the records are retried, nothing is committed.',
      labelNames: ['table'],
    });
    this.operationalWebhooks = registry.counter({
      name: AUDIT_METRICS.operationalWebhooks,
      help: 'Svix operational webhooks received, by type and outcome (stored, duplicate, bad_signature, malformed, too_large, not_configured).',
      labelNames: ['type', 'outcome'],
    });
    this.attemptReads = registry.counter({
      name: AUDIT_METRICS.attemptReads,
      help: 'Rounds of reading delivery attempts from Svix, by result (ok, error).',
      labelNames: ['result'],
    });
    this.retentionDeleted = registry.counter({
      name: AUDIT_METRICS.retentionDeleted,
      help: 'Rows deleted by retention (older than AUDIT_RETENTION_DAYS), by table.',
      labelNames: ['table'],
    });
  }
}
