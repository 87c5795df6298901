import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionContext } from '@nestjs/common';
import { ApiTokenGuard } from './api-token.guard.js';
import { ApiError } from '@hookline/observability';

const ADMIN = 'admin-token-0123456789';
const AUDITOR = 'auditor-token-0123456789';

function context(method: string, authorization?: string): ExecutionContext {
  const request = { method, headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function status(run: () => boolean): number {
  try {
    return run() ? 200 : 0;
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error.getStatus();
  }
}

void describe('ApiTokenGuard', () => {
  const guard = new ApiTokenGuard({ ADMIN_TOKENS: [ADMIN], AUDITOR_TOKENS: [AUDITOR] });

  void it('lets admins read and write, auditors only read', () => {
    assert.equal(
      status(() => guard.canActivate(context('POST', `Bearer ${ADMIN}`))),
      200,
    );
    assert.equal(
      status(() => guard.canActivate(context('GET', `bearer ${AUDITOR}`))),
      200,
    );
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'])
      assert.equal(
        status(() => guard.canActivate(context(method, `Bearer ${AUDITOR}`))),
        403,
        method,
      );
  });

  void it('refuses a missing, malformed or unknown token with 401', () => {
    assert.equal(
      status(() => guard.canActivate(context('GET'))),
      401,
    );
    assert.equal(
      status(() => guard.canActivate(context('GET', ADMIN))),
      401,
    );
    assert.equal(
      status(() => guard.canActivate(context('GET', 'Bearer someone-else-0123456789'))),
      401,
    );
    assert.equal(
      status(() => guard.canActivate(context('GET', `Bearer ${ADMIN}x`))),
      401,
    );
  });

  void it('has no auditors when AUDITOR_TOKENS is unset', () => {
    const adminsOnly = new ApiTokenGuard({ ADMIN_TOKENS: [ADMIN], AUDITOR_TOKENS: undefined });
    assert.equal(
      status(() => adminsOnly.canActivate(context('GET', `Bearer ${AUDITOR}`))),
      401,
    );
  });
});
