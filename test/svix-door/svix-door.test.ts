// The producer's Svix-compatible door as hoop's webhooks plugin uses it: the official svix
// SDK pointed at the producer (WEBHOOK_APPURL) with an ingest token (WEBHOOK_APPKEY),
// hoop-shaped payloads (test/fixtures/hoop), a real broker, and the Svix stand-in behind the
// door for the management calls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '@hookline/contracts';
import { ApiException, Svix } from 'svix';
import type { Admin, Kafka } from 'kafkajs';
import {
  dbrolesCustomJobFinishedPayload,
  dbrolesJobFinishedPayload,
  reviewCardPayload,
  sessionClosePayload,
  sessionOpenPayload,
} from '../fixtures/hoop/hoop-payloads.js';
import { SvixStandIn } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '@hookline/kafka/testing';
import {
  NO_BROKER_SKIP,
  TEST_TOKEN,
  brokersFromEnv,
  endOffsets,
  metricValue,
  readRecordsById,
  recordsBetween,
  startProducer,
  testKafka,
  uniqueId,
  type RunningProducer,
} from '../producer/producer-harness.js';
import { closeAll } from '../support/close-all.js';
import { ensureGatewayTopics } from '../svix-relay/relay-harness.js';

const skip = brokersFromEnv === undefined ? NO_BROKER_SKIP : false;
const EVENTS = 'hookline_svix_door_events_total';
const DROPPED = 'hookline_svix_door_dropped_fields_total';

/** A UUID, as hoop's eventIds are (uuid.NewString()). */
function eventId(): string {
  return crypto.randomUUID();
}

/** readRecordsById, tried again when its throw-away group was not ready to seek (a just-started broker). */
function readRecords(...args: Parameters<typeof readRecordsById>): ReturnType<typeof readRecordsById> {
  return pollUntil(() => readRecordsById(...args), { timeoutMs: 60_000, what: `records on ${args[1]}` });
}

function dataOf(record: { message: { value: Buffer | null } }): Record<string, unknown> {
  return JSON.parse(record.message.value!.toString('utf8')) as Record<string, unknown>;
}

async function refusal(call: Promise<unknown>): Promise<ApiException<Record<string, unknown>>> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ApiException, `expected an ApiException, got ${String(error)}`);
    return error as ApiException<Record<string, unknown>>;
  }
  assert.fail('the call was accepted');
}

