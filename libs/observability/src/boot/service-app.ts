import { Logger, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { listenManagement, separateManagementRoutes } from '../http/management-port.js';
import { JsonBodyInterceptor } from '../http/json-body.interceptor.js';
import { useServiceLogger } from '../logging/use-service-logger.js';
import { ObservabilityModule } from '../observability.module.js';
import type { ObservabilityOptions } from '../observability-options.js';

/** What tests may set of a service app: where logs go and at which level. */
export type ServiceAppOptions = Pick<ObservabilityOptions, 'logDestination' | 'logLevel'>;

export interface ServiceModuleParts extends Pick<DynamicModule, 'imports' | 'controllers' | 'providers'> {
  /**
   * Set: JSON bodies up to this size are read after the guards (JsonBodyInterceptor, before
   * the service's own interceptors), so an unauthenticated caller never gets one parsed;
   * routes marked @ReadsOwnBody read their own.
   */
  readonly jsonBodyLimitBytes?: number;
}

/** A service's root module: ObservabilityModule (logs, /metrics, /health, APP_CONFIG) and the service's own parts. */
export function serviceRootModule(module: Type, observability: ObservabilityOptions, parts: ServiceModuleParts): DynamicModule {
  const { jsonBodyLimitBytes, ...own } = parts;
  const bodies = jsonBodyLimitBytes === undefined ? [] : [{ provide: APP_INTERCEPTOR, useFactory: () => new JsonBodyInterceptor(jsonBodyLimitBytes) }];
  return { module, ...own, imports: [ObservabilityModule.forRoot(observability), ...(own.imports ?? [])], providers: [...bodies, ...(own.providers ?? [])] };
}

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
export async function createServiceApp(
  module: DynamicModule,
  config: Pick<ListenSettings, 'MANAGEMENT_PORT'>,
  docs?: ServiceDocs,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, bufferLogs: true });
  useServiceLogger(app);
  separateManagementRoutes(app, config.MANAGEMENT_PORT);
  app.disable('x-powered-by');
  app.disable('etag');
  if (docs !== undefined) {
    // Loaded only by the services that serve /docs.
    const { DocumentBuilder, SwaggerModule } = await import('@nestjs/swagger');
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle(docs.title).setDescription(docs.description).setVersion('1').addBearerAuth().build(),
    );
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
