import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { useServiceLogger } from '@hookline/observability';
import { AppModule, type RelayAppOptions } from './app.module.js';
import type { RelayConfig } from './config/relay.settings.js';

/** Management API bodies are small JSON documents (an event type's schema is the biggest). */
const JSON_BODY_LIMIT = '256kb';

/**
 * The svix-relay app, configured but not listening: main.ts and tests call `listen`.
 * The OpenAPI description of the management API is served at /docs (JSON at /docs-json).
 */
export async function createRelayApp(config: RelayConfig, options: RelayAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), { bufferLogs: true, bodyParser: false });
  useServiceLogger(app);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.disable('x-powered-by');
  app.disable('etag');
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('hookline svix-relay management API')
      .setDescription('Svix event types, endpoints, messages and delivery attempts, and the webhooks plugin connections. ADMIN_TOKENS read and write; AUDITOR_TOKENS only read.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
