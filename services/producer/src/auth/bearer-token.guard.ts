import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ProducerConfig } from '../config/producer.settings.js';
import { ApiError } from '../http/api-error.js';
import { AUTH_REALM } from './auth.constant.js';

// RFC 6750: the scheme is case-insensitive; the token is one run of visible characters.
const BEARER = /^Bearer +(\S+) *$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * `Authorization: Bearer <token>` against every INGEST_TOKENS entry. Tokens are
 * compared as SHA-256 digests with timingSafeEqual (equal lengths whatever was
 * sent), and every configured token is compared, so the time taken says nothing
 * about how much of a token was right or which one matched.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly digests: readonly Buffer[];

  constructor(@Inject(APP_CONFIG) config: Pick<ProducerConfig, 'INGEST_TOKENS'>) {
    this.digests = config.INGEST_TOKENS.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw unauthorized('missing Authorization header; send "Authorization: Bearer <token>"', `Bearer realm="${AUTH_REALM}"`);
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      throw unauthorized('malformed Authorization header; expected "Bearer <token>"', challenge('invalid_request'));
    }
    if (!this.accepts(token)) throw unauthorized('the bearer token is not valid', challenge('invalid_token'));
    return true;
  }

  /** True when `token` equals one of the configured tokens; constant time in the token's content. */
  accepts(token: string): boolean {
    const candidate = digest(token);
    let matched = 0;
    for (const known of this.digests) matched |= Number(timingSafeEqual(candidate, known));
    return matched === 1;
  }
}

function challenge(error: 'invalid_request' | 'invalid_token'): string {
  return `Bearer realm="${AUTH_REALM}", error="${error}"`;
}

function unauthorized(message: string, wwwAuthenticate: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { reason: 'unauthorized', headers: { 'WWW-Authenticate': wwwAuthenticate } });
}
