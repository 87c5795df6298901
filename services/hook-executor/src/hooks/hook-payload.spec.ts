import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEvent } from '@hookline/contracts';
import { PAYLOAD_ENV_MAX_BYTES, TRUNCATION_MARK } from '../config/hook-executor.constant.js';
import { buildHookPayload, cutText, preparePayload } from './hook-payload.js';

const closeEvent = (output: string) =>
  buildEvent({
    type: 'session.close',
    id: 'evt-1',
    data: { sid: 's-1', org_id: 'o-1', exit_code: 2, exit_err: 'boom', output, is_output_truncated: false, output_size: Buffer.byteLength(output) },
  });

void describe('hook payload', () => {
  void it('session.close: the documented shape, command and the open event null', () => {
    assert.deepEqual(buildHookPayload(closeEvent('out')), {
      id: 'evt-1',
      sid: 's-1',
      command: null,
      event_session_open: null,
      event_session_close: { exit_code: 2, output: 'out' },
    });
  });

  void it('a small payload is passed whole, not flagged', () => {
    const prepared = preparePayload(buildHookPayload(closeEvent('x'.repeat(1000))));
    assert.equal(prepared.truncated, false);
    assert.equal(prepared.forEnv, prepared.whole);
  });

  void it('a big output is cut with a mark to fit the variable; the whole stays for the file', () => {
    const output = 'ü'.repeat(300_000);
    const prepared = preparePayload(buildHookPayload(closeEvent(output)));
    assert.equal(prepared.truncated, true);
    assert.ok(Buffer.byteLength(prepared.forEnv) <= PAYLOAD_ENV_MAX_BYTES);
    const cut = JSON.parse(prepared.forEnv) as { event_session_close: { output: string } };
    assert.ok(cut.event_session_close.output.endsWith(TRUNCATION_MARK));
    assert.ok(!cut.event_session_close.output.includes('\uFFFD'), 'never cut inside a character');
    assert.equal((JSON.parse(prepared.whole) as { event_session_close: { output: string } }).event_session_close.output, output);
  });

  void it('control characters that JSON escapes six-fold still fit', () => {
    const prepared = preparePayload(buildHookPayload(closeEvent('\u0001'.repeat(200_000))));
    assert.ok(Buffer.byteLength(prepared.forEnv) <= PAYLOAD_ENV_MAX_BYTES);
  });

  void it('cutText keeps whole characters', () => {
    assert.equal(cutText('aé', 2), `a${TRUNCATION_MARK}`);
    assert.equal(cutText('abc', 3), 'abc');
  });
});
