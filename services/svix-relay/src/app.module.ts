import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ObservabilityModule, type ObservabilityOptions } from '@hookline/observability';
import type { RelayConfig } from './config/relay.settings.js';
import { DatabaseModule } from './database/database.module.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { KafkaModule } from './kafka/kafka.module.js';
import { RelayModule } from './relay.module.js';
import { SERVICE_NAME } from './relay.constant.js';

/** Options for tests: where logs go and at which level. */
export type RelayAppOptions = Pick<ObservabilityOptions, 'logDestination' | 'logLevel'>;

@Module({})
export class AppModule {
  static forRoot(config: RelayConfig, options: RelayAppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [ObservabilityModule.forRoot({ service: SERVICE_NAME, config, ...options }), DatabaseModule, KafkaModule, RelayModule],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
