import { Module, type DynamicModule } from '@nestjs/common';
import { apiExceptionFilter, serviceRootModule, type ServiceAppOptions } from '@hookline/observability';
import { SERVICE_NAME } from './app.constant.js';
import type { ProducerConfig } from './config/producer.settings.js';
import { producerErrorPolicy } from './http/producer-error.policy.js';
import { HoopHooksModule } from './hoop-hooks/hoop-hooks.module.js';
import { IngestMetrics } from './ingest/ingest.metrics.js';
import { IngestModule } from './ingest/ingest.module.js';
import { SvixDoorModule } from './svix-door/svix-door.module.js';

export { SERVICE_NAME };

/** Options for tests: where logs go and at which level. */
export type ProducerAppOptions = ServiceAppOptions;

@Module({})
export class AppModule {
  static forRoot(config: ProducerConfig, options: ProducerAppOptions = {}): DynamicModule {
    return serviceRootModule(
      AppModule,
      { service: SERVICE_NAME, config, ...options },
      {
        imports: [IngestModule, SvixDoorModule, HoopHooksModule],
        // POST /v1/events, the Svix door and the hook route read their own bodies (@ReadsOwnBody).
        jsonBodyLimitBytes: config.INGEST_MAX_BODY_BYTES,
        providers: [apiExceptionFilter(producerErrorPolicy, [IngestMetrics])],
      },
    );
  }
}
