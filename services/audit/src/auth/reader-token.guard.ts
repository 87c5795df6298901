import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuditConfig } from '../config/audit.settings.js';
import { ApiError } from '../http/api-error.js';
import { AUTH_REALM } from './auth.constant.js';

// RFC 6750: the scheme is case-insensitive; the token is one run of visible characters.
const BEARER = /^Bearer +(\S+) *$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The query API's readers: `Authorization: Bearer <token>` with one of ADMIN_TOKENS or
 * AUDITOR_TOKENS (both roles may read; nothing here writes). Compared as SHA-256
 * digests with timingSafeEqual against every token, so timing tells nothing.
 */
@Injectable()
export class ReaderTokenGuard implements CanActivate {
  private readonly digests: readonly Buffer[];

  constructor(@Inject(APP_CONFIG) config: Pick<AuditConfig, 'ADMIN_TOKENS' | 'AUDITOR_TOKENS'>) {
    this.digests = [...config.ADMIN_TOKENS, ...(config.AUDITOR_TOKENS ?? [])].map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<IncomingMessage>().headers.authorization;
    if (header === undefined || header === '') {
      throw unauthorized('missing Authorization header; send "Authorization: Bearer <token>"', `Bearer realm="${AUTH_REALM}"`);
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw unauthorized('malformed Authorization header; expected "Bearer <token>"', challenge('invalid_request'));
    if (!this.accepts(token)) throw unauthorized('the bearer token is not valid', challenge('invalid_token'));
    return true;
  }

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
  return new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': wwwAuthenticate });
}
