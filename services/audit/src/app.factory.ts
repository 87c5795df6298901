import { createServiceApp } from '@hookline/observability';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AuditAppOptions } from './app.module.js';
import type { AuditConfig } from './config/audit.settings.js';

/**
 * The audit app, configured but not listening: main.ts and tests call `listen`. The
 * only body the service takes is the operational webhook, whose signature covers its
 * exact bytes, so that route reads them itself.
 */
export function createAuditApp(config: AuditConfig, options: AuditAppOptions = {}): Promise<NestExpressApplication> {
  return createServiceApp(AppModule.forRoot(config, options), config, {
    title: 'hookline audit',
    description: 'Every hook run, Svix publication and delivery attempt; session timelines; endpoint summaries. Bearer tokens: ADMIN_TOKENS or AUDITOR_TOKENS.',
    jsonDocumentUrl: 'docs/openapi.json',
  });
}
