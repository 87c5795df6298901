// hoop Enterprise's gateway, as its webhooks plugin calls Svix (the official svix SDK,
// hoop-shaped payloads of every event type), pointed at the producer: the events go on to
// the svix-relay, which publishes them to the Svix stand-in, and to the hook-executor,
// which runs the runbook hooks (real git repository, python3) for them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { Svix } from 'svix';
import { dbrolesJobFinishedPayload, reviewCardPayload, sessionClosePayload, sessionOpenPayload } from '../fixtures/hoop/hoop-payloads.js';
import { SvixStandIn } from '@hookline/tools/svix-stand-in';
import { ResultReader, ensureTestTopics, positionGroupAtEnd, startExecutor, type RunningExecutor } from '../hook-executor/executor-harness.js';
import { RunbooksFixture } from '../hook-executor/runbooks-fixture.js';
import { TEST_TOKEN, startProducer, type RunningProducer } from '../producer/producer-harness.js';
import {
  NO_BROKER_SKIP,
  api,
  brokersFromEnv,
  ensureGatewayTopics,
  relayEnv,
  startGroupAtEnd,
  startRelay,
  testKafka,
  uniqueId,
  type RunningRelay,
} from '../svix-relay/relay-harness.js';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';

const skip = brokersFromEnv === undefined ? NO_BROKER_SKIP : spawnSync('python3', ['--version']).status !== 0 ? 'python3 is not installed' : false;

// Each hook prints the payload it was given, so the test sees what reached it.
const PRINT_PAYLOAD = 'import os, sys\nsys.stdout.write(os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD"])\n';

void describe('the Svix door end to end: hoop → producer → relay → Svix, and → hook-executor', { skip }, () => {
  let standIn: SvixStandIn;
  let runbooks: RunbooksFixture;
  let admin: Admin;
  let executor: RunningExecutor;
  let relay: RunningRelay;
  let producer: RunningProducer;
  let results: ResultReader;

  before(async () => {
    standIn = await SvixStandIn.start();
    runbooks = RunbooksFixture.create();
    runbooks.commit({ 'hoop-hooks/session-open.runbook.py': PRINT_PAYLOAD, 'hoop-hooks/session-close.runbook.py': PRINT_PAYLOAD });
    const kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    // On a just-started broker creating topics and reading their leaders can fail for a moment: try again.
    await pollUntil(
      () =>
        ensureGatewayTopics(admin)
          .then(() => ensureTestTopics(admin))
          .then(() => true),
      { timeoutMs: 60_000, what: 'the topics' },
    );
    const executorGroup = uniqueId('hookline-hook-executor-door');
    await pollUntil(() => positionGroupAtEnd(admin, executorGroup).then(() => true), { timeoutMs: 60_000, what: 'the executor group positioned' });
    const relayGroup = uniqueId('hookline-svix-relay-door');
    await startGroupAtEnd(kafka, admin, relayGroup);
    results = await pollUntil(() => ResultReader.start(kafka, admin), { timeoutMs: 60_000, what: 'the hook result reader' });
    executor = await startExecutor({ groupId: executorGroup, env: { RUNBOOKS_GIT_URL: runbooks.fileUrl, GIT_HOOK_CONFIG_TTL: '60', LOG_LEVEL: 'warn' } });
    // The relay's embedded database; the producer forwards to the same Svix the relay publishes to.
    relay = await startRelay(relayEnv(standIn, undefined, relayGroup));
    producer = await startProducer({ SVIX_AUTH_TOKEN: standIn.token, SVIX_SERVER_URL: standIn.url });
  });

  after(() => closeAll(producer, relay, executor, results, admin, standIn));

  void it('publishes every event type to Svix and runs the session hooks', async () => {
    const orgId = crypto.randomUUID();
    const connection = uniqueId('pg-prod');
    const sid = crypto.randomUUID();
    const input = 'SELECT count(*) FROM invoices;';
    assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);
    await pollUntil(async () => JSON.stringify((await api(relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`)).body).includes(connection), {
      what: 'the connection enabled',
    });

    // hoop's plugin: Application.List at start, GetOrCreate for the organisation, then messages.
    const svix = new Svix(TEST_TOKEN, { serverUrl: producer.url });
    await svix.application.list();
    await svix.application.getOrCreate({ name: orgId.slice(0, 8), uid: orgId });
    const ids = { open: crypto.randomUUID(), review: crypto.randomUUID(), close: crypto.randomUUID(), job: crypto.randomUUID() };
    await svix.message.create(orgId, {
      eventType: 'session.open',
      eventId: ids.open,
      payload: sessionOpenPayload({ sid, connection, input, review: { type: 'onetime', status: 'PENDING', owner_email: 'alice@example.com' } }),
    });
    await svix.message.create(orgId, { eventType: 'microsoftteams.review.create', eventId: ids.review, payload: reviewCardPayload({ sid, connection }) });
    await svix.message.create(orgId, { eventType: 'session.close', eventId: ids.close, payload: sessionClosePayload(sid, 1, 'exit status 1') });
    await svix.message.create(orgId, { eventType: 'dbroles.job.finished', eventId: ids.job, payload: dbrolesJobFinishedPayload(orgId, crypto.randomUUID()) });

    // The relay published each to the organisation's application, with hoop's eventId.
    const published = await pollUntil(
      () => {
        const messages = standIn.messages(orgId);
        return Object.values(ids).every((id) => messages.some((message) => message.eventId === id)) ? messages : undefined;
      },
      { timeoutMs: 60_000, what: 'the four events published to the Svix stand-in' },
    );
    const byEventId = (id: string) => published.find((message) => message.eventId === id)!;
    assert.equal(byEventId(ids.open).eventType, 'session.open');
    assert.equal((byEventId(ids.open).payload as { input: string }).input, input, 'the decoded input, not base64');
    assert.equal(byEventId(ids.review).eventType, 'microsoftteams.review.create');
    assert.equal((byEventId(ids.review).payload as { type: string }).type, 'message', 'the relay renders the Teams card again');
    assert.equal((byEventId(ids.close).payload as { exit_code: number }).exit_code, 1);
    assert.equal(byEventId(ids.job).eventType, 'dbroles.job.finished');
    assert.equal(published.length, 4, 'each event once');

    // The hook-executor ran the session hooks with the mapped event.
    const [openRun, closeRun] = await results.waitFor([ids.open, ids.close], 60_000);
    assert.equal(openRun!.hook, 'session-open');
    assert.equal(openRun!.outcome, 'success');
    assert.equal(openRun!.org_id, orgId);
    assert.equal(openRun!.sid, sid);
    const opened = JSON.parse(openRun!.stdout.text) as { sid: string; event_session_open: { input: string; connection_name: string } };
    assert.equal(opened.sid, sid);
    assert.equal(opened.event_session_open.input, input, 'the hook saw the decoded input');
    assert.equal(opened.event_session_open.connection_name, connection);
    assert.equal(closeRun!.hook, 'session-close');
    assert.equal(closeRun!.outcome, 'success');
    const closed = JSON.parse(closeRun!.stdout.text) as { event_session_close: { exit_code: number } };
    assert.equal(closed.event_session_close.exit_code, 1, "hoop's exit code");
  });
});
