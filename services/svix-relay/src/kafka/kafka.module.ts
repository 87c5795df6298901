import { Global, Module } from '@nestjs/common';
import { EventProducer, kafkaClientProvider } from '@hookline/kafka';
import { APP_CONFIG } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { PUBLICATION_LINGER_MS } from '../relay.constant.js';
import { KAFKA_CLIENT } from './kafka.constant.js';

/** The shared kafkajs client and the producer of publication records and dead letters (disconnected by RelayConsumer, last). */
@Global()
@Module({
  providers: [
    kafkaClientProvider(KAFKA_CLIENT, APP_CONFIG, PinoLogger),
    {
      provide: EventProducer,
      inject: [KAFKA_CLIENT],
      useFactory: (client: Kafka): EventProducer => new EventProducer({ client, lingerMs: PUBLICATION_LINGER_MS }),
    },
  ],
  exports: [KAFKA_CLIENT, EventProducer],
})
export class KafkaModule {}
