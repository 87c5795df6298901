import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventDecodeError } from './event-decode.error.js';
import { hookExecutionRecordCodec } from './hook-execution.record.js';
import { svixPublicationRecordCodec } from './svix-publication.record.js';
import { exampleHookExecution, examplePublication } from './testing/records.fixture.js';
import { TOPICS } from './topics.constant.js';

const hookRun = exampleHookExecution();
const publication = examplePublication();

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
