import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LIMITS } from '@hookline/contracts';
import { mapRunbookHook } from './runbook-hook.mapper.js';
import { CUT_MARK, RUNBOOK_HOOK_EVENT_SOURCE } from './runbook-hook.constant.js';

const ORG = 'org-7c1d';

/** A hook payload vector of test/fixtures/hoop/runbook-hook. */
interface HookFixture {
  readonly [field: string]: unknown;
  readonly id: string;
  readonly sid: string;
  readonly event_session_open: { readonly [field: string]: unknown; readonly connection_envs: Record<string, string> };
  readonly event_session_close: { readonly [field: string]: unknown };
}

interface HookVector {
  readonly payload: HookFixture;
  /** The mapped event's type and data, without sid and org_id. */
  readonly expected: { readonly type: string; readonly data: Record<string, unknown> };
}

function vector(name: string): HookVector {
  const url = new URL(`../../../../test/fixtures/hoop/runbook-hook/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as HookVector;
}

function fixture(name: string): HookFixture {
  return vector(name).payload;
}

function mapped(body: unknown) {
  const result = mapRunbookHook(body, ORG);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  return result.event;
}

function issues(body: unknown) {
  const result = mapRunbookHook(body, ORG);
  assert.ok(!result.ok, 'expected the payload to be refused');
  return result.issues;
}

/** The distinct paths the issues name. */
function paths(body: unknown): string[] {
  return [...new Set(issues(body).map((issue) => issue.path))];
}

void describe('mapRunbookHook', () => {
  void it("maps hoop's session-open payload into session.open: hoop's id, the token's org, env names only", () => {
    const payload = fixture('session-open.json');
    const event = mapped(payload);
    assert.equal(event.type, 'session.open');
    assert.equal(event.id, payload.id);
    assert.equal(event.source, RUNBOOK_HOOK_EVENT_SOURCE);
    assert.deepEqual(event.data, { ...vector('session-open.json').expected.data, sid: payload.sid, org_id: ORG });
    assert.equal(vector('session-open.json').expected.data.input_size, Buffer.byteLength(payload.event_session_open.input as string));
    const text = JSON.stringify(event);
    for (const value of Object.values(payload.event_session_open.connection_envs)) {
      assert.ok(!text.includes(value), 'a connection env value reached the event');
      assert.ok(!text.includes(Buffer.from(value, 'base64').toString()), 'a decoded connection env value reached the event');
    }
    assert.ok(!text.includes('python3') && !text.includes("hook's own source"), "the hook's command and source are not the session's");
  });

  void it('maps session-close: output is the error message (exit_err), the session output is not in the payload', () => {
    const payload = fixture('session-close.json');
    const event = mapped(payload);
    assert.equal(event.type, 'session.close');
    assert.equal(event.id, payload.id);
    assert.deepEqual(event.data, { ...vector('session-close.json').expected.data, sid: payload.sid, org_id: ORG });
    assert.equal((mapped({ ...payload, event_session_close: { exit_code: 0, output: null } }).data as { exit_err: unknown }).exit_err, null);
    assert.equal((mapped({ ...payload, event_session_close: { exit_code: -2 } }).data as { exit_code: number }).exit_code, -2);
  });

  void it("accepts the forwarder's form: connection_envs as names, a time, nulls for hoop's empty Go values", () => {
    const payload = fixture('session-open.json');
    const event = mapped({
      id: payload.id,
      sid: payload.sid,
      time: '2026-12-06T01:02:03.456Z',
      event_session_open: {
        ...payload.event_session_open,
        connection_envs: ['envvar:PASS'],
        connection_reviewers: null,
        connection_subtype: null,
        input: null,
      },
    });
    assert.equal(event.time, '2026-12-06T01:02:03.456Z');
    const data = event.data as Record<string, unknown>;
    assert.deepEqual(data.connection_env_keys, ['envvar:PASS']);
    assert.deepEqual(data.connection_reviewers, []);
    assert.equal(data.connection_subtype, '');
    assert.equal(data.input, '');
  });

  void it('tolerates and drops unknown fields, at the top and inside the events', () => {
    const payload = fixture('session-open.json');
    const event = mapped({ ...payload, future_field: { a: 1 }, event_session_open: { ...payload.event_session_open, connection_tags: ['x'] } });
    assert.ok(!JSON.stringify(event).includes('future_field') && !JSON.stringify(event).includes('connection_tags'));
  });

  void it('cuts an input over the contract limit and says so, with the original size', () => {
    const payload = fixture('session-open.json');
    const input = 'é'.repeat(LIMITS.textLength + 10);
    const data = mapped({ ...payload, event_session_open: { ...payload.event_session_open, input } }).data as Record<string, unknown>;
    assert.equal(data.is_input_truncated, true);
    assert.equal(data.input_size, Buffer.byteLength(input));
    assert.equal((data.input as string).length, LIMITS.textLength);
    assert.ok((data.input as string).endsWith(CUT_MARK));
  });

  void it('names the hook field that cannot be mapped', () => {
    const open = fixture('session-open.json');
    assert.deepEqual(paths({ ...open, event_session_open: { ...open.event_session_open, verb: 'plain-exec' } }), ['event_session_open.verb']);
    assert.deepEqual(paths({ ...open, sid: 'has space' }), ['sid']);
    assert.deepEqual(paths({ ...open, id: '' }), ['id']);
    assert.deepEqual(paths({ ...open, time: 'yesterday' }), ['time']);
    assert.deepEqual(paths({ ...open, event_session_open: { ...open.event_session_open, user_email: 42 } }), ['event_session_open.user_email']);
    assert.deepEqual(paths({ ...open, event_session_open: { ...open.event_session_open, connection_envs: 'HOST=db' } }), [
      'event_session_open.connection_envs',
    ]);
    const close = fixture('session-close.json');
    assert.deepEqual(paths({ ...close, event_session_close: { exit_code: 1.5 } }), ['event_session_close.exit_code']);
    assert.match(issues({ ...open, event_session_close: close.event_session_close })[0]!.message, /both are set/);
    assert.match(issues({ id: open.id, sid: open.sid })[0]!.message, /neither is set/);
    for (const body of [null, [], 'text', 42]) assert.ok(issues(body).length > 0);
  });

  void it('never quotes a connection env value in an issue, even when the names are bad', () => {
    const open = fixture('session-open.json');
    const secret = 'S3cr3t-value-never-shown';
    const found = issues({
      ...open,
      event_session_open: { ...open.event_session_open, verb: 'bogus', connection_envs: { [`PASS=${secret}`]: secret, 'bad name': secret } },
    });
    assert.ok(
      found.some((issue) => issue.path.startsWith('event_session_open.connection_envs')),
      JSON.stringify(found),
    );
    assert.ok(!JSON.stringify(found).includes(secret));
  });
});
