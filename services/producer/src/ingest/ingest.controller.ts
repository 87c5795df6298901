import { Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { IngestRoutes, PostAccepted } from '../auth/ingest-routes.decorator.js';
import { ingestPrincipalOf } from '../auth/ingest-principal.js';
import type { IngestAcceptedDto } from './dto/ingest-accepted.dto.js';
import { eventsOfBody } from './ingest-batch.js';
import { IngestBodyReader } from './ingest-body.reader.js';
import { INGEST_PATH } from './ingest.constant.js';
import { IngestService } from './ingest.service.js';

/**
 * POST /v1/events: one event, an array, or {"events": [...]} (IngestRequestBody).
 * 202 once Kafka acknowledged every event; errors are ApiErrors (see ApiExceptionFilter).
 */
@IngestRoutes(INGEST_PATH)
export class IngestController {
  constructor(
    private readonly bodyReader: IngestBodyReader,
    private readonly ingest: IngestService,
  ) {}

  @PostAccepted()
  async post(@Req() request: IncomingMessage): Promise<IngestAcceptedDto> {
    // The body is read here, after the guard, not by a global body parser.
    const body = await this.bodyReader.read(request);
    return this.ingest.accept(eventsOfBody(body), ingestPrincipalOf(request));
  }
}
