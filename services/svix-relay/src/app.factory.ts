import { createServiceApp } from '@hookline/observability';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type RelayAppOptions } from './app.module.js';
import type { RelayConfig } from './config/relay.settings.js';

/**
 * The svix-relay app, configured but not listening: main.ts and tests call `listen`.
 * The OpenAPI description of the management API is served at /docs (JSON at /docs-json).
 * Bodies are read after the guards by JsonBodyInterceptor (app.module).
 */
export function createRelayApp(config: RelayConfig, options: RelayAppOptions = {}): Promise<NestExpressApplication> {
  return createServiceApp(AppModule.forRoot(config, options), config, {
    title: 'hookline svix-relay management API',
    description:
      'Svix event types, endpoints, messages and delivery attempts, and the webhooks plugin connections. ADMIN_TOKENS read and write; AUDITOR_TOKENS only read.',
    jsonDocumentUrl: 'docs-json',
  });
}
