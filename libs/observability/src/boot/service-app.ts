import { Logger, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { listenManagement, separateManagementRoutes } from '../http/management-port.js';
import { useServiceLogger } from '../logging/use-service-logger.js';

/** The settings every service has for its listeners. */
export interface ListenSettings {
  readonly PORT: number;
  readonly HOST: string;
  readonly MANAGEMENT_PORT: number | undefined;
}

/** The OpenAPI description a service serves at /docs. */
export interface ServiceDocs {
  readonly title: string;
  readonly description: string;
  /** Where the JSON document is served, e.g. `docs/openapi.json`. */
  readonly jsonDocumentUrl: string;
}

/**
 * A service's app, configured but not listening (main and tests call `listen`): logs
 * through pino, /metrics and /docs on the management port when there is one, no
 * X-Powered-By or ETag. Bodies are never parsed globally: a route reads its own body
 * after its guards (JsonBodyInterceptor, @ReadsOwnBody), so no framework error page or
 * parser default answers for it.
 */
export async function createServiceApp(module: DynamicModule, config: Pick<ListenSettings, 'MANAGEMENT_PORT'>, docs?: ServiceDocs): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, bufferLogs: true });
  useServiceLogger(app);
  separateManagementRoutes(app, config.MANAGEMENT_PORT);
  app.disable('x-powered-by');
  app.disable('etag');
  if (docs !== undefined) {
    // Loaded only by the services that serve /docs.
    const { DocumentBuilder, SwaggerModule } = await import('@nestjs/swagger');
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(docs.title).setDescription(docs.description).setVersion('1').addBearerAuth().build());
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: docs.jsonDocumentUrl });
  }
  return app;
}

/**
 * Serves a created app: shutdown hooks on (SIGTERM/SIGINT finish in-flight work, commit,
 * disconnect), the main listener, then the management listener when MANAGEMENT_PORT is set.
 */
export async function serveApp(app: INestApplication, config: ListenSettings, service: string): Promise<void> {
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  const logger = new Logger('Main');
  logger.log(`${service} listening on ${config.HOST}:${config.PORT}`);
  if (config.MANAGEMENT_PORT !== undefined) {
    await listenManagement(app, config.MANAGEMENT_PORT, config.HOST);
    logger.log(`/metrics and /docs on ${config.HOST}:${config.MANAGEMENT_PORT} only`);
  }
}
