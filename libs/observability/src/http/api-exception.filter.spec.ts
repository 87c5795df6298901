import assert from 'node:assert/strict';
import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { PinoLogger } from 'nestjs-pino';
import { ApiError } from './api-error.js';
import { API_ERROR_MESSAGE_MAX_LENGTH, ApiExceptionFilter, type ApiErrorPolicy } from './api-exception.filter.js';

const logged: unknown[] = [];
const logger = { setContext: () => undefined, error: (entry: unknown) => logged.push(entry) } as unknown as PinoLogger;

class Upstream extends Error {}

function answer(policy: ApiErrorPolicy, exception: unknown): { status: number; headers: Record<string, unknown>; body: Record<string, unknown> } {
  const headers: Record<string, unknown> = {};
  let text = '';
  const response = {
    headersSent: false,
    statusCode: 0,
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = value),
    end: (chunk: string) => (text = chunk),
  };
  const request = { complete: true, readableEnded: true, headers: {} };
  const host = {
    switchToHttp: () => ({ getRequest: () => request as unknown as IncomingMessage, getResponse: () => response as unknown as ServerResponse }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter(logger, policy).catch(exception, host);
  return { status: response.statusCode, headers, body: JSON.parse(text) as Record<string, unknown> };
}

void describe('ApiExceptionFilter', () => {
  const policy: ApiErrorPolicy = {
    service: 'test service',
    translate: (error) => (error instanceof Upstream ? new ApiError(502, 'upstream_error', 'upstream failed', { extra: { upstream_status: 500 } }) : undefined),
  };

  void it('answers an ApiError with its status, headers and body', () => {
    const answered = answer(policy, new ApiError(503, 'busy', 'retry later', { headers: { 'Retry-After': '1' }, details: [{ path: 'q', message: 'bad' }] }));
    assert.equal(answered.status, 503);
    assert.equal(answered.headers['retry-after'], '1');
    assert.equal(answered.headers['cache-control'], 'no-store');
    assert.deepEqual(answered.body, { error: 'busy', message: 'retry later', details: [{ path: 'q', message: 'bad' }] });
  });

  void it('names framework errors by status and cuts long messages that may echo input', () => {
    assert.deepEqual(answer(policy, new NotFoundException('Cannot GET /x')).body, { error: 'not_found', message: 'Cannot GET /x' });
    assert.equal(answer(policy, new HttpException('teapot', 418)).body.error, 'http_418');
    const long = answer(policy, new BadRequestException('y'.repeat(10_000))).body.message as string;
    assert.equal(long.length, API_ERROR_MESSAGE_MAX_LENGTH + 1);
    assert.ok(long.endsWith('…'));
  });

  void it("keeps a readiness answer's document whole", () => {
    const document = { status: 'error', info: {}, error: { kafka: { status: 'down' } }, details: { kafka: { status: 'down' } } };
    assert.deepEqual(answer(policy, new ServiceUnavailableException(document)).body, document);
  });

  void it("answers a body reader's own errors with their 4xx status", () => {
    assert.deepEqual(answer(policy, Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' })).body, {
      error: 'payload_too_large',
      message: 'the body is larger than allowed',
    });
  });

  void it("translates the service's own errors and says nothing of unexpected ones", () => {
    assert.deepEqual(answer(policy, new Upstream('x')).body, { error: 'upstream_error', message: 'upstream failed', upstream_status: 500 });
    logged.length = 0;
    const unexpected = answer(policy, new Error('password=hunter2 at /srv/app.js:1'));
    assert.equal(unexpected.status, 500);
    assert.deepEqual(unexpected.body, { error: 'internal_error', message: 'internal error; the test service logged the details' });
    assert.equal(logged.length, 1);
  });

  void it('lets the policy observe every answered error', () => {
    const seen: string[] = [];
    answer({ service: 's', observe: (error) => seen.push(error.code) }, new NotFoundException());
    assert.deepEqual(seen, ['not_found']);
  });
});
