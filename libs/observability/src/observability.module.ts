import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from './config/config.constant.js';
import { redactedConfig } from './config/load-config.js';
import { LOG_LEVELS, type LogLevel } from './config/setting-builders.js';
import { HEALTH_CHECK_TIMEOUT_MS } from './health/health.constant.js';
import { HealthController } from './health/health.controller.js';
import { HealthRegistry } from './health/health-registry.service.js';
import { createLogger } from './logging/create-logger.js';
import { UNLOGGED_PATHS } from './logging/logging.constant.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsRegistry } from './metrics/metrics-registry.service.js';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability-options.js';

/**
 * Everything a hookline service needs to be operated: JSON request logs with
 * secrets redacted, /metrics, /health/live and /health/ready. Global, so feature
 * modules inject MetricsRegistry, HealthRegistry, PinoLogger and APP_CONFIG
 * without importing it.
 */
@Module({})
export class ObservabilityModule implements OnApplicationBootstrap {
  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly logger: PinoLogger,
  ) {}

  static forRoot(options: ObservabilityOptions): DynamicModule {
    const logger = createLogger({
      service: options.service,
      level: options.logLevel ?? configuredLevel(options.config) ?? 'info',
      ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
    });
    const shared: Provider[] = [
      { provide: MetricsRegistry, useFactory: () => new MetricsRegistry(options.service) },
      {
        provide: HealthRegistry,
        useFactory: (indicators: HealthIndicatorService) => new HealthRegistry(indicators, options.healthCheckTimeoutMs ?? HEALTH_CHECK_TIMEOUT_MS),
        inject: [HealthIndicatorService],
      },
      ...(options.config === undefined ? [] : [{ provide: APP_CONFIG, useValue: options.config }]),
    ];
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            autoLogging: { ignore: (req) => UNLOGGED_PATHS.test(requestPath(req)) },
            genReqId: (req, res) => requestId(req, res),
            customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          },
        }),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      controllers: [MetricsController, HealthController],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }, ...shared],
      exports: [...shared, LoggerModule, TerminusModule],
    };
  }

  onApplicationBootstrap(): void {
    if (this.options.config !== undefined) {
      this.logger.info({ config: redactedConfig(this.options.config) }, 'configuration loaded');
    }
  }
}

function configuredLevel(config: object | undefined): LogLevel | undefined {
  const level: unknown = config !== undefined && 'LOG_LEVEL' in config ? config.LOG_LEVEL : undefined;
  return LOG_LEVELS.find((known) => known === level);
}

// Nest mounts the middleware on a router, where `url` may be relative; `originalUrl` is the full path.
function requestPath(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return url.split('?', 1)[0] ?? '';
}

// Keep a caller's request id so one request can be followed across services.
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && incoming !== '' && incoming.length <= 128 ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