async function raw(
  url: string,
  path: string,
  init: { method?: string; token?: string | null; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  const token = init.token === undefined ? TEST_TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}${path}`, { method: init.method ?? 'POST', headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

interface DoorStage {
  readonly standIn: SvixStandIn;
  readonly kafka: Kafka;
  readonly admin: Admin;
  close(): Promise<void>;
}

/** A Svix stand-in and an admin on the test broker, once the gateway topics have leaders (a just-started broker may not have them yet). */
async function startDoorStage(): Promise<DoorStage> {
  const standIn = await SvixStandIn.start();
  const kafka = testKafka();
  const admin = kafka.admin();
  const close = () => closeAll(admin, standIn);
  try {
    await admin.connect();
    // The stage comes before the producer that would create them: a test run alone on a fresh broker has none yet.
    await ensureGatewayTopics(admin);
    await pollUntil(() => endOffsets(admin), { timeoutMs: 60_000, what: 'the gateway topics to have leaders' });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { standIn, kafka, admin, close };
}

void describe('the Svix door: hoop Enterprise sends through the svix SDK', { skip }, () => {
  let stage: DoorStage;
  let producer: RunningProducer;
  let svix: Svix;

  before(async () => {
    stage = await startDoorStage();
    // hoop admin … svixendpoint writes need the operator's explicit SVIX_DOOR_MANAGEMENT=write (default read).
    producer = await startProducer({ SVIX_AUTH_TOKEN: stage.standIn.token, SVIX_SERVER_URL: stage.standIn.url, SVIX_DOOR_MANAGEMENT: 'write' });
    // hoop's plugin: svix.New(WEBHOOK_APPKEY, &svix.SvixOptions{ServerUrl: WEBHOOK_APPURL}).
    svix = new Svix(TEST_TOKEN, { serverUrl: producer.url, retryScheduleInMs: [] });
  });

  after(() => closeAll(producer, stage));

  void it('maps every hoop event type into its contract on Kafka, acknowledged with a MessageOut', async () => {
    const orgId = crypto.randomUUID();
    const sid = crypto.randomUUID();
    const jobId = crypto.randomUUID();
    const input = "SELECT * FROM invoices WHERE note = 'é';";
    const before = await endOffsets(stage.admin, [TOPICS.gatewaySessions, TOPICS.gatewayDbroles]);
    const ids = { open: eventId(), review: eventId(), close: eventId(), job: eventId() };
    const review = { type: 'onetime', status: 'PENDING', owner_email: 'alice@example.com' };
    const open = await svix.message.create(orgId, { eventType: 'session.open', eventId: ids.open, payload: sessionOpenPayload({ sid, input, review }) });
    const card = await svix.message.create(orgId, {
      eventType: 'microsoftteams.review.create',
      eventId: ids.review,
      payload: reviewCardPayload({ sid, approvalGroups: '["dba-team" "sec \\"ops\\""]' }),
    });
    const close = await svix.message.create(orgId, { eventType: 'session.close', eventId: ids.close, payload: sessionClosePayload(sid, 2, 'exit status 2') });
    const job = await svix.message.create(orgId, {
      eventType: 'dbroles.job.finished',
      eventId: ids.job,
      payload: dbrolesJobFinishedPayload('some-other-org', jobId),
    });

    for (const [out, type, id] of [
      [open, 'session.open', ids.open],
      [card, 'microsoftteams.review.create', ids.review],
      [close, 'session.close', ids.close],
      [job, 'dbroles.job.finished', ids.job],
    ] as const) {
      assert.equal(out.eventType, type);
      assert.equal(out.eventId, id);
      assert.match(out.id, /^msg_/);
      assert.ok(out.timestamp instanceof Date && !Number.isNaN(out.timestamp.getTime()), 'timestamp parsed by the SDK');
    }
    // The TypeScript SDK asks with_content=false (the payload is left out, as Svix does); with it, the payload as sent.
    assert.deepEqual(open.payload, {});
    const withContent = await svix.message.create(
      orgId,
      { eventType: 'session.close', eventId: eventId(), payload: sessionClosePayload(sid) },
      { withContent: true },
    );
    assert.deepEqual(withContent.payload, sessionClosePayload(sid));

    // Acknowledged only once Kafka has it: every record is there, with the eventId as ce_id.
    const sessions = await readRecords(stage.kafka, TOPICS.gatewaySessions, before, [ids.open, ids.review, ids.close]);
    const dbroles = await readRecords(stage.kafka, TOPICS.gatewayDbroles, before, [ids.job]);
    assert.equal(recordsBetween(before, await endOffsets(stage.admin, [TOPICS.gatewaySessions, TOPICS.gatewayDbroles])), 5, 'one record per message');

    const openRecord = sessions.get(ids.open)!;
    assert.equal(openRecord.message.key?.toString(), sid);
    assert.equal(openRecord.message.headers?.ce_type?.toString(), 'session.open');
    assert.equal(openRecord.message.headers.ce_source?.toString(), 'hookline/producer/svix-door');
    assert.deepEqual(dataOf(openRecord), {
      sid,
      org_id: orgId,
      verb: 'exec',
      connection_name: 'pg-billing-prod',
      connection_type: 'database',
      connection_subtype: '',
      user_id: 'f3b6c1d2-5a4e-4f7b-9c8d-1e2f3a4b5c6d',
      user_email: 'alice@example.com',
      connection_reviewers: [],
      input,
      is_input_truncated: false,
      input_size: Buffer.byteLength(input),
      input_env_keys: [],
      connection_env_keys: ['envvar:HOST', 'envvar:PASS'],
      command: ['psql', '-A', '-v', 'ON_ERROR_STOP=1'],
      review,
    });
    assert.deepEqual(dataOf(sessions.get(ids.review)!), {
      sid,
      org_id: orgId,
      review_id: sid,
      status: 'PENDING',
      created_by: { name: 'Alice Martin', email: 'alice@example.com' },
      approval_groups: ['dba-team', 'sec "ops"'],
      session_time: null,
      connection_name: 'pg-billing-prod',
      connection_type: 'database',
      input: "UPDATE invoices SET status = 'void' WHERE id = 8813;",
      session_url: `https://hoop.example.com/sessions/${sid}`,
    });
    assert.deepEqual(dataOf(sessions.get(ids.close)!), {
      sid,
      org_id: orgId,
      exit_code: 2,
      exit_err: 'exit status 2',
      output: '',
      is_output_truncated: false,
      output_size: 0,
    });
    const jobData = dataOf(dbroles.get(ids.job)!);
    assert.equal(jobData.org_id, orgId, 'the organisation is the application the gateway sent to');
    assert.equal(jobData.id, jobId);
    assert.deepEqual(jobData.status, {
      phase: 'completed',
      message: 'all roles provisioned',
      result: [{ user_role: 'hoop_ro', phase: 'completed', message: 'role created', completed_at: '2026-11-02T14:00:39Z' }],
    });
    assert.equal(jobData.hook_status, null);
    assert.ok(!JSON.stringify(jobData).includes('credentials_info'), 'credentials_info is not carried');

    assert.ok((await metricValue(producer.url, EVENTS, { event_type: 'session.open', outcome: 'accepted' })) >= 1);
    assert.ok((await metricValue(producer.url, DROPPED, { event_type: 'session.open', field: 'has_input_args' })) >= 1);
    assert.ok((await metricValue(producer.url, DROPPED, { event_type: 'microsoftteams.review.create', field: 'session_time' })) >= 1);
    assert.ok((await metricValue(producer.url, DROPPED, { event_type: 'dbroles.job.finished', field: 'credentials_info' })) >= 1);
  });

  void it('acknowledges dbroles.custom.job.finished without carrying it, so hoop goes on to send dbroles.job.finished', async () => {
    const before = await endOffsets(stage.admin);
    const out = await svix.message.create(crypto.randomUUID(), {
      eventType: 'dbroles.custom.job.finished',
      eventId: eventId(),
      payload: dbrolesCustomJobFinishedPayload(),
    });
    assert.equal(out.eventType, 'dbroles.custom.job.finished');
    assert.equal(recordsBetween(before, await endOffsets(stage.admin)), 0, 'nothing on Kafka');
    assert.ok((await metricValue(producer.url, EVENTS, { event_type: 'dbroles.custom.job.finished', outcome: 'not_carried' })) >= 1);
  });

  void it('accepts unknown extra fields (gateways add fields), drops and counts them', async () => {
    const sid = crypto.randomUUID();
    const id = eventId();
    const before = await endOffsets(stage.admin, [TOPICS.gatewaySessions]);
    const counted = await metricValue(producer.url, DROPPED, { event_type: 'session.close', field: 'unknown_field' });
    const payload = { ...sessionClosePayload(sid), new_field: 'x', another: { nested: true } };
    await svix.message.create(crypto.randomUUID(), { eventType: 'session.close', eventId: id, payload });
    const record = (await readRecords(stage.kafka, TOPICS.gatewaySessions, before, [id])).get(id)!;
    assert.ok(!('new_field' in dataOf(record)) && !('another' in dataOf(record)));
    assert.equal((await metricValue(producer.url, DROPPED, { event_type: 'session.close', field: 'unknown_field' })) - counted, 2);
  });

  void it('answers a repeated eventId 409, and the same idempotency-key its first answer, with one record on Kafka', async () => {
    const orgId = crypto.randomUUID();
    const sid = crypto.randomUUID();
    const id = eventId();
    const before = await endOffsets(stage.admin, [TOPICS.gatewaySessions]);
    const first = await svix.message.create(orgId, { eventType: 'session.close', eventId: id, payload: sessionClosePayload(sid) }, { idempotencyKey: 'key-1' });
    const again = await svix.message.create(
      orgId,
      { eventType: 'session.close', eventId: id, payload: sessionClosePayload(sid, 9) },
      { idempotencyKey: 'key-1' },
    );
    assert.deepEqual(again, first, 'the same key gets the first answer, whatever the body');
    const conflict = await refusal(svix.message.create(orgId, { eventType: 'session.close', eventId: id, payload: sessionClosePayload(sid) }));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.body.code, 'conflict');
    assert.match(String(conflict.body.detail), new RegExp(id));
    // The same eventId in another application is another message, as in Svix.
    await svix.message.create(crypto.randomUUID(), { eventType: 'session.close', eventId: id, payload: sessionClosePayload(sid) });
    await readRecords(stage.kafka, TOPICS.gatewaySessions, before, [id]);
    assert.equal(recordsBetween(before, await endOffsets(stage.admin, [TOPICS.gatewaySessions])), 2, 'one record per application, none for the repeats');
  });

  void it('refuses bad input in Svix shapes, and nothing reaches Kafka', async () => {
    const before = await endOffsets(stage.admin);
    const orgId = crypto.randomUUID();
    const sid = crypto.randomUUID();

    const wrong = await refusal(
      new Svix('wrong-token-0123456789abc', { serverUrl: producer.url, retryScheduleInMs: [] }).message.create(orgId, {
        eventType: 'session.close',
        payload: sessionClosePayload(sid),
      }),
    );
    assert.equal(wrong.code, 401);
    assert.equal(wrong.body.code, 'authentication_failed');
    assert.equal(typeof wrong.body.detail, 'string');
    // Authenticated before the body is read: a malformed body without a token is a 401 too.
    const unauthenticatedJunk = await raw(producer.url, `/api/v1/app/${orgId}/msg/`, { token: null, body: '{not json' });
    assert.equal(unauthenticatedJunk.status, 401);
    assert.equal(unauthenticatedJunk.body.code, 'authentication_failed');

    const unknown = await refusal(svix.message.create(orgId, { eventType: 'user.created', payload: { id: 'u1' } }));
    assert.equal(unknown.code, 422);
    assert.deepEqual((unknown.body.detail as { loc: unknown[] }[])[0]!.loc, ['body', 'eventType']);

    const badBase64 = await refusal(
      svix.message.create(orgId, { eventType: 'session.open', payload: { ...sessionOpenPayload({ sid }), input: 'not base64!' } }),
    );
    assert.equal(badBase64.code, 422);
    assert.deepEqual((badBase64.body.detail as { loc: unknown[] }[])[0]!.loc, ['body', 'payload', 'input']);

    // A value the contract refuses is named by hoop's field name.
    const badVerb = await refusal(svix.message.create(orgId, { eventType: 'session.open', payload: { ...sessionOpenPayload({ sid }), connection: '' } }));
    assert.equal(badVerb.code, 422);
    const item = (badVerb.body.detail as { loc: unknown[]; msg: string }[])[0]!;
    assert.deepEqual(item.loc, ['body', 'payload', 'connection']);
    assert.match(item.msg, /connection_name/);

    const noLink = reviewCardPayload({ sid }) as { attachments: { content: { body: unknown[] } }[] };
    noLink.attachments[0]!.content.body.splice(1, 1);
    const card = await refusal(svix.message.create(orgId, { eventType: 'microsoftteams.review.create', payload: noLink }));
    assert.equal(card.code, 422);
    assert.deepEqual((card.body.detail as { loc: unknown[] }[])[0]!.loc, ['body', 'payload', 'attachments', 0, 'content', 'body']);

    const running = dbrolesJobFinishedPayload(orgId, crypto.randomUUID()) as { event_payload: { status: { phase: string } } };
    running.event_payload.status.phase = 'running';
    const job = await refusal(svix.message.create(orgId, { eventType: 'dbroles.job.finished', payload: running }));
    assert.equal(job.code, 422);
    assert.deepEqual((job.body.detail as { loc: unknown[] }[])[0]!.loc, ['body', 'payload', 'event_payload', 'status', 'phase']);

    const notJson = await raw(producer.url, `/api/v1/app/${orgId}/msg/`, { body: '{"eventType": "session.close", ' });
    assert.equal(notJson.status, 422);
    assert.deepEqual((notJson.body.detail as { loc: unknown[] }[])[0]!.loc, ['body']);

    const huge = await raw(producer.url, `/api/v1/app/${orgId}/msg/`, {
      body: JSON.stringify({ eventType: 'session.close', payload: { ...sessionClosePayload(sid), pad: 'x'.repeat(producer.config.INGEST_MAX_BODY_BYTES) } }),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, 'payload_too_large');

    const badApp = await raw(producer.url, `/api/v1/app/${encodeURIComponent('org with space')}/msg/`, {
      body: JSON.stringify({ eventType: 'session.close', payload: sessionClosePayload(sid) }),
    });
    assert.equal(badApp.status, 422);
    assert.deepEqual((badApp.body.detail as { loc: unknown[] }[])[0]!.loc, ['path', 'app_id']);

    assert.equal(recordsBetween(before, await endOffsets(stage.admin)), 0, 'no refused call reached Kafka');
    assert.ok((await metricValue(producer.url, EVENTS, { event_type: 'unknown', outcome: 'unauthorized' })) >= 2);
    assert.ok((await metricValue(producer.url, EVENTS, { event_type: 'unknown', outcome: 'unknown_event_type' })) >= 1);
    assert.ok((await metricValue(producer.url, EVENTS, { event_type: 'session.open', outcome: 'unmappable' })) >= 2);
  });

  void it('lists the applications of the Svix behind it plus the organisations seen, and get-or-creates them there', async () => {
    const inSvix = uniqueId('org-in-svix');
    await new Svix(stage.standIn.token, { serverUrl: stage.standIn.url }).application.create({ name: 'org', uid: inSvix });
    const seen = crypto.randomUUID();
    await svix.message.create(seen, { eventType: 'session.close', eventId: eventId(), payload: sessionClosePayload(crypto.randomUUID()) });
    const uids = (await svix.application.list()).data.map((app) => app.uid);
    assert.ok(uids.includes(inSvix), 'an application of the Svix the relay publishes to');
    assert.ok(uids.includes(seen), 'an organisation seen through the door');

    // hoop: Application.GetOrCreate({name: orgID[0:8], uid: orgID}).
    const orgId = crypto.randomUUID();
    const created = await svix.application.getOrCreate({ name: orgId.slice(0, 8), uid: orgId });
    assert.equal(created.uid, orgId);
    assert.equal(stage.standIn.appByUid(orgId)?.id, created.id, 'created in the Svix behind the door, its answer unchanged');
    const again = await svix.application.getOrCreate({ name: orgId.slice(0, 8), uid: orgId });
    assert.equal(again.id, created.id);
  });

  void it('forwards every management call to Svix and returns its answer unchanged', async () => {
    const orgId = crypto.randomUUID();
    const direct = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url });
    await svix.application.getOrCreate({ name: orgId.slice(0, 8), uid: orgId });
    const seenBefore = stage.standIn.requests().length;

    const endpoint = await svix.endpoint.create(orgId, { url: 'https://siem.example.com/hook', description: 'SIEM' });
    assert.deepEqual(await svix.endpoint.get(orgId, endpoint.id), await direct.endpoint.get(orgId, endpoint.id));
    assert.deepEqual(
      (await svix.endpoint.list(orgId)).data.map((item) => item.id),
      [endpoint.id],
    );
    const updated = await svix.endpoint.upsert(orgId, endpoint.id, { url: 'https://siem.example.com/hook2', description: 'SIEM 2' });
    assert.equal(updated.url, 'https://siem.example.com/hook2');
    assert.deepEqual(await svix.endpoint.getStats(orgId, endpoint.id), await direct.endpoint.getStats(orgId, endpoint.id));

    const typeName = uniqueId('door.test');
    const created = await svix.eventType.create({ name: typeName, description: 'door test' });
    assert.equal(created.name, typeName);
    assert.ok((await svix.eventType.list({ limit: 250 })).data.some((type) => type.name === typeName));
    assert.equal((await svix.eventType.upsert(typeName, { description: 'updated' })).description, 'updated');
    assert.equal(stage.standIn.eventType(typeName)?.description, 'updated');

    // hoop's Endpoint.Update and EventType.Update are PUTs (upsert in the TypeScript SDK).
    // A message the relay published (here: straight into the stand-in), read back through the door.
    const message = await direct.message.create(orgId, { eventType: 'session.close', payload: { sid: 'x' } });
    assert.deepEqual(await svix.message.get(orgId, message.id), await direct.message.get(orgId, message.id));
    // The stand-in delivers in the background: wait for the attempt, so both reads see the same list.
    const attemptsQuery = { limit: 50, eventTypes: ['session.close'] };
    await pollUntil(async () => (await direct.messageAttempt.listByEndpoint(orgId, endpoint.id, attemptsQuery)).data.length > 0, {
      timeoutMs: 30_000,
      what: "the message's delivery attempt",
    });
    assert.deepEqual(
      await svix.messageAttempt.listByEndpoint(orgId, endpoint.id, attemptsQuery),
      await direct.messageAttempt.listByEndpoint(orgId, endpoint.id, attemptsQuery),
    );

    const portal = await svix.authentication.appPortalAccess(orgId, {});
    assert.match(portal.url, /^https:\/\/app\.svix\.com\/login#key=/);

    await svix.endpoint.delete(orgId, endpoint.id);
    const gone = await refusal(svix.endpoint.get(orgId, endpoint.id));
    assert.equal(gone.code, 404, "Svix's own 404, unchanged");
    assert.equal(gone.body.code, 'not_found');

    const paths = stage.standIn
      .requests()
      .slice(seenBefore)
      .map((request) => `${request.method} ${request.path}`);
    for (const expected of [
      `POST /api/v1/app/${orgId}/endpoint`,
      `PUT /api/v1/app/${orgId}/endpoint/${endpoint.id}`,
      `GET /api/v1/app/${orgId}/endpoint/${endpoint.id}/stats`,
      'POST /api/v1/event-type',
      `PUT /api/v1/event-type/${typeName}`,
      `GET /api/v1/app/${orgId}/attempt/endpoint/${endpoint.id}`,
      `POST /api/v1/auth/app-portal-access/${orgId}`,
      `DELETE /api/v1/app/${orgId}/endpoint/${endpoint.id}`,
    ]) {
      assert.ok(
        paths.some((path) => path.replace(/\/$/, '') === expected),
        `the stand-in saw ${expected}`,
      );
    }
  });

  void it('forwards nothing for hostile paths or without the ingest token', async () => {
    const seenBefore = stage.standIn.requests().length;
    for (const path of ['/api/v1/app/..%2F..%2Fevent-type/endpoint', '/api/v1/app/a%2Fb/endpoint', '/api/v1/event-type/..', '/api/v1/app/x/endpoint/%2e%2e']) {
      const answer = await raw(producer.url, path, { method: 'GET' });
      assert.ok([404, 422].includes(answer.status), `${path}: ${answer.status}`);
      assert.ok(typeof answer.body.detail === 'string' || Array.isArray(answer.body.detail), `${path}: Svix-shaped`);
    }
    const anonymous = await raw(producer.url, '/api/v1/event-type', { method: 'GET', token: null });
    assert.equal(anonymous.status, 401);
    assert.equal(stage.standIn.requests().length, seenBefore, 'the stand-in was not called');
  });
});

