import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { IngestMetrics } from './ingest.metrics.js';

/** Times each POST /v1/events from arrival to the last byte of the answer, whatever answered it. */
@Injectable()
export class RequestDurationMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  constructor(private readonly metrics: IngestMetrics) {}

  use(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const started = performance.now();
    response.once('finish', () => this.metrics.requestFinished(response.statusCode, (performance.now() - started) / 1000));
    next();
  }
}
