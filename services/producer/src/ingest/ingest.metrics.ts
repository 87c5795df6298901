import { Injectable } from '@nestjs/common';
import { isEventType } from '@hookline/contracts';
import { counterMetric, histogramMetric, MetricSet } from '@hookline/observability';
import type { RejectReason } from '../http/ingest-refusal.js';
import { INGEST_METRICS, UNKNOWN_EVENT_TYPE_LABEL } from './ingest.constant.js';

type Outcome = 'accepted' | 'rejected';

/** The ingest API's counters and request-duration histogram. */
@Injectable()
export class IngestMetrics extends MetricSet({
  events: counterMetric(
    INGEST_METRICS.events,
    'Events received on POST /v1/events and POST /v1/hoop/runbook-hook, by event type and whether they were accepted.',
    ['event_type', 'outcome'],
  ),
  rejections: counterMetric(INGEST_METRICS.rejected, 'POST /v1/events and POST /v1/hoop/runbook-hook requests refused, by reason.', ['reason']),
  requestDuration: histogramMetric(INGEST_METRICS.requestDuration, 'Time to answer POST /v1/events, by status class (2xx, 4xx, 5xx).', ['status_class']),
}) {
  accepted(eventTypes: readonly unknown[]): void {
    this.countEvents(eventTypes, 'accepted');
  }

  rejected(reason: RejectReason, eventTypes: readonly unknown[] = []): void {
    this.rejections.inc({ reason });
    this.countEvents(eventTypes, 'rejected');
  }

  requestFinished(statusCode: number, seconds: number): void {
    this.requestDuration.observe({ status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
  }

  private countEvents(eventTypes: readonly unknown[], outcome: Outcome): void {
    const perType = new Map<string, number>();
    for (const type of eventTypes) {
      const label = isEventType(type) ? type : UNKNOWN_EVENT_TYPE_LABEL;
      perType.set(label, (perType.get(label) ?? 0) + 1);
    }
    for (const [event_type, count] of perType) this.events.inc({ event_type, outcome }, count);
  }
}
