import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptsQuerySchema, hookExecutionsQuerySchema, parseQuery } from './query-params.schema.js';
import { ApiError } from '@hookline/observability';

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

void describe('query parameters', () => {
  void it('parses filters, statuses by name or number, and the default limit', () => {
    const parsed = parseQuery(attemptsQuerySchema, { endpoint: 'ep_1', status: 'fail', since: '2026-11-24T10:00:00Z' });
    assert.equal(parsed.status, 2);
    assert.equal(parsed.limit, 50);
    assert.equal(parsed.since?.toISOString(), '2026-11-24T10:00:00.000Z');
    assert.equal(parseQuery(attemptsQuerySchema, { status: '0' }).status, 0);
  });

  void it('names each bad parameter, unknown ones too', () => {
    const error = refusal(() => parseQuery(hookExecutionsQuerySchema, { outcome: 'maybe', limit: '-3', colour: 'blue' }));
    assert.equal(error.getStatus(), 400);
    const fields = (error.details ?? []).map((detail) => detail.path).sort();
    assert.deepEqual(fields, ['colour', 'limit', 'outcome']);
  });

  void it('refuses a repeated parameter and a window that ends before it starts', () => {
    assert.equal(refusal(() => parseQuery(attemptsQuerySchema, { endpoint: ['a', 'b'] })).details?.[0]?.path, 'endpoint');
    assert.equal(refusal(() => parseQuery(attemptsQuerySchema, { since: '2026-11-24T10:00:00Z', until: '2026-11-23T10:00:00Z' })).details?.[0]?.path, 'since');
  });
});
