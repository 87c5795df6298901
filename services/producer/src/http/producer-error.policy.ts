import type { ApiErrorPolicy } from '@hookline/observability';
import type { IngestMetrics } from '../ingest/ingest.metrics.js';
import { SERVICE_NAME } from '../app.constant.js';
import { IngestRefusal } from './ingest-refusal.js';

/** Refused ingest requests are counted here, once, whichever layer (guard, body reader, service) refused them. */
export function producerErrorPolicy(metrics: IngestMetrics): ApiErrorPolicy {
  return {
    service: SERVICE_NAME,
    observe: (error) => {
      if (error instanceof IngestRefusal && error.reason !== undefined) metrics.rejected(error.reason, error.eventTypes);
    },
  };
}