void describe('the Svix door lends an ingest token no admin power by default, and holds a bound token to its organisation', { skip }, () => {
  const BOUND_ORG = crypto.randomUUID();
  const BOUND_TOKEN = 'door-bound-token-0123456789';
  let stage: DoorStage;
  let readOnly: RunningProducer;
  let closed: RunningProducer;

  before(async () => {
    stage = await startDoorStage();
    const svixEnv = { SVIX_AUTH_TOKEN: stage.standIn.token, SVIX_SERVER_URL: stage.standIn.url };
    readOnly = await startProducer({ ...svixEnv, INGEST_ORG_TOKENS: `${BOUND_ORG}=${BOUND_TOKEN}` });
    closed = await startProducer({ ...svixEnv, SVIX_DOOR_MANAGEMENT: 'off' });
  });

  after(() => closeAll(readOnly, closed, stage));

  void it('default read: hoop admin get … is forwarded; creating, changing or deleting an endpoint or event type, or a portal link, is refused and never reaches Svix', async () => {
    const orgId = crypto.randomUUID();
    const direct = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url });
    await direct.application.getOrCreate({ name: orgId.slice(0, 8), uid: orgId });
    const endpoint = await direct.endpoint.create(orgId, { url: 'https://siem.example.com/hook', description: 'SIEM' });
    const svix = new Svix(TEST_TOKEN, { serverUrl: readOnly.url, retryScheduleInMs: [] });
    assert.deepEqual(
      (await svix.endpoint.list(orgId)).data.map((item) => item.id),
      [endpoint.id],
    );
    assert.deepEqual(await svix.endpoint.getStats(orgId, endpoint.id), await direct.endpoint.getStats(orgId, endpoint.id));

    const seenBefore = stage.standIn.requests().length;
    for (const call of [
      svix.endpoint.create(orgId, { url: 'https://exfiltrate.example.com/', description: 'attacker' }),
      svix.endpoint.upsert(orgId, endpoint.id, { url: 'https://exfiltrate.example.com/', description: 'attacker', disabled: true }),
      svix.endpoint.delete(orgId, endpoint.id),
      svix.eventType.create({ name: uniqueId('door.forbidden'), description: 'x' }),
      svix.authentication.appPortalAccess(orgId, {}),
    ]) {
      const refused = await refusal(call);
      assert.equal(refused.code, 403);
      assert.equal(refused.body.code, 'forbidden');
      assert.match(String(refused.body.detail), /SVIX_DOOR_MANAGEMENT=read/);
    }
    assert.equal(stage.standIn.requests().length, seenBefore, 'no write reached the stand-in');
    assert.equal((await direct.endpoint.get(orgId, endpoint.id)).url, 'https://siem.example.com/hook', 'the SIEM endpoint is unchanged');
  });

  void it('off: no management call is forwarded, ingest still works', async () => {
    const orgId = crypto.randomUUID();
    const svix = new Svix(TEST_TOKEN, { serverUrl: closed.url, retryScheduleInMs: [] });
    const seenBefore = stage.standIn.requests().length;
    const refused = await refusal(svix.endpoint.list(orgId));
    assert.equal(refused.code, 403);
    assert.match(String(refused.body.detail), /SVIX_DOOR_MANAGEMENT=off/);
    assert.equal(stage.standIn.requests().length, seenBefore);
    const out = await svix.message.create(orgId, { eventType: 'session.close', eventId: eventId(), payload: sessionClosePayload(crypto.randomUUID()) });
    assert.ok(out.id);
  });

  void it('a token bound to an organisation sends, lists and reads only its own application', async () => {
    const bound = new Svix(BOUND_TOKEN, { serverUrl: readOnly.url, retryScheduleInMs: [] });
    const otherOrg = crypto.randomUUID();
    const direct = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url });
    await direct.application.getOrCreate({ name: otherOrg.slice(0, 8), uid: otherOrg });
    await bound.application.getOrCreate({ name: BOUND_ORG.slice(0, 8), uid: BOUND_ORG });

    const before = await endOffsets(stage.admin, [TOPICS.gatewaySessions, TOPICS.gatewayDbroles]);
    const forged = await refusal(
      bound.message.create(otherOrg, { eventType: 'session.close', eventId: eventId(), payload: sessionClosePayload(crypto.randomUUID()) }),
    );
    assert.equal(forged.code, 403);
    assert.equal(forged.body.code, 'forbidden');
    assert.deepEqual(await endOffsets(stage.admin, [TOPICS.gatewaySessions, TOPICS.gatewayDbroles]), before, 'nothing reached Kafka for another organisation');
    assert.equal((await refusal(bound.application.getOrCreate({ name: 'other', uid: otherOrg }))).code, 403);
    assert.equal((await refusal(bound.endpoint.list(otherOrg))).code, 403);

    const uids = (await bound.application.list()).data.map((app) => app.uid);
    assert.deepEqual(uids, [BOUND_ORG], 'only its own application is listed');
    const id = eventId();
    await bound.message.create(BOUND_ORG, { eventType: 'session.close', eventId: id, payload: sessionClosePayload(crypto.randomUUID()) });
    const record = (await readRecords(stage.kafka, TOPICS.gatewaySessions, before, [id])).get(id);
    assert.ok(record, "the bound organisation's event is on Kafka");
    assert.equal(dataOf(record).org_id, BOUND_ORG);
  });
});

