import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { Svix } from 'svix';
import type { RelayConfig } from '../config/relay.settings.js';
import { SVIX_SDK_RETRY_SCHEDULE_MS } from '../relay.constant.js';
import { SvixNotConfiguredError } from './svix-not-configured.error.js';

/**
 * The official svix SDK, configured once. Without SVIX_AUTH_TOKEN there is no client:
 * publishing is off and management calls answer 400 saying so.
 */
@Injectable()
export class SvixClient {
  readonly api: Svix | undefined;

  constructor(@Inject(APP_CONFIG) config: Pick<RelayConfig, 'SVIX_AUTH_TOKEN' | 'SVIX_SERVER_URL' | 'SVIX_REQUEST_TIMEOUT_MS'>) {
    this.api =
      config.SVIX_AUTH_TOKEN === undefined
        ? undefined
        : new Svix(config.SVIX_AUTH_TOKEN, {
            ...(config.SVIX_SERVER_URL === undefined ? {} : { serverUrl: config.SVIX_SERVER_URL }),
            requestTimeout: config.SVIX_REQUEST_TIMEOUT_MS,
            // The SDK's own retries would wait without heartbeats and blind to Retry-After;
            // the consumer's retry loop does it instead.
            retryScheduleInMs: SVIX_SDK_RETRY_SCHEDULE_MS,
          });
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
