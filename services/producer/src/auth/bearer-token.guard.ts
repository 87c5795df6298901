import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_CONFIG, BearerTokens, enforceRules } from '@hookline/observability';
import type { IncomingMessage } from 'node:http';
import { ingestTokensListedOnce, type ProducerConfig } from '../config/producer.settings.js';
import { IngestRefusal } from '../http/ingest-refusal.js';
import { AUTH_REALM } from './auth.constant.js';
import { setIngestPrincipal, type IngestPrincipal } from './ingest-principal.js';

/**
 * `Authorization: Bearer <token>` against every INGEST_TOKENS and INGEST_ORG_TOKENS
 * entry (compared as BearerTokens does: every entry, in constant time). The matched
 * token's principal (its organisation, if bound) is recorded for the route; a refusal
 * is counted as an ingest refusal (`unauthorized`).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly tokens: BearerTokens<IngestPrincipal>;

  constructor(@Inject(APP_CONFIG) config: Pick<ProducerConfig, 'INGEST_TOKENS'> & Partial<Pick<ProducerConfig, 'INGEST_ORG_TOKENS'>>) {
    // Built from a config (tests) that loadConfig may not have checked.
    enforceRules(config, ingestTokensListedOnce);
    this.tokens = new BearerTokens<IngestPrincipal>(
      [
        ...config.INGEST_TOKENS.map((token) => ({ token, principal: Object.freeze({ org: undefined }) })),
        ...(config.INGEST_ORG_TOKENS ?? []).map(({ org, token }) => ({ token, principal: Object.freeze({ org }) })),
      ],
      { realm: AUTH_REALM, refusal: (message, headers) => new IngestRefusal(401, 'unauthorized', message, { reason: 'unauthorized', headers }) },
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    setIngestPrincipal(request, this.tokens.authenticate(request));
    return true;
  }

  /** True when `token` equals one of the configured tokens; constant time in the token's content. */
  accepts(token: string): boolean {
    return this.tokens.accepts(token);
  }

  /** The principal of `token`, or undefined when no configured token equals it. */
  principalOf(token: string): IngestPrincipal | undefined {
    return this.tokens.principalOf(token);
  }
}
