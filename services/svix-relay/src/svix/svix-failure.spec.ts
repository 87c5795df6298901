import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from 'svix';
import { MAX_RETRY_AFTER_MS } from '../relay.constant.js';
import { describeSvixFailure, parseRetryAfter } from './svix-failure.js';

void describe('parseRetryAfter', () => {
  void it('reads seconds and HTTP dates, caps long waits, ignores garbage', () => {
    assert.equal(parseRetryAfter('3'), 3_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a date in the past: no wait');
    assert.equal(parseRetryAfter('999999'), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

void describe('describeSvixFailure', () => {
  void it('retries 429 (with its Retry-After) and 5xx; not other 4xx', () => {
    const throttled = describeSvixFailure(new ApiException(429, { code: 'rate_limit', detail: 'slow down' }, new Headers({ 'retry-after': '2' })));
    assert.deepEqual(throttled, { status: 429, statusClass: '429', retryable: true, message: 'rate_limit: slow down', retryAfterMs: 2_000 });
    const down = describeSvixFailure(new ApiException(503, 'upstream unavailable', new Headers()));
    assert.equal(down.retryable, true);
    assert.equal(down.statusClass, '5xx');
    const invalid = describeSvixFailure(new ApiException(422, { detail: [{ loc: ['body', 'eventId'], msg: 'too long', type: 'value_error' }] }, new Headers()));
    assert.equal(invalid.retryable, false);
    assert.equal(invalid.message, 'body.eventId: too long');
  });

  void it('treats a call that got no answer as a network failure to retry', () => {
    const failure = describeSvixFailure(new TypeError('fetch failed'));
    assert.equal(failure.statusClass, 'network');
    assert.equal(failure.retryable, true);
    assert.equal(failure.status, undefined);
  });

  void it('keeps a huge Svix message short', () => {
    const failure = describeSvixFailure(new ApiException(400, { code: 'bad', detail: 'x'.repeat(10_000) }, new Headers()));
    assert.ok(failure.message.length < 600);
  });
});
