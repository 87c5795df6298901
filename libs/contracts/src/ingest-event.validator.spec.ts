import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EVENT_SOURCE, EventValidationError, buildEvent, getEventContract, validateIngestEvent, type EventIssue } from './index.js';

const openExample = getEventContract('session.open').example;
const closeExample = getEventContract('session.close').example;
const jobExample = getEventContract('dbroles.job.finished').example;

function issuesOf(input: unknown): EventIssue[] {
  const result = validateIngestEvent(input);
  if (result.ok) assert.fail('expected the input to be rejected');
  return [...result.issues];
}

function issueAt(input: unknown, path: string): string {
  const issues = issuesOf(input);
  const issue = issues.find((i) => i.path === path);
  assert.ok(issue, `no issue at ${path}; got ${JSON.stringify(issues)}`);
  return issue.message;
}

void describe('validateIngestEvent', () => {
  void it('fills id (UUIDv7), time (now) and source (default) when absent; subject from the key field', () => {
    const before = Date.now();
    const result = validateIngestEvent({ type: 'dbroles.job.finished', data: jobExample });
    assert.ok(result.ok);
    assert.match(result.event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(Date.parse(result.event.time) >= before - 1);
    assert.equal(result.event.source, DEFAULT_EVENT_SOURCE);
    assert.equal(result.event.subject, jobExample.id);
  });

  void it('keeps the id the gateway sent', () => {
    const result = validateIngestEvent({ type: 'session.close', id: 'gw:evt/123', data: closeExample });
    assert.ok(result.ok);
    assert.equal(result.event.id, 'gw:evt/123');
  });

  void it('names wrong types by path, with expected and actual type', () => {
    assert.equal(issueAt({ type: 'session.close', data: { ...closeExample, exit_code: '1' } }, 'data.exit_code'), 'expected integer, got string');
    assert.match(issueAt({ type: 'session.close', data: { ...closeExample, exit_code: 1.5 } }, 'data.exit_code'), /integer/);
    assert.equal(issueAt({ type: 'session.open', data: { ...openExample, command: ['ls', 7] } }, 'data.command[1]'), 'expected string, got number');
    assert.equal(
      issueAt({ type: 'session.open', data: { ...openExample, is_input_truncated: 'false' } }, 'data.is_input_truncated'),
      'expected boolean, got string',
    );
    assert.match(issueAt({ type: 'session.open', data: { ...openExample, verb: 'sudo' } }, 'data.verb'), /'connect' \| 'exec'/);
  });

  void it('reports missing required fields', () => {
    const { exit_code: _gone, ...rest } = closeExample;
    assert.equal(issueAt({ type: 'session.close', data: rest }, 'data.exit_code'), 'required');
    assert.equal(issueAt({ type: 'session.close' }, 'data'), 'required');
    const missingData = validateIngestEvent({ type: 'session.close' });
    assert.equal(missingData.ok ? 0 : missingData.issues.filter((i) => i.path === 'data').length, 1, 'a missing data is reported once');
    assert.equal(issueAt({ data: closeExample }, 'type'), 'required');
    const { hook_status: _hook, ...job } = jobExample;
    assert.equal(issueAt({ type: 'dbroles.job.finished', data: job }, 'data.hook_status'), 'required');
  });

  void it('accepts null hook_status (no hook ran) and null review', () => {
    assert.equal(validateIngestEvent({ type: 'dbroles.job.finished', data: { ...jobExample, hook_status: null } }).ok, true);
    assert.equal(validateIngestEvent({ type: 'session.open', data: { ...openExample, review: null } }).ok, true);
  });

  void it('names unknown event types and lists the known ones', () => {
    const message = issueAt({ type: 'session.opened', data: {} }, 'type');
    assert.match(message, /^unknown event type 'session.opened'; known: session.open, session.close/);
  });

  void it('rejects unknown fields, at the top level and in data', () => {
    assert.match(issueAt({ type: 'session.close', data: closeExample, timestamp: 1 }, 'timestamp'), /unknown field/);
    assert.match(issueAt({ type: 'session.close', data: { ...closeExample, pid: 1 } }, 'data.pid'), /unknown field/);
    assert.match(issueAt({ type: 'session.open', data: { ...openExample, review: { ...openExample.review, x: 1 } } }, 'data.review.x'), /unknown field/);
  });

  void it('rejects strings over their cap', () => {
    const huge = 'x'.repeat(1_048_577);
    assert.match(issueAt({ type: 'session.close', data: { ...closeExample, output: huge } }, 'data.output'), /too long: at most 1048576/);
    assert.match(issueAt({ type: 'session.close', data: { ...closeExample, sid: 's'.repeat(257) } }, 'data.sid'), /at most 256/);
    assert.match(
      issueAt({ type: 'session.open', data: { ...openExample, command: Array.from({ length: 257 }, () => 'a') } }, 'data.command'),
      /too many items/,
    );
  });

  void it('rejects env keys carrying a value, and never echoes the value', () => {
    const message = issueAt(
      { type: 'session.open', data: { ...openExample, connection_env_keys: ['envvar:HOST', 'PGPASSWORD=hunter2'] } },
      'data.connection_env_keys[1]',
    );
    assert.match(message, /KEY=VALUE/);
    assert.doesNotMatch(JSON.stringify(issuesOf({ type: 'session.open', data: { ...openExample, input_env_keys: ['A=hunter2'] } })), /hunter2/);
  });

  void it('rejects ids that could inject headers', () => {
    for (const id of ['evt\r\nce_type: x', 'evt\n1', 'a b', '', 'é', 'x'.repeat(257)]) {
      issueAt({ type: 'session.close', id, data: closeExample }, 'id');
    }
    issueAt({ type: 'session.close', data: { ...closeExample, sid: 'abc\r\n' } }, 'data.sid');
    issueAt({ type: 'session.close', source: 'gw\nX: 1', data: closeExample }, 'source');
  });

  void it('rejects times without timezone or not ISO', () => {
    for (const time of ['2025-06-02T14:30:00', '02/06/2025', '2025-06-02', 1717339800000]) {
      assert.match(issueAt({ type: 'session.close', time, data: closeExample }, 'time'), /ISO 8601/);
    }
    issueAt(
      { type: 'microsoftteams.review.create', data: { ...getEventContract('microsoftteams.review.create').example, session_time: 'tomorrow' } },
      'data.session_time',
    );
  });

  void it('never throws on hostile input', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'session.open',
      [],
      [{ type: 'session.open' }],
      JSON.parse('{"__proto__": {"polluted": true}, "type": "session.close", "data": {"__proto__": {"sid": 1}}}'),
      { type: 'session.close', data: deep },
      { type: 'session.open', data: { ...openExample, review: deep, command: deep } },
      { type: 'x'.repeat(5_000_000), data: 'y'.repeat(5_000_000) },
      { type: 'session.open', data: { ...openExample, input_env_keys: Array.from({ length: 1_000_000 }, () => 'A=1') } },
      Object.create(null) as unknown,
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('boom');
          },
          ownKeys: () => {
            throw new Error('boom');
          },
        },
      ),
      {
        type: 'session.close',
        get data(): never {
          throw new Error('getter');
        },
      },
    ];
    for (const input of hostile) {
      const result = validateIngestEvent(input);
      assert.equal(result.ok, false);
      assert.ok(result.issues.length > 0 && result.issues.length <= 51);
      assert.ok(JSON.stringify(result.issues).length < 20_000, 'issue report stays small');
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  void it('buildEvent throws EventValidationError with the issues', () => {
    assert.throws(
      () => buildEvent({ type: 'session.close', data: { ...closeExample, exit_code: 'x' as unknown as number } }),
      (error: unknown) =>
        error instanceof EventValidationError &&
        error.issues.some((i) => i.path === 'data.exit_code') &&
        /data\.exit_code: expected integer/.test(error.message),
    );
  });
});
