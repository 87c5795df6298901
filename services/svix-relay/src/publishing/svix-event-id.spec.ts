import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idempotencyKeyOf, svixEventIdOf } from './svix-event-id.js';

void describe('svixEventIdOf', () => {
  void it('keeps an id Svix accepts, and maps any other to the same digest every time', () => {
    assert.equal(svixEventIdOf('0197a3c2-4f1e-7b2a-9c3d-5e6f7a8b9c0d'), '0197a3c2-4f1e-7b2a-9c3d-5e6f7a8b9c0d');
    const odd = svixEventIdOf('gw:evt/42');
    assert.match(odd, /^sha256-[0-9a-f]{64}$/);
    assert.equal(svixEventIdOf('gw:evt/42'), odd);
    assert.notEqual(svixEventIdOf('gw:evt/43'), odd);
    assert.match(svixEventIdOf('x'.repeat(300)), /^sha256-/, 'too long for Svix');
  });

  void it('derives the idempotency-key from the eventId (never random)', () => {
    assert.equal(idempotencyKeyOf('abc'), 'hookline-evt-abc');
  });
});
