import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { apiExceptionFilter, JsonBodyInterceptor, ObservabilityModule, type ObservabilityOptions } from '@hookline/observability';
import { SERVICE_NAME } from './app.constant.js';
import type { ProducerConfig } from './config/producer.settings.js';
import { producerErrorPolicy } from './http/producer-error.policy.js';
import { HoopHooksModule } from './hoop-hooks/hoop-hooks.module.js';
import { IngestMetrics } from './ingest/ingest.metrics.js';
import { IngestModule } from './ingest/ingest.module.js';
import { SvixDoorModule } from './svix-door/svix-door.module.js';

export { SERVICE_NAME };

/** Options for tests: where logs go and at which level. */
export type ProducerAppOptions = Pick<ObservabilityOptions, 'logDestination' | 'logLevel'>;

@Module({})
export class AppModule {
  static forRoot(config: ProducerConfig, options: ProducerAppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [ObservabilityModule.forRoot({ service: SERVICE_NAME, config, ...options }), IngestModule, SvixDoorModule, HoopHooksModule],
      providers: [
        apiExceptionFilter(producerErrorPolicy, [IngestMetrics]),
        // Any JSON body is read after the guards; POST /v1/events, the Svix door and the hook route read their own (@ReadsOwnBody).
        { provide: APP_INTERCEPTOR, useFactory: () => new JsonBodyInterceptor(config.INGEST_MAX_BODY_BYTES) },
      ],
    };
  }
}
