import { Injectable } from '@nestjs/common';
import { counterMetric, histogramMetric, MetricSet } from '@hookline/observability';
import { RELAY_METRICS } from '../relay.constant.js';
import type { SvixStatusClass } from '../svix/svix-failure.js';

/** The relay's metrics; labels are bounded sets. */
@Injectable()
export class RelayMetrics extends MetricSet({
  published: counterMetric(RELAY_METRICS.published, 'Events accepted by Svix (new messages and 409 already-published), by event type.', ['event_type']),
  filtered: counterMetric(RELAY_METRICS.filtered, 'Events not published, by reason (plugin_disabled, unknown_session).', ['reason']),
  svixErrors: counterMetric(RELAY_METRICS.svixErrors, 'Failed Svix calls while publishing, by status class (network, 429, 4xx, 5xx).', ['status_class']),
  publishSeconds: histogramMetric(RELAY_METRICS.publishSeconds, 'Time of one successful publication to Svix (message create), seconds.'),
}) {
  svixError(statusClass: SvixStatusClass): void {
    this.svixErrors.inc({ status_class: statusClass });
  }
}
