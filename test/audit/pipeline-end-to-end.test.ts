// The whole pipeline with the real services: producer -> Kafka -> hook-executor (runbooks
// from a git repository, python3) and svix-relay (-> Svix stand-in -> a SIEM receiver) ->
// audit. The session's timeline holds its events, the hook runs the executor recorded, the
// publications the relay recorded and the delivery attempts read back from Svix, in order.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { ensureTestTopics, positionGroupAtEnd } from '../hook-executor/executor-harness.js';
import { postEvents } from '../producer/producer-harness.js';
import { api, ensureGatewayTopics, makeEvent, startGroupAtEnd } from '../svix-relay/relay-harness.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { pollUntil } from '@hookline/kafka/testing';
import { NO_BROKER_SKIP, brokersFromEnv, getJson, testKafka, uniqueId, type TimelineEntry } from './audit-harness.js';
import { closeAll } from '../support/close-all.js';

const skip = brokersFromEnv === undefined ? NO_BROKER_SKIP : spawnSync('python3', ['--version']).status !== 0 ? 'python3 is not installed' : false;

void describe('pipeline end to end: the audit record of a session', { skip }, () => {
  let admin: Admin;
  let pipeline: Pipeline;

  before(async () => {
    const kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await ensureGatewayTopics(admin);
    await ensureTestTopics(admin);
    // The executor and the relay see only this test's events (the topics are shared by every test).
    const executorGroup = uniqueId('hookline-hook-executor-e2e');
    await positionGroupAtEnd(admin, executorGroup);
    const relayGroup = uniqueId('hookline-svix-relay-e2e');
    await startGroupAtEnd(kafka, admin, relayGroup);
    pipeline = await startPipeline({
      hooks: {
        'hoop-hooks/session-open.runbook.py': 'print("session opened")\n',
        'hoop-hooks/session-close.runbook.py': 'import sys\nprint("session closed")\nsys.exit(3)\n',
      },
      executorGroup,
      relayGroup,
      auditGroup: uniqueId('hookline-audit-e2e'),
      executorLogLevel: 'warn',
      auditEnv: (svix) => ({ SVIX_AUTH_TOKEN: svix.token, SVIX_SERVER_URL: svix.url, SVIX_ATTEMPT_POLL_SECONDS: '0.3', SVIX_REQUESTS_PER_SECOND: '50' }),
    });
  });

  after(() => closeAll(pipeline, admin));

  void it('holds the events, the real hook runs, publications and attempts of a session, in order', async () => {
    const orgId = uniqueId('org');
    const connection = uniqueId('pg-prod');
    assert.equal((await api(pipeline.relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);
    const endpoint = await api(pipeline.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: pipeline.receiver.url('/siem'), description: 'SIEM' });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    // The relay applies plugin changes within PLUGIN_REFRESH_MS: wait until it lists the connection.
    await pollUntil(
      async () => JSON.stringify((await api(pipeline.relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`)).body).includes(connection),
      {
        what: 'the connection enabled',
      },
    );

    const sid = uniqueId('sid');
    const open = makeEvent('session.open', { orgId, subject: sid, connection });
    const close = makeEvent('session.close', { orgId, subject: sid });
    const accepted = await postEvents(pipeline.producer.url, [
      { type: open.type, data: open.data },
      { type: close.type, data: close.data },
    ]);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const [openId, closeId] = accepted.body.ids as [string, string];

    const entries = await pollUntil(
      async () => {
        const answer = await getJson(`${pipeline.audit.url}/v1/sessions/${sid}/timeline`);
        const list = (answer.body.entries ?? []) as TimelineEntry[];
        const kinds = list.map((entry) => entry.kind);
        const count = (kind: string) => kinds.filter((item) => item === kind).length;
        return count('event') === 2 && count('hook_execution') === 2 && count('publication') === 2 && count('attempt') === 2 ? list : undefined;
      },
      { timeoutMs: 60_000, what: 'the session: 2 events, 2 hook runs, 2 publications, 2 attempts in the audit record' },
    );

    const times = entries.map((entry) => Date.parse(entry.time));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'in time order',
    );
    for (const [eventId, hook, outcome, exitCode, output] of [
      [openId, 'session-open', 'success', 0, 'session opened\n'],
      [closeId, 'session-close', 'failure', 3, 'session closed\n'],
    ] as const) {
      const of = (kind: string) => entries.filter((entry) => entry.kind === kind && entry.event_id === eventId);
      const [event] = of('event');
      const [run] = of('hook_execution');
      const [published] = of('publication');
      const [attempt] = of('attempt');
      assert.ok(event && run && published && attempt, `every stage of ${eventId} is there`);
      // The event comes first; Svix may deliver before the relay stamps published_at (it
      // does so once Svix's answer is back), so publication and attempt keep their real times.
      for (const later of [run, published, attempt]) assert.ok(entries.indexOf(event) < entries.indexOf(later), `${hook}: the event before its ${later.kind}`);
      assert.equal(run.detail.hook, hook);
      assert.equal(run.detail.outcome, outcome);
      assert.equal(run.detail.exit_code, exitCode);
      assert.equal(run.detail.git_commit, pipeline.commit, 'the runbooks commit the hook ran from');
      // The timeline carries the output's size, not its text; the run's own route has the text.
      assert.deepEqual(run.detail.stdout, { truncated: false, bytes: Buffer.byteLength(output) });
      const full = await getJson(`${pipeline.audit.url}/v1/hook-executions/${String(run.detail.id)}`);
      assert.equal((full.body.stdout as { text: string }).text, output);
      assert.equal(attempt.detail.status, 'success');
      assert.equal(attempt.detail.message_id, published.detail.svix_message_id);
      assert.equal(attempt.detail.endpoint_id, endpoint.body.id);
    }
    assert.equal(pipeline.receiver.on('/siem').length, 2, 'the SIEM got both events');
  });
});
