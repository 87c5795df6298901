import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter, type InjectionToken, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { ApiError, type ApiErrorBody } from './api-error.js';
import { answerAfterDraining } from './drain-request.js';

/** Longer messages of framework errors are cut (with an ellipsis): they may echo input. */
export const API_ERROR_MESSAGE_MAX_LENGTH = 300;

/** What a service adds to the shared filter. */
export interface ApiErrorPolicy {
  /** Named in the 500 answer: "internal error; the <service> logged the details". */
  readonly service: string;
  /** Turns a service's own errors (an SDK's, a client library's) into ApiErrors; undefined passes. */
  readonly translate?: (exception: unknown) => ApiError | undefined;
  /** Sees every error answered, e.g. to count refusals. */
  readonly observe?: (error: ApiError, request: IncomingMessage) => void;
}

// Nest's and the body readers' own HTTP errors by status: the code of the JSON answer.
const CODES: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'bad_request',
  [HttpStatus.UNAUTHORIZED]: 'unauthorized',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method_not_allowed',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'service_unavailable',
};

/** The code answered for a framework error of `status`. */
export function httpErrorCode(status: number): string {
  return CODES[status] ?? `http_${status}`;
}

function cut(text: string): string {
  return text.length > API_ERROR_MESSAGE_MAX_LENGTH ? `${text.slice(0, API_ERROR_MESSAGE_MAX_LENGTH)}…` : text;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  return cut(typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : exception.message);
}

/** Body-parser errors (too large, aborted) carry an HTTP status of their own. */
function statusOfParserError(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  return typeof status === 'number' && typeof type === 'string' && status >= 400 && status < 500 ? status : undefined;
}

/** An answer that is already a document (terminus' /health/ready 503 with each dependency's state): kept whole. */
class DocumentAnswer extends ApiError {
  constructor(
    status: number,
    private readonly document: object,
  ) {
    super(status, httpErrorCode(status), 'see the document');
  }

  override toBody(): ApiErrorBody {
    return this.document as ApiErrorBody;
  }
}

/**
 * Every error leaves as JSON `{ error, message, details? }`: never Express's HTML pages,
 * never a stack. A body left unread (refused before reading: 401, 413, 415, 404) is read
 * and discarded, bounded, before the answer, so a client that sends it all first can read it.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    protected readonly logger: PinoLogger,
    protected readonly policy: ApiErrorPolicy,
  ) {
    this.logger.setContext(new.target.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage>();
    const response = http.getResponse<ServerResponse>();
    const error = this.apiErrorOf(exception);
    this.policy.observe?.(error, request);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    this.answer(request, response, error);
  }

  /** Writes the answer; a variant (another wire shape) overrides this. */
  protected answer(request: IncomingMessage, response: ServerResponse, error: ApiError): void {
    response.statusCode = error.getStatus();
    for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    const text = JSON.stringify(error.toBody());
    answerAfterDraining(request, response, () => response.end(text));
  }

  /** Any thrown value as the ApiError it is answered as; unexpected ones are logged, never answered in detail. */
  apiErrorOf(exception: unknown): ApiError {
    const translated = this.policy.translate?.(exception);
    if (translated !== undefined) return translated;
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (status === 503 && typeof response === 'object' && 'details' in response) return new DocumentAnswer(status, response);
      if (status >= 500) this.logger.error({ err: exception }, 'request failed');
      return new ApiError(status, httpErrorCode(status), messageOf(exception));
    }
    const parserStatus = statusOfParserError(exception);
    if (parserStatus !== undefined) {
      return new ApiError(parserStatus, httpErrorCode(parserStatus), parserStatus === 413 ? 'the body is larger than allowed' : 'the body could not be read');
    }
    this.logger.error({ err: exception }, 'unexpected error while handling a request');
    return new ApiError(500, 'internal_error', `internal error; the ${this.policy.service} logged the details`);
  }
}

/**
 * The app-wide filter of a service: `providers: [apiExceptionFilter(() => ({ service: 'audit' }))]`;
 * `inject` names what the policy needs (e.g. the metrics that count refusals).
 */
export function apiExceptionFilter<const T extends readonly InjectionToken[]>(
  policy: (...deps: never[]) => ApiErrorPolicy,
  inject: T = [] as unknown as T,
): Provider {
  return {
    provide: APP_FILTER,
    inject: [PinoLogger, ...inject],
    useFactory: (logger: PinoLogger, ...deps: never[]) => new ApiExceptionFilter(logger, policy(...deps)),
  };
}
