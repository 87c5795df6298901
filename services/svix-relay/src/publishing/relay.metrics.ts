import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@hookline/observability';
import type { Counter, Histogram } from 'prom-client';
import { RELAY_METRICS } from '../relay.constant.js';
import type { SvixStatusClass } from '../svix/svix-failure.js';

/** The relay's metrics, exactly as named in the issue; labels are bounded sets. */
@Injectable()
export class RelayMetrics {
  readonly published: Counter<'event_type'>;
  readonly filtered: Counter<'reason'>;
  readonly svixErrors: Counter<'status_class'>;
  readonly publishSeconds: Histogram;

  constructor(registry: MetricsRegistry) {
    this.published = registry.counter({ name: RELAY_METRICS.published, help: 'Events accepted by Svix (new messages and 409 already-published), by event type.', labelNames: ['event_type'] });
    this.filtered = registry.counter({ name: RELAY_METRICS.filtered, help: 'Events not published, by reason (plugin_disabled, unknown_session).', labelNames: ['reason'] });
    this.svixErrors = registry.counter({ name: RELAY_METRICS.svixErrors, help: 'Failed Svix calls while publishing, by status class (network, 429, 4xx, 5xx).', labelNames: ['status_class'] });
    this.publishSeconds = registry.histogram({ name: RELAY_METRICS.publishSeconds, help: 'Time of one successful publication to Svix (message create), seconds.' });
  }

  svixError(statusClass: SvixStatusClass): void {
    this.svixErrors.inc({ status_class: statusClass });
  }
}
