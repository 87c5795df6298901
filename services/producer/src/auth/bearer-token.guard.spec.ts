import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '../http/api-error.js';
import { BearerTokenGuard } from './bearer-token.guard.js';

const TOKENS = ['first-token-0123456789', 'second-token-abcdefghij'];

function contextWith(authorization: string | undefined): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function refusal(guard: BearerTokenGuard, authorization: string | undefined): ApiError {
  try {
    guard.canActivate(contextWith(authorization));
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${JSON.stringify(authorization)} was accepted`);
}

void describe('BearerTokenGuard', () => {
  const guard = new BearerTokenGuard({ INGEST_TOKENS: TOKENS });

  void it('accepts every configured token, the scheme in any case', () => {
    assert.equal(guard.canActivate(contextWith(`Bearer ${TOKENS[0]}`)), true);
    assert.equal(guard.canActivate(contextWith(`Bearer ${TOKENS[1]}`)), true);
    assert.equal(guard.canActivate(contextWith(`bearer ${TOKENS[1]}`)), true);
    assert.equal(guard.canActivate(contextWith(`BEARER  ${TOKENS[0]} `)), true);
  });

  void it('refuses prefixes, suffixes, case changes and other near misses of a token', () => {
    const token = TOKENS[0]!;
    const nearMisses = [
      token.slice(0, -1),
      token.slice(1),
      `${token}x`,
      `x${token}`,
      token.toUpperCase(),
      `${token}${TOKENS[1]}`,
      TOKENS.join(','),
      'a',
      'x'.repeat(10_000),
    ];
    for (const candidate of nearMisses) {
      assert.equal(guard.accepts(candidate), false, candidate.slice(0, 40));
      const error = refusal(guard, `Bearer ${candidate}`);
      assert.equal(error.getStatus(), 401);
      assert.equal(error.code, 'unauthorized');
      assert.equal(error.reason, 'unauthorized');
      assert.equal(error.headers['WWW-Authenticate'], 'Bearer realm="hookline", error="invalid_token"');
      if (candidate.length >= 8) assert.ok(!error.message.includes(candidate), 'the message must not echo the token');
    }
  });

  void it('compares digests of equal length, so a token of any length is refused, not thrown on', () => {
    // timingSafeEqual throws on buffers of different lengths: this passes only because
    // both sides are SHA-256 digests.
    for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 64, 4096]) assert.equal(guard.accepts('t'.repeat(length)), false);
  });

  void it('answers a missing or malformed header with 401 and a Bearer challenge', () => {
    const missing = refusal(guard, undefined);
    assert.equal(missing.getStatus(), 401);
    assert.equal(missing.headers['WWW-Authenticate'], 'Bearer realm="hookline"');
    assert.match(missing.message, /missing Authorization header/);
    for (const header of ['', `Basic ${TOKENS[0]}`, 'Bearer', 'Bearer ', `Bearer ${TOKENS[0]} extra`, TOKENS[0]!]) {
      const error = refusal(guard, header);
      assert.equal(error.getStatus(), 401, header);
      assert.match(error.headers['WWW-Authenticate'] ?? '', /^Bearer realm="hookline"/);
    }
    assert.match(refusal(guard, `Basic ${TOKENS[0]}`).message, /malformed Authorization header/);
  });
});
