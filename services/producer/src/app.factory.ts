import { createServiceApp } from '@hookline/observability';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type ProducerAppOptions } from './app.module.js';
import type { ProducerConfig } from './config/producer.settings.js';

/**
 * The producer app, configured but not listening: main.ts and tests call `listen`.
 * POST /v1/events reads its own body after the bearer token is checked (IngestBodyReader).
 */
export function createProducerApp(config: ProducerConfig, options: ProducerAppOptions = {}): Promise<NestExpressApplication> {
  return createServiceApp(AppModule.forRoot(config, options), config);
}
