import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_CONFIG, BearerTokens } from '@hookline/observability';
import type { IncomingMessage } from 'node:http';
import type { AuditConfig } from '../config/audit.settings.js';
import { AUTH_REALM } from './auth.constant.js';

/**
 * The query API's readers: `Authorization: Bearer <token>` with one of ADMIN_TOKENS or
 * AUDITOR_TOKENS (both roles may read; nothing here writes).
 */
@Injectable()
export class ReaderTokenGuard implements CanActivate {
  private readonly tokens: BearerTokens<'admin' | 'auditor'>;

  constructor(@Inject(APP_CONFIG) config: Pick<AuditConfig, 'ADMIN_TOKENS' | 'AUDITOR_TOKENS'>) {
    this.tokens = new BearerTokens(BearerTokens.byRole({ admin: config.ADMIN_TOKENS, auditor: config.AUDITOR_TOKENS }), { realm: AUTH_REALM });
  }

  canActivate(context: ExecutionContext): boolean {
    this.tokens.authenticate(context.switchToHttp().getRequest<IncomingMessage>());
    return true;
  }
}
