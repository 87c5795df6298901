import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { apiExceptionFilter, serviceRootModule, type ServiceAppOptions } from '@hookline/observability';
import { AuditorUrlMaskInterceptor } from './auth/auditor-url-mask.interceptor.js';
import type { RelayConfig } from './config/relay.settings.js';
import { DatabaseModule } from './database/database.module.js';
import { SVIX_ERROR_POLICY } from './http/svix-error.policy.js';
import { KafkaModule } from './kafka/kafka.module.js';
import { RelayModule } from './relay.module.js';
import { SERVICE_NAME } from './relay.constant.js';

/** Management API bodies are small JSON documents (an event type's schema is the biggest). */
const JSON_BODY_LIMIT_BYTES = 256 * 1024;

/** Options for tests: where logs go and at which level. */
export type RelayAppOptions = ServiceAppOptions;

@Module({})
export class AppModule {
  static forRoot(config: RelayConfig, options: RelayAppOptions = {}): DynamicModule {
    return serviceRootModule(
      AppModule,
      { service: SERVICE_NAME, config, ...options },
      {
        imports: [DatabaseModule, KafkaModule, RelayModule],
        jsonBodyLimitBytes: JSON_BODY_LIMIT_BYTES,
        providers: [apiExceptionFilter(() => SVIX_ERROR_POLICY), { provide: APP_INTERCEPTOR, useClass: AuditorUrlMaskInterceptor }],
      },
    );
  }
}
