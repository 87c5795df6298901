// POST /v1/hoop/runbook-hook against the real broker: hoop's own runbook-hook payload
// (test/fixtures/hoop/runbook-hook) becomes a contract record on gateway.sessions.v1 for
// the organisation of the caller's bound token; everything refused leaves Kafka untouched,
// and the connection's secret values reach neither Kafka nor the producer's logs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CE_HEADERS, TOPICS, decodeEvent } from '@hookline/contracts';
import { RUNBOOK_HOOK_EVENT_SOURCE } from '@hookline/producer';
import type { Admin, Kafka } from 'kafkajs';
import {
  NO_BROKER_SKIP,
  OTHER_TOKEN,
  TEST_TOKEN,
  brokersFromEnv,
  endOffsets,
  postEvents,
  readRecordsById,
  recordsBetween,
  startProducer,
  testKafka,
  uniqueId,
  validEvent,
  type Answer,
  type PostOptions,
  type RunningProducer,
} from './producer-harness.js';
import { pollUntil } from '@hookline/kafka/testing';
import { BOUND_ORG, BOUND_TOKEN, HOOK_PATH, freshPayload, hookVector, secretForms } from './hoop-hook-vectors.js';
import { closeAll } from '../support/close-all.js';

const MAX_BODY = 256 * 1024;

