import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';

void describe('page cursor', () => {
  void it('round-trips a position', () => {
    const cursor = { time: new Date('2026-11-24T10:00:00.123Z'), id: 'atmpt_2abc' };
    assert.deepEqual(decodePageCursor(encodePageCursor(cursor)), cursor);
  });

  void it('refuses anything it did not make', () => {
    for (const text of [
      '',
      'not base64!',
      "'; DROP TABLE x;--",
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["yesterday","x"]').toString('base64url'),
    ]) {
      assert.equal(decodePageCursor(text), undefined, text);
    }
  });
});
