import type { ProducerObserver, SendOutcome } from '@hookline/kafka';
import type { MetricsRegistry } from '@hookline/observability';
import type { Histogram } from 'prom-client';
import { KAFKA_PRODUCE_DURATION_METRIC } from './kafka.constant.js';

/** EventProducer hooks -> hookline_kafka_produce_duration_seconds{outcome}. */
export class ProduceMetricsObserver implements ProducerObserver {
  private readonly duration: Histogram<'outcome'>;

  constructor(registry: MetricsRegistry) {
    this.duration = registry.histogram({
      name: KAFKA_PRODUCE_DURATION_METRIC,
      help: 'Time from EventProducer.send to Kafka acknowledging every record (or giving up), by outcome.',
      labelNames: ['outcome'],
    });
  }

  sendSettled(event: { records: number; seconds: number; outcome: SendOutcome }): void {
    this.duration.observe({ outcome: event.outcome }, event.seconds);
  }
}