void describe('the Svix door without a Svix behind it', { skip }, () => {
  let producer: RunningProducer;

  before(async () => {
    producer = await startProducer();
  });

  after(() => closeAll(producer));

  void it('still ingests, answers get-or-create and lists the organisations seen, and says management needs SVIX_AUTH_TOKEN', async () => {
    const svix = new Svix(TEST_TOKEN, { serverUrl: producer.url, retryScheduleInMs: [] });
    const orgId = crypto.randomUUID();
    const app = await svix.application.getOrCreate({ name: orgId.slice(0, 8), uid: orgId });
    assert.equal(app.uid, orgId);
    assert.ok((await svix.application.list()).data.some((item) => item.uid === orgId));
    await svix.message.create(orgId, { eventType: 'session.close', eventId: eventId(), payload: sessionClosePayload(crypto.randomUUID()) });
    // Older Svix Go SDKs put a trailing slash on every path.
    const slashed = crypto.randomUUID();
    const created = await raw(producer.url, '/api/v1/app/?get_if_exists=true', { body: JSON.stringify({ name: slashed.slice(0, 8), uid: slashed }) });
    assert.equal(created.status, 201);
    assert.equal(created.body.uid, slashed);
    assert.equal(
      (await raw(producer.url, '/api/v1/app/?get_if_exists=true', { body: JSON.stringify({ name: slashed.slice(0, 8), uid: slashed }) })).status,
      200,
    );
    const listed = await raw(producer.url, '/api/v1/app/', { method: 'GET' });
    assert.ok((listed.body.data as { uid: string }[]).some((item) => item.uid === slashed));
    const management = await refusal(svix.endpoint.list(orgId));
    assert.equal(management.code, 503);
    // The SDK keeps a 5xx body as text.
    const body = JSON.parse(management.body as unknown as string) as { code: string; detail: string };
    assert.equal(body.code, 'svix_not_configured');
    assert.match(body.detail, /SVIX_AUTH_TOKEN/);
  });
});
