import { Module } from '@nestjs/common';
import { EventProducer, kafkaClientFromSettings } from '@hookline/kafka';
import { APP_CONFIG } from '@hookline/observability';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { HookExecutorConfig } from '../config/hook-executor.settings.js';
import { KAFKA_CLIENT } from './kafka.constant.js';

/** Kafka for the hook-executor: the shared client and the producer of result records. */
@Module({
  providers: [
    {
      provide: KAFKA_CLIENT,
      inject: [APP_CONFIG, PinoLogger],
      useFactory: (config: HookExecutorConfig, logger: PinoLogger): Kafka =>
        kafkaClientFromSettings(config, logger.logger),
    },
    {
      provide: EventProducer,
      inject: [KAFKA_CLIENT],
      useFactory: (client: Kafka): EventProducer => new EventProducer({ client }),
    },
  ],
  exports: [KAFKA_CLIENT, EventProducer],
})
export class KafkaModule {}
