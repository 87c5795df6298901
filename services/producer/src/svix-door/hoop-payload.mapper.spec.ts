import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateIngestEvent } from '@hookline/contracts';
import { decodeGoBytes, mapHoopPayload, payloadPathOf, UnmappablePayloadError } from './hoop-payload.mapper.js';

const ORG = '2f9c1b7e-8d4a-4e3b-a1c2-6d5e4f3a2b1c';
const SID = '0197a3c2-4f1e-7b2a-9c3d-5e6f7a8b9c0d';

function unmappable(run: () => unknown): UnmappablePayloadError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UnmappablePayloadError, String(error));
    return error;
  }
  assert.fail('mapped');
}

function card(
  facts: { title: string; value: unknown }[],
  link = `[${SID}](https://hoop.example.com/sessions/${SID})`,
  language = 'SQL',
): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          body: [
            { type: 'TextBlock', text: 'Session Created' },
            { type: 'TextBlock', text: link },
            { type: 'FactSet', facts },
            { type: 'Container', items: [{ type: 'CodeBlock', codeSnippet: 'SELECT 1', language }] },
          ],
        },
      },
    ],
  };
}

const FACTS = [
  { title: 'Created By', value: 'Ana | Maria | ana@example.com' },
  { title: 'Approval Groups', value: '["dba" "q\\"uote" "tab\\there"]' },
  { title: 'Session Time', value: '`-`' },
  { title: 'Connection', value: 'pg' },
];

void describe('hoop payload mapping', () => {
  void it('decodes Go []byte base64 strictly, null as empty, a cut character as U+FFFD', () => {
    assert.equal(decodeGoBytes(Buffer.from('héllo').toString('base64'), ['input']), 'héllo');
    assert.equal(decodeGoBytes(null, ['input']), '');
    assert.equal(decodeGoBytes(Buffer.from([0x61, 0xc3]).toString('base64'), ['input']), 'a\uFFFD');
    for (const bad of ['abc', 'a b=', '!!!!', 'YQ', 42]) assert.deepEqual(unmappable(() => decodeGoBytes(bad, ['input'])).path, ['input']);
  });

  void it('maps session.open with Go null lists and drops what it does not carry', () => {
    const mapped = mapHoopPayload(
      'session.open',
      {
        event_type: 'session.open',
        id: SID,
        user_id: 'u',
        user_email: 'a@b.c',
        connection: 'pg',
        connection_type: 'database',
        connection_envs: null,
        input: '',
        is_input_truncated: false,
        input_size: 0,
        input_envs: null,
        has_input_args: false,
        review: null,
        command: null,
        verb: 'connect',
        brand_new: 1,
      },
      ORG,
    );
    assert.deepEqual(mapped.dropped, ['has_input_args', 'unknown_field']);
    const result = validateIngestEvent({ type: 'session.open', data: mapped.data });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  });

  void it('reads the Teams card: Go %q groups, a name holding " | ", no session time', () => {
    const mapped = mapHoopPayload('microsoftteams.review.create', card(FACTS), ORG);
    assert.deepEqual(mapped.data.created_by, { name: 'Ana | Maria', email: 'ana@example.com' });
    assert.deepEqual(mapped.data.approval_groups, ['dba', 'q"uote', 'tab\there']);
    assert.equal(mapped.data.session_time, null);
    assert.deepEqual(mapped.dropped, [], '"`-`" means no duration: nothing dropped');
    assert.ok(validateIngestEvent({ type: 'microsoftteams.review.create', data: mapped.data }).ok);
    const noName = mapHoopPayload(
      'microsoftteams.review.create',
      card([{ title: 'Created By', value: ' | ana@example.com' }, ...FACTS.slice(1)], undefined, 'Bash'),
      ORG,
    );
    assert.deepEqual(noName.data.created_by, { name: 'ana@example.com', email: 'ana@example.com' });
    assert.equal(noName.data.connection_type, 'application');
  });

  void it('names the card part it cannot read', () => {
    assert.deepEqual(unmappable(() => mapHoopPayload('microsoftteams.review.create', card(FACTS, 'no link here'), ORG)).path, [
      'attachments',
      0,
      'content',
      'body',
    ]);
    assert.deepEqual(unmappable(() => mapHoopPayload('microsoftteams.review.create', card(FACTS.slice(1)), ORG)).path, [
      'attachments',
      0,
      'content',
      'body',
      2,
      'facts',
    ]);
    assert.deepEqual(unmappable(() => mapHoopPayload('microsoftteams.review.create', card([{ title: 'Created By', value: 7 }, ...FACTS.slice(1)]), ORG)).path, [
      'attachments',
      0,
      'content',
      'body',
      2,
      'facts',
      0,
      'value',
    ]);
    const twoSids = `[${SID}](https://hoop.example.com/sessions/other-sid)`;
    assert.match(unmappable(() => mapHoopPayload('microsoftteams.review.create', card(FACTS, twoSids), ORG)).message, /two different session ids/);
    assert.deepEqual(unmappable(() => mapHoopPayload('microsoftteams.review.create', { type: 'message', attachments: [] }, ORG)).path, ['attachments']);
  });

  void it('maps dbroles.job.finished: a role status becomes its phase, credentials_info is dropped', () => {
    const job = {
      event_type: 'dbroles.job.finished',
      event_payload: {
        org_id: 'ignored',
        id: 'job-1',
        created_at: '2026-01-01T00:00:00Z',
        completed_at: '2026-01-01T00:01:00Z',
        spec: { account_arn: 'a', db_arn: 'b', db_name: 'c', db_engine: 'postgres', db_tags: null },
        status: {
          phase: 'failed',
          message: 'x',
          result: [{ user_role: 'ro', status: 'failed', message: 'm', credentials_info: {}, completed_at: '2026-01-01T00:01:00Z' }],
        },
      },
    };
    const mapped = mapHoopPayload('dbroles.job.finished', job, ORG);
    assert.equal(mapped.data.org_id, ORG);
    assert.deepEqual(mapped.dropped, ['credentials_info']);
    assert.equal(mapped.data.hook_status, null, 'absent hook_status (older hoop) is null');
    assert.ok(validateIngestEvent({ type: 'dbroles.job.finished', data: mapped.data }).ok);
    assert.deepEqual(payloadPathOf('data.status.result[0].phase', mapped.sources), ['event_payload', 'status', 'result', 0, 'status']);
    assert.deepEqual(unmappable(() => mapHoopPayload('dbroles.job.finished', { event_payload: { ...job.event_payload, status: null } }, ORG)).path, [
      'event_payload',
      'status',
    ]);
  });

  void it('names hoop fields for contract paths, and keeps the path of fields with the same name', () => {
    const sources = { sid: ['id'], connection_env_keys: ['connection_envs'] };
    assert.deepEqual(payloadPathOf('data.sid', sources), ['id']);
    assert.deepEqual(payloadPathOf('data.connection_env_keys[3]', sources), ['connection_envs', 3]);
    assert.deepEqual(payloadPathOf('data.user_email', sources), ['user_email']);
  });

  void it('refuses a payload that is not an object', () => {
    for (const payload of [null, [], 'x', 1]) assert.deepEqual(unmappable(() => mapHoopPayload('session.close', payload, ORG)).path, []);
  });
});
