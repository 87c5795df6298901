import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import type { ProducerConfig } from '../config/producer.settings.js';
import { SvixHttpError } from './svix-wire.js';

export interface UpstreamAnswer {
  readonly status: number;
  /** The body exactly as Svix sent it ('' when none). */
  readonly text: string;
  readonly contentType: string | undefined;
}

const REGIONS = new Set(['us', 'eu', 'in', 'ca', 'au']);

/** The Svix API URL the svix SDKs use for a token when no server URL is set (the region is the token's suffix). */
export function svixBaseUrl(token: string, serverUrl: string | undefined): string {
  if (serverUrl !== undefined) return serverUrl.replace(/\/+$/, '');
  const region = token.slice(token.lastIndexOf('.') + 1);
  return token.includes('.') && REGIONS.has(region) ? `https://api.${region}.svix.com` : 'https://api.svix.com';
}

/**
 * The Svix the svix-relay publishes to (SVIX_SERVER_URL, SVIX_AUTH_TOKEN: the relay's
 * settings, set to the same values). Management calls go there directly, answers are
 * returned unchanged; the gateway's ingest token is never sent on.
 */
@Injectable()
export class SvixUpstream {
  private readonly baseUrl: string | undefined;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: Pick<ProducerConfig, 'SVIX_AUTH_TOKEN' | 'SVIX_SERVER_URL' | 'SVIX_REQUEST_TIMEOUT_MS'>) {
    this.token = config.SVIX_AUTH_TOKEN;
    this.baseUrl = config.SVIX_AUTH_TOKEN === undefined ? undefined : svixBaseUrl(config.SVIX_AUTH_TOKEN, config.SVIX_SERVER_URL);
    this.timeoutMs = config.SVIX_REQUEST_TIMEOUT_MS;
  }

  get enabled(): boolean {
    return this.token !== undefined;
  }

  /** Sends `method path` (path and query, already checked) with `body` to Svix; SvixHttpError when it cannot be reached. */
  async call(method: string, pathAndQuery: string, body: string | undefined, idempotencyKey: string | undefined): Promise<UpstreamAnswer> {
    if (this.token === undefined || this.baseUrl === undefined) {
      throw SvixHttpError.of(
        503,
        'svix_not_configured',
        'this hookline producer has no Svix to forward to: set SVIX_AUTH_TOKEN (and SVIX_SERVER_URL) to the values the svix-relay uses',
      );
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined && body !== '') headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        method,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body !== undefined && body !== '' ? { body } : {}),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw SvixHttpError.of(
        502,
        'svix_unreachable',
        timedOut ? `Svix did not answer within ${this.timeoutMs} ms (SVIX_REQUEST_TIMEOUT_MS)` : 'Svix could not be reached',
      );
    }
    return { status: response.status, text, contentType: response.headers.get('content-type') ?? undefined };
  }
}
