import { Catch, Injectable, type ArgumentsHost } from '@nestjs/common';
import { ApiExceptionFilter } from '@hookline/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { SERVICE_NAME } from '../app.constant.js';
import { fromApiError } from './door-message.service.js';
import { SvixDoorMetrics } from './svix-door.metrics.js';
import { SvixHttpError } from './svix-wire.js';

const MESSAGE_CREATE = /^\/api\/v1\/app\/[^/]+\/msg\/?(?:\?.*)?$/;

/**
 * The shared filter's variant for the door: every error leaves in Svix's shape
 * (HttpErrorOut or HTTPValidationError), so the gateway's svix SDK reads it as it would
 * read Svix's: 401 from the bearer check included, and never a stack or a payload.
 */
@Catch()
@Injectable()
export class SvixDoorExceptionFilter extends ApiExceptionFilter {
  constructor(
    private readonly metrics: SvixDoorMetrics,
    logger: PinoLogger,
  ) {
    super(logger, { service: SERVICE_NAME });
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage>();
    const response = http.getResponse<ServerResponse>();
    const error = this.svixError(exception);
    if (error.getStatus() === 401 && request.method === 'POST' && MESSAGE_CREATE.test(request.url ?? '')) this.metrics.event(undefined, 'unauthorized');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    writeSvixAnswer(response, error.getStatus(), error.body, error.headers);
    // A body left unread (refused before reading) would otherwise be read to its end to keep the connection.
    if (!request.complete) response.setHeader('Connection', 'close');
  }

  private svixError(exception: unknown): SvixHttpError {
    if (exception instanceof SvixHttpError) return exception;
    const error = this.apiErrorOf(exception);
    if (error.getStatus() === 401) return SvixHttpError.of(401, 'authentication_failed', error.message, error.headers);
    return fromApiError(error);
  }
}

export function writeSvixAnswer(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Cache-Control', 'no-store');
  if (status === 204 || body === undefined) {
    response.end();
    return;
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}
