import { Module } from '@nestjs/common';
import { EventProducer, kafkaClientProvider } from '@hookline/kafka';
import { APP_CONFIG } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { KAFKA_CLIENT } from './kafka.constant.js';

/** Kafka for the hook-executor: the shared client and the producer of result records. */
@Module({
  providers: [
    kafkaClientProvider(KAFKA_CLIENT, APP_CONFIG, PinoLogger),
    {
      provide: EventProducer,
      inject: [KAFKA_CLIENT],
      useFactory: (client: Kafka): EventProducer => new EventProducer({ client }),
    },
  ],
  exports: [KAFKA_CLIENT, EventProducer],
})
export class KafkaModule {}
