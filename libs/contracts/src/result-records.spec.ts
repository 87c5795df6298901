import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventDecodeError } from './event-decode.error.js';
import { hookExecutionRecordCodec, type HookExecutionRecord } from './hook-execution.record.js';
import { svixPublicationRecordCodec, type SvixPublicationRecord } from './svix-publication.record.js';
import { TOPICS } from './topics.constant.js';

const hookRun: HookExecutionRecord = {
  event_id: 'evt-1',
  event_type: 'session.close',
  event_time: '2026-11-23T10:00:00Z',
  sid: 'sid-1',
  org_id: 'org-1',
  hook: 'session-close',
  hook_path: 'hoop-hooks/session-close.runbook.py',
  git_commit: 'a'.repeat(40),
  outcome: 'failure',
  started_at: '2026-11-23T10:00:01.000Z',
  duration_ms: 12.5,
  exit_code: 1,
  signal: null,
  timed_out: false,
  skipped_reason: null,
  error: null,
  stdout: { text: 'hi\n', truncated: false, bytes: 3 },
  stderr: { text: '', truncated: false, bytes: 0 },
  payload_truncated: false,
};

const publication: SvixPublicationRecord = {
  event_id: 'evt-2',
  event_type: 'dbroles.job.finished',
  event_time: '2026-11-23T10:00:00Z',
  key: 'job-1',
  sid: null,
  org_id: 'org-1',
  connection_name: null,
  svix_app_id: 'app_1',
  svix_message_id: 'msg_1',
  already_published: false,
  published_at: '2026-11-23T10:00:02Z',
};

describe('result records', () => {
  it('round-trips a hook execution keyed by sid onto its topic', () => {
    const encoded = hookExecutionRecordCodec.encode(hookRun);
    assert.equal(encoded.topic, TOPICS.hookExecutions);
    assert.equal(encoded.key, 'sid-1');
    assert.equal(encoded.headers['hookline-record'], 'hook-execution.v1');
    assert.deepEqual(hookExecutionRecordCodec.decode(encoded.value), hookRun);
  });

  it('round-trips a publication keyed by the event key', () => {
    const encoded = svixPublicationRecordCodec.encode(publication);
    assert.equal(encoded.topic, TOPICS.svixPublications);
    assert.equal(encoded.key, 'job-1');
    assert.deepEqual(svixPublicationRecordCodec.decode(encoded.value.toString('utf8')), publication);
  });

  it('refuses to encode an invalid record, naming the field', () => {
    assert.throws(
      () => hookExecutionRecordCodec.encode({ ...hookRun, outcome: 'exploded' as never }),
      (err: unknown) => err instanceof EventDecodeError && /outcome/.test(err.message),
    );
  });

  it('decodes nothing that is not a valid record', () => {
    assert.throws(() => svixPublicationRecordCodec.decode(null), /has no value/);
    assert.throws(() => svixPublicationRecordCodec.decode(Buffer.from('{nope')), /not JSON/);
    assert.throws(
      () => svixPublicationRecordCodec.decode(JSON.stringify({ ...publication, extra: 1 })),
      (err: unknown) => err instanceof EventDecodeError && /extra/.test(err.message),
    );
    assert.throws(
      () => hookExecutionRecordCodec.decode(JSON.stringify({ ...hookRun, sid: 'a\nb' })),
      (err: unknown) => err instanceof EventDecodeError && /sid/.test(err.message),
    );
  });
});
