import {
  BadRequestException,
  SetMetadata,
  Injectable,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parse as parseContentType } from 'content-type';
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { from, switchMap, type Observable } from 'rxjs';

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;
const READS_OWN_BODY = 'hookline:reads-own-body';
const REFLECTOR = new Reflector();

/**
 * Marks a controller or handler that reads its request body itself (a signed webhook whose
 * signature covers the raw bytes, a streaming reader with its own limits): JsonBodyInterceptor
 * leaves its body alone. The handler must still be behind its own authentication.
 */
export const ReadsOwnBody = (): ClassDecorator & MethodDecorator => SetMetadata(READS_OWN_BODY, true);

/** True when the request announces a body (Content-Length above 0, or chunked). */
export function hasRequestBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/**
 * Reads and parses a JSON request body into `request.body`, as an interceptor: Nest runs
 * interceptors after guards, so a request is authenticated before a byte of its body is
 * read, and a bad body from an unauthenticated caller is a 401, never a 400 or 413.
 * Install it app-wide (APP_INTERCEPTOR) in place of a global body parser, so every route,
 * present and future, gets the same order. Routes marked @ReadsOwnBody() are left alone.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(private readonly limitBytes: number) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    if (REFLECTOR.getAllAndOverride<boolean | undefined>(READS_OWN_BODY, [context.getHandler(), context.getClass()]) === true) return next.handle();
    const request = context.switchToHttp().getRequest<IncomingMessage & { body?: unknown }>();
    if (request.body !== undefined || request.readableDidRead || request.complete || !hasRequestBody(request)) return next.handle();
    return from(this.read(request)).pipe(switchMap(() => next.handle()));
  }

  private async read(request: IncomingMessage & { body?: unknown }): Promise<void> {
    const header = request.headers['content-type'];
    let type: string;
    try {
      type = parseContentType(header ?? '').type;
    } catch {
      throw new UnsupportedMediaTypeException('send the body as JSON with Content-Type: application/json');
    }
    if (!JSON_MEDIA_TYPE.test(type))
      throw new UnsupportedMediaTypeException(`Content-Type ${JSON.stringify(type.slice(0, 64))} is not supported; send application/json`);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limitBytes) throw new PayloadTooLargeException(`request body is larger than ${this.limitBytes} bytes`);
    let text: string;
    try {
      text = await getRawBody(request, { limit: this.limitBytes, encoding: 'utf-8' });
    } catch (error) {
      if ((error as { type?: unknown }).type === 'entity.too.large') throw new PayloadTooLargeException(`request body is larger than ${this.limitBytes} bytes`);
      throw new BadRequestException('request body could not be read');
    }
    try {
      request.body = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      // The parser's message quotes the body: not repeated.
      throw new BadRequestException('request body is not valid JSON');
    }
  }
}
