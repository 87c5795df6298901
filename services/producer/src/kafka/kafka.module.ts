import { Module } from '@nestjs/common';
import { EventProducer, kafkaClientProvider } from '@hookline/kafka';
import { APP_CONFIG, MetricsRegistry } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { ProducerConfig } from '../config/producer.settings.js';
import { KafkaConnection } from './kafka-connection.service.js';
import { KafkaTopics } from './kafka-topics.service.js';
import { KAFKA_CLIENT } from './kafka.constant.js';
import { ProduceMetricsObserver } from './produce-metrics.observer.js';

/** Kafka for the producer: the shared client, the EventProducer, topic setup and the readiness check. */
@Module({
  providers: [
    kafkaClientProvider(KAFKA_CLIENT, APP_CONFIG, PinoLogger),
    {
      provide: EventProducer,
      inject: [KAFKA_CLIENT, APP_CONFIG, MetricsRegistry],
      useFactory: (client: Kafka, config: ProducerConfig, metrics: MetricsRegistry): EventProducer =>
        new EventProducer({ client, sendTimeoutMs: config.KAFKA_SEND_TIMEOUT_MS, observer: new ProduceMetricsObserver(metrics) }),
    },
    KafkaTopics,
    KafkaConnection,
  ],
  exports: [EventProducer],
})
export class KafkaModule {}
