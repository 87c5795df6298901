import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiError, APP_CONFIG, BearerTokens } from '@hookline/observability';
import type { IncomingMessage } from 'node:http';
import type { RelayConfig } from '../config/relay.settings.js';
import { AUTH_REALM } from '../relay.constant.js';

/** Who made a request that passed the guard: set on the request for what answers it. */
export type CallerRole = 'admin' | 'auditor';
const CALLER_ROLE = Symbol('hookline:caller-role');

/** The role ApiTokenGuard admitted `request` under (undefined on routes it does not guard). */
export function callerRole(request: object): CallerRole | undefined {
  return (request as { [CALLER_ROLE]?: CallerRole })[CALLER_ROLE];
}
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Management API access: ADMIN_TOKENS read and write, AUDITOR_TOKENS only read
 * (GET/HEAD); an auditor's write is 403, a missing or unknown token 401.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: BearerTokens<CallerRole>;

  constructor(@Inject(APP_CONFIG) config: Pick<RelayConfig, 'ADMIN_TOKENS' | 'AUDITOR_TOKENS'>) {
    this.tokens = new BearerTokens(BearerTokens.byRole<CallerRole>({ admin: config.ADMIN_TOKENS, auditor: config.AUDITOR_TOKENS }), { realm: AUTH_REALM });
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage & { [CALLER_ROLE]?: CallerRole }>();
    const role = this.tokens.authenticate(request);
    request[CALLER_ROLE] = role;
    if (role === 'admin' || READ_METHODS.has((request.method ?? 'GET').toUpperCase())) return true;
    throw new ApiError(403, 'forbidden', 'an auditor token may only read; this call needs an admin token');
  }
}
