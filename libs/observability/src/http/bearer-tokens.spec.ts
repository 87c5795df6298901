import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ApiError } from './api-error.js';
import { BearerTokens } from './bearer-tokens.js';

const ADMIN = 'admin-token-0123456789';
const AUDITOR = 'auditor-token-0123456789';

function request(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

function refusal(tokens: BearerTokens<unknown>, authorization?: string): ApiError {
  try {
    tokens.authenticate(request(authorization));
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
  assert.fail(`${JSON.stringify(authorization?.slice(0, 40))} was accepted`);
}

void describe('BearerTokens', () => {
  const tokens = new BearerTokens(BearerTokens.byRole({ admin: [ADMIN], auditor: [AUDITOR] }), { realm: 'hookline-test' });

  void it("gives the matched token's principal, the scheme in any case", () => {
    assert.equal(tokens.authenticate(request(`Bearer ${ADMIN}`)), 'admin');
    assert.equal(tokens.authenticate(request(`bearer  ${AUDITOR} `)), 'auditor');
  });

  void it('gives the first entry when a token is listed twice', () => {
    const both = new BearerTokens(BearerTokens.byRole({ admin: [ADMIN], auditor: [ADMIN] }), { realm: 'r' });
    assert.equal(both.principalOf(ADMIN), 'admin');
  });

  void it('answers a missing header with a bare challenge, a malformed or unknown one with its error', () => {
    const missing = refusal(tokens);
    assert.equal(missing.getStatus(), 401);
    assert.equal(missing.code, 'unauthorized');
    assert.equal(missing.headers['WWW-Authenticate'], 'Bearer realm="hookline-test"');
    for (const header of [`Basic ${ADMIN}`, 'Bearer', `Bearer ${ADMIN} extra`, ADMIN, '\u0000']) {
      assert.equal(refusal(tokens, header).headers['WWW-Authenticate'], 'Bearer realm="hookline-test", error="invalid_request"', header);
    }
    assert.equal(refusal(tokens, `Bearer ${ADMIN}x`).headers['WWW-Authenticate'], 'Bearer realm="hookline-test", error="invalid_token"');
  });

  void it('refuses forged, oversized and near-miss tokens without echoing them', () => {
    for (const candidate of [ADMIN.slice(1), ADMIN.toUpperCase(), `${ADMIN}${AUDITOR}`, 'x'.repeat(100_000), '\u00e9'.repeat(30)]) {
      const error = refusal(tokens, `Bearer ${candidate}`);
      assert.ok(!error.message.includes(candidate.slice(0, 16)), 'the message must not echo the token');
      assert.ok(!JSON.stringify(error.toBody()).includes(candidate.slice(0, 16)));
    }
  });

  void it("builds refusals with the service's factory", () => {
    class Counted extends ApiError {}
    const counted = new BearerTokens([{ token: ADMIN, principal: 1 }], {
      realm: 'r',
      refusal: (message, headers) => new Counted(401, 'unauthorized', message, { headers }),
    });
    assert.ok(refusal(counted) instanceof Counted);
  });
});
