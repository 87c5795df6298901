import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputCapture } from './output-capture.js';

void describe('OutputCapture', () => {
  void it('keeps the first cap bytes and counts them all', () => {
    const capture = new OutputCapture(5);
    capture.push(Buffer.from('abc'));
    capture.push(Buffer.from('defgh'));
    capture.push(Buffer.from('ij'));
    assert.deepEqual(capture.result(), { text: 'abcde', truncated: true, bytes: 10 });
  });

  void it('is not truncated at exactly the cap; invalid UTF-8 becomes U+FFFD', () => {
    const capture = new OutputCapture(4);
    capture.push(Buffer.from([0x61, 0xff, 0x62, 0x63]));
    assert.deepEqual(capture.result(), { text: 'a\uFFFDbc', truncated: false, bytes: 4 });
  });
});
