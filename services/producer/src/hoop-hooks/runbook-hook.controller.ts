import { Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { IngestRoutes, PostAccepted } from '../auth/ingest-routes.decorator.js';
import { ingestPrincipalOf } from '../auth/ingest-principal.js';
import { IngestRefusal } from '../http/ingest-refusal.js';
import type { IngestAcceptedDto } from '../ingest/dto/ingest-accepted.dto.js';
import { IngestBodyReader } from '../ingest/ingest-body.reader.js';
import { IngestService } from '../ingest/ingest.service.js';
import { mapRunbookHook } from './runbook-hook.mapper.js';
import { RUNBOOK_HOOK_PATH } from './runbook-hook.constant.js';

/**
 * POST /v1/hoop/runbook-hook: hoop's own runbook-hook payload, as a forwarding hook
 * (examples/hoop-forwarder) posts it. The organisation is the bearer token's (the
 * payload has none); the event goes through the same validated ingest as
 * POST /v1/events and is answered 202 only once Kafka has it.
 */
@IngestRoutes(RUNBOOK_HOOK_PATH)
export class RunbookHookController {
  constructor(
    private readonly bodyReader: IngestBodyReader,
    private readonly ingest: IngestService,
  ) {}

  @PostAccepted()
  async post(@Req() request: IncomingMessage): Promise<IngestAcceptedDto> {
    const principal = ingestPrincipalOf(request);
    if (principal.org === undefined) {
      // Refused before the body is read: without an organisation there is nothing to map it to.
      throw new IngestRefusal(
        403,
        'organisation_unbound',
        'this token is not bound to an organisation, and a runbook-hook payload carries none; use a token from INGEST_ORG_TOKENS (<org_id>=<token>)',
        { reason: 'organisation_unbound' },
      );
    }
    const body = await this.bodyReader.read(request);
    const mapped = mapRunbookHook(body, principal.org);
    if (!mapped.ok) {
      const shown = mapped.issues.slice(0, 1).map((issue) => `${issue.path}: ${issue.message}`)[0] ?? '';
      throw new IngestRefusal(400, 'invalid_hook_payload', `the runbook-hook payload cannot be mapped (${shown}); nothing was accepted`, {
        details: mapped.issues,
        reason: 'validation',
      });
    }
    return this.ingest.accept([mapped.event], principal);
  }
}
