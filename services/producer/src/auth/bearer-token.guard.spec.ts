import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionContext } from '@nestjs/common';
import { IngestRefusal } from '../http/ingest-refusal.js';
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '@hookline/observability';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { ingestPrincipalOf } from './ingest-principal.js';

const TOKENS = ['first-token-0123456789', 'second-token-abcdefghij'];

function contextWith(authorization: string | undefined): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function refusal(guard: BearerTokenGuard, authorization: string | undefined): IngestRefusal {
  try {
    guard.canActivate(contextWith(authorization));
  } catch (error) {
    assert.ok(error instanceof IngestRefusal, `expected an IngestRefusal, got ${String(error)}`);
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

  void it('records the principal: the organisation of a bound token, none for an unbound one', () => {
    const bound = 'bound-token-0123456789';
    const other = 'other-bound-token-98765';
    const withOrgs = new BearerTokenGuard({
      INGEST_TOKENS: TOKENS,
      INGEST_ORG_TOKENS: [
        { org: 'org-a', token: bound },
        { org: 'org-b', token: other },
      ],
    });
    const principalAfter = (token: string) => {
      const request = { headers: { authorization: `Bearer ${token}` } };
      const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
      assert.equal(withOrgs.canActivate(context), true);
      return ingestPrincipalOf(request as unknown as IncomingMessage);
    };
    assert.deepEqual(principalAfter(bound), { org: 'org-a' });
    assert.deepEqual(principalAfter(other), { org: 'org-b' });
    assert.deepEqual(principalAfter(TOKENS[0]!), { org: undefined });
    assert.equal(withOrgs.principalOf(`${bound}x`), undefined);
    assert.throws(() => ingestPrincipalOf({ headers: {} } as unknown as IncomingMessage), /must use BearerTokenGuard/);
  });

  void it('refuses at start a token listed both unbound and bound, without naming the token', () => {
    assert.throws(
      () => new BearerTokenGuard({ INGEST_TOKENS: TOKENS, INGEST_ORG_TOKENS: [{ org: 'org-a', token: TOKENS[1]! }] }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /INGEST_ORG_TOKENS: 1 token\(s\) also listed in INGEST_TOKENS \(for org "org-a"\)/);
        assert.ok(!error.message.includes(TOKENS[1]!));
        return true;
      },
    );
  });
});
