import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { Svix } from 'svix';
import type { RelayConfig } from '../config/relay.settings.js';
import { SVIX_API_EXTRA_CONNECTIONS, SVIX_SDK_RETRY_SCHEDULE_MS } from '../relay.constant.js';
import { createPooledFetch, type PooledFetch } from './pooled-fetch.js';
import { SvixNotConfiguredError } from './svix-not-configured.error.js';

/**
 * The official svix SDK, configured once. Without SVIX_AUTH_TOKEN there is no client:
 * publishing is off and management calls answer 400 saying so.
 */
@Injectable()
export class SvixClient implements OnApplicationShutdown {
  readonly api: Svix | undefined;
  private readonly http: PooledFetch | undefined;

  constructor(@Inject(APP_CONFIG) config: Pick<RelayConfig, 'SVIX_AUTH_TOKEN' | 'SVIX_SERVER_URL' | 'SVIX_REQUEST_TIMEOUT_MS' | 'SVIX_CONCURRENCY'>) {
    // Publishing makes at most SVIX_CONCURRENCY calls at once; the management API's few share the pool.
    this.http =
      config.SVIX_AUTH_TOKEN === undefined
        ? undefined
        : createPooledFetch(config.SVIX_CONCURRENCY + SVIX_API_EXTRA_CONNECTIONS, config.SVIX_REQUEST_TIMEOUT_MS);
    this.api =
      config.SVIX_AUTH_TOKEN === undefined || this.http === undefined
        ? undefined
        : new Svix(config.SVIX_AUTH_TOKEN, {
            fetch: this.http.fetch,
            ...(config.SVIX_SERVER_URL === undefined ? {} : { serverUrl: config.SVIX_SERVER_URL }),
            // No requestTimeout: the pooled fetch enforces SVIX_REQUEST_TIMEOUT_MS without a timer per call.
            // The SDK's own retries would wait without heartbeats and blind to Retry-After;
            // the consumer's retry loop does it instead.
            retryScheduleInMs: SVIX_SDK_RETRY_SCHEDULE_MS,
          });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.http?.close();
  }

  get enabled(): boolean {
    return this.api !== undefined;
  }

  /** The SDK, or SvixNotConfiguredError (the API answers it with 400). */
  require(): Svix {
    if (this.api === undefined) throw new SvixNotConfiguredError();
    return this.api;
  }
}