void describe('POST /v1/hoop/runbook-hook', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let producer: RunningProducer;
  let kafka: Kafka;
  let admin: Admin;
  const logs: string[] = [];

  before(async () => {
    producer = await startProducer(
      { INGEST_ORG_TOKENS: `${BOUND_ORG}=${BOUND_TOKEN}`, INGEST_MAX_BODY_BYTES: String(MAX_BODY), LOG_LEVEL: 'trace' },
      { logDestination: { write: (line: string) => void logs.push(line) } },
    );
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    // On a fresh broker the topics the producer just created may still be electing leaders.
    await pollUntil(() => endOffsets(admin), { timeoutMs: 30_000, what: 'leaders of the gateway topics' });
  });

  after(() => closeAll(admin, producer));

  const postHook = (body: unknown, options: PostOptions = {}): Promise<Answer> =>
    postEvents(producer.url, body, { token: BOUND_TOKEN, path: HOOK_PATH, ...options });

  /** Runs `send` and checks it was refused with `status`/`code` and that no record reached any watched topic. */
  async function refusedWithNothingOnKafka(send: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
    const before = await endOffsets(admin);
    const answer = await send();
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error, code);
    assert.equal(recordsBetween(before, await endOffsets(admin)), 0, 'a refused call wrote to Kafka');
    return answer;
  }

  void it("maps hoop's session-open payload into a session.open record with hoop's id and the token's organisation", async () => {
    const vector = hookVector('session-open');
    assert.ok(vector.read_from.some((source) => source.file === 'common/proto/system/runbookhook.go' && /^[0-9a-f]{40}$/.test(source.commit)));
    const payload = freshPayload('session-open');
    const before = await endOffsets(admin);
    const answer = await postHook(payload);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { accepted: 1, ids: [payload.id] });
    const records = await readRecordsById(kafka, TOPICS.gatewaySessions, before, [payload.id]);
    const { message } = records.get(payload.id)!;
    assert.equal(message.key?.toString(), payload.sid);
    assert.equal(message.headers?.[CE_HEADERS.source]?.toString(), RUNBOOK_HOOK_EVENT_SOURCE);
    const event = decodeEvent(message);
    assert.equal(event.type, 'session.open');
    assert.equal(event.type, vector.expected.type);
    assert.deepEqual(event.data, { ...vector.expected.data, sid: payload.sid, org_id: BOUND_ORG });
    const raw = `${message.value?.toString() ?? ''}${JSON.stringify(message.headers)}`;
    for (const secret of secretForms()) assert.ok(!raw.includes(secret), 'a connection env value reached Kafka');
  });

  void it('maps session-close: the error message becomes exit_err', async () => {
    const payload = freshPayload('session-close');
    const before = await endOffsets(admin);
    const answer = await postHook(payload);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const event = decodeEvent((await readRecordsById(kafka, TOPICS.gatewaySessions, before, [payload.id])).get(payload.id)!.message);
    assert.equal(event.type, 'session.close');
    assert.deepEqual(event.data, { ...hookVector('session-close').expected.data, sid: payload.sid, org_id: BOUND_ORG });
  });

  void it('accepts unknown fields (gateways add fields) and drops them', async () => {
    const payload = { ...freshPayload('session-open'), added_by_a_newer_gateway: { nested: true } };
    const before = await endOffsets(admin);
    const answer = await postHook(payload);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const record = (await readRecordsById(kafka, TOPICS.gatewaySessions, before, [payload.id])).get(payload.id)!;
    assert.ok(!(record.message.value?.toString() ?? '').includes('added_by_a_newer_gateway'));
  });

  void it('refuses a wrong or missing token with 401 before reading the body', async () => {
    await refusedWithNothingOnKafka(() => postHook(freshPayload('session-open'), { token: `${BOUND_TOKEN}x` }), 401, 'unauthorized');
    await refusedWithNothingOnKafka(() => postHook(freshPayload('session-open'), { token: null }), 401, 'unauthorized');
  });

  void it('refuses an unbound token: the payload has no organisation to map it to', async () => {
    const answer = await refusedWithNothingOnKafka(() => postHook(freshPayload('session-open'), { token: TEST_TOKEN }), 403, 'organisation_unbound');
    assert.match(answer.body.message as string, /INGEST_ORG_TOKENS/);
  });

  void it('refuses malformed, unmappable and oversized payloads, naming the problem', async () => {
    await refusedWithNothingOnKafka(() => postHook('{"id": "x", "sid":'), 400, 'invalid_json');
    await refusedWithNothingOnKafka(() => postHook('{}', { contentType: 'text/plain' }), 415, 'unsupported_media_type');
    const open = freshPayload('session-open');
    const verb = await refusedWithNothingOnKafka(
      () => postHook({ ...open, event_session_open: { ...open.event_session_open, verb: 'plain-exec' } }),
      400,
      'invalid_hook_payload',
    );
    assert.deepEqual(
      (verb.body.details as { path: string }[]).map((detail) => detail.path),
      ['event_session_open.verb'],
    );
    const neither = await refusedWithNothingOnKafka(() => postHook({ id: open.id, sid: open.sid }), 400, 'invalid_hook_payload');
    assert.match(neither.body.message as string, /neither is set/);
    const injected = await refusedWithNothingOnKafka(() => postHook({ ...open, sid: 'sid\r\nce_type: forged' }), 400, 'invalid_hook_payload');
    assert.deepEqual(
      (injected.body.details as { path: string }[]).map((detail) => detail.path),
      ['sid'],
    );
    const big = { ...open, event_session_open: { ...open.event_session_open, input: 'x'.repeat(MAX_BODY) } };
    await refusedWithNothingOnKafka(() => postHook(big), 413, 'payload_too_large');
    for (const body of ['null', '[]', '"text"']) await refusedWithNothingOnKafka(() => postHook(body), 400, 'invalid_hook_payload');
  });

  void it('a bound token may send POST /v1/events for its own organisation only', async () => {
    const own = validEvent('session.close', uniqueId('sid'));
    (own.data as { org_id: string }).org_id = BOUND_ORG;
    const accepted = await postEvents(producer.url, own, { token: BOUND_TOKEN });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const foreign = validEvent('session.close', uniqueId('sid'));
    const answer = await refusedWithNothingOnKafka(() => postEvents(producer.url, [own, foreign], { token: BOUND_TOKEN }), 403, 'organisation_mismatch');
    assert.deepEqual(answer.body.details, [{ index: 1, path: 'data.org_id', message: 'not the organisation this token is bound to (INGEST_ORG_TOKENS)' }]);
    // Unbound tokens keep sending any organisation's events.
    assert.equal((await postEvents(producer.url, foreign, { token: OTHER_TOKEN })).status, 202);
  });

  void it('never logs a connection env value, whatever was refused or accepted', () => {
    assert.ok(logs.length > 0, 'the producer logged nothing: the check below would prove nothing');
    const text = logs.join('');
    for (const secret of secretForms()) assert.ok(!text.includes(secret), 'a connection env value reached the logs');
  });
});
