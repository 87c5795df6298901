import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hookExecutionRecordCodec, type HookExecutionRecord } from '@hookline/contracts';
import { encodeFitted } from './result-record.fit.js';

const base: HookExecutionRecord = {
  event_id: 'e',
  event_type: 'session.close',
  event_time: '2026-11-24T10:00:00Z',
  sid: 's',
  org_id: 'o',
  hook: 'session-close',
  hook_path: 'hoop-hooks/session-close.runbook.py',
  git_commit: 'a'.repeat(40),
  outcome: 'success',
  started_at: '2026-11-24T10:00:01Z',
  duration_ms: 12,
  exit_code: 0,
  signal: null,
  timed_out: false,
  skipped_reason: null,
  error: null,
  stdout: { text: 'ok', truncated: false, bytes: 2 },
  stderr: { text: '', truncated: false, bytes: 0 },
  payload_truncated: false,
};

void describe('encodeFitted', () => {
  void it('leaves a small record as it is', () => {
    assert.deepEqual(hookExecutionRecordCodec.decode(encodeFitted(base).value), base);
  });

  void it('cuts output that JSON escaping blows up until the record fits, keeping byte counts', () => {
    const control = '\u0001'.repeat(512 * 1024);
    const big = { ...base, stdout: { text: control, truncated: true, bytes: 10_000_000 }, stderr: { text: control, truncated: false, bytes: control.length } };
    const encoded = encodeFitted(big, 1_000_000);
    assert.ok(encoded.value.length <= 1_000_000, `${encoded.value.length} bytes`);
    const decoded = hookExecutionRecordCodec.decode(encoded.value);
    assert.equal(decoded.stdout.bytes, 10_000_000);
    assert.equal(decoded.stderr.bytes, control.length);
    assert.equal(decoded.stderr.truncated, true);
    assert.ok(decoded.stdout.text.length > 0 && decoded.stderr.text.length > 0);
  });
});
