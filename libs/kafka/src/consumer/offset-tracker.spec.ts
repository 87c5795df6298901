import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OffsetTracker } from './offset-tracker.js';
import { retryDelayMs, retryPolicy } from './retry-policy.js';

void describe('OffsetTracker', () => {
  void it('commits only past the highest contiguous done offset', () => {
    const tracker = new OffsetTracker(['10', '11', '13', '14']);
    assert.equal(tracker.commitOffset(), undefined);
    assert.equal(tracker.markDone(1), undefined, 'offset 11 done but 10 is not');
    assert.equal(tracker.commitOffset(), undefined);
    assert.equal(tracker.markDone(0), '11');
    assert.equal(tracker.commitOffset(), '12');
    assert.equal(tracker.markDone(3), undefined);
    assert.equal(tracker.commitOffset(), '12');
    assert.equal(tracker.markDone(2), '14');
    assert.equal(tracker.commitOffset(), '15');
    assert.ok(tracker.allDone);
  });

  void it('handles offsets beyond Number.MAX_SAFE_INTEGER', () => {
    const tracker = new OffsetTracker(['9007199254740993']);
    tracker.markDone(0);
    assert.equal(tracker.commitOffset(), '9007199254740994');
  });
});

void describe('retryDelayMs', () => {
  void it('grows exponentially, caps at maxDelayMs and applies jitter downwards', () => {
    const policy = retryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 });
    assert.equal(
      retryDelayMs(policy, 1, () => 0),
      100,
    );
    assert.equal(
      retryDelayMs(policy, 2, () => 0),
      200,
    );
    assert.equal(
      retryDelayMs(policy, 4, () => 0),
      800,
    );
    assert.equal(
      retryDelayMs(policy, 10, () => 0),
      1_000,
    );
    assert.equal(
      retryDelayMs(policy, 10, () => 1),
      500,
    );
  });

  void it('rejects a jitter outside 0..1', () => {
    assert.throws(() => retryPolicy({ jitter: 2 }), RangeError);
  });
});
