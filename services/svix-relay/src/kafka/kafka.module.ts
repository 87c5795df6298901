import { Global, Module } from '@nestjs/common';
import { EventProducer, kafkaClientFromSettings } from '@hookline/kafka';
import { APP_CONFIG } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { RelayConfig } from '../config/relay.settings.js';
import { PUBLICATION_LINGER_MS } from '../relay.constant.js';
import { KAFKA_CLIENT } from './kafka.constant.js';

/** The shared kafkajs client and the producer of publication records and dead letters (disconnected by RelayConsumer, last). */
@Global()
@Module({
  providers: [
    {
      provide: KAFKA_CLIENT,
      inject: [APP_CONFIG, PinoLogger],
      useFactory: (config: RelayConfig, logger: PinoLogger): Kafka =>
        kafkaClientFromSettings(config, logger.logger),
    },
    {
      provide: EventProducer,
      inject: [KAFKA_CLIENT],
      useFactory: (client: Kafka): EventProducer => new EventProducer({ client, lingerMs: PUBLICATION_LINGER_MS }),
    },
  ],
  exports: [KAFKA_CLIENT, EventProducer],
})
export class KafkaModule {}
