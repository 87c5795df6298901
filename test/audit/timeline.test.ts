// GET /v1/sessions/{sid}/timeline: a simulated session's gateway events, hook runs,
// publications and Svix delivery attempts (read from the stand-in) in time order;
// plus the list endpoints, their filters, cursor pagination and token checks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Svix } from 'svix';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '@hookline/kafka/testing';
import {
  ADMIN_TOKEN,
  AUDITOR_TOKEN,
  NO_BROKER_SKIP,
  RecordWriter,
  brokersFromEnv,
  gatewayEvent,
  getJson,
  hookExecution,
  metricValue,
  publication,
  startAudit,
  testDatabase,
  testKafka,
  uniqueId,
  type RunningAudit,
  type TimelineEntry,
} from './audit-harness.js';
import { closeAll } from '../support/close-all.js';

void describe('audit: session timeline and queries', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let audit: RunningAudit;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let standIn: SvixStandIn;
  let receiver: WebhookReceiver;
  let writer: RecordWriter;

  before(async () => {
    db = await testDatabase();
    standIn = await SvixStandIn.start();
    receiver = await WebhookReceiver.start();
    writer = new RecordWriter(testKafka());
    audit = await startAudit({
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: uniqueId('hookline-audit-test'),
      SVIX_AUTH_TOKEN: standIn.token,
      SVIX_SERVER_URL: standIn.url,
      SVIX_ATTEMPT_POLL_SECONDS: '0.3',
      SVIX_REQUESTS_PER_SECOND: '50',
    });
  });

  after(() => closeAll(audit, writer, standIn, receiver, db));

  void it('answers the whole story of a session in time order', async () => {
    const sid = uniqueId('sid');
    const start = Date.now() - 120_000;
    const open = gatewayEvent('session.open', sid, new Date(start));
    const close = gatewayEvent('session.close', sid, new Date(start + 30_000));
    const other = gatewayEvent('session.open', uniqueId('other-sid'), new Date(start));

    // What the relay does: publish each event to Svix with eventId = the event id.
    const svix = new Svix(standIn.token, { serverUrl: standIn.url, retryScheduleInMs: [] });
    const orgId = (open.data as { org_id: string }).org_id;
    const app = await svix.application.getOrCreate({ name: orgId, uid: orgId });
    for (const type of ['session.open', 'session.close']) await svix.eventType.upsert(type, { description: type });
    const endpoint = await svix.endpoint.create(app.id, { url: receiver.url('/siem') });
    const openMessage = await svix.message.create(app.id, { eventType: open.type, eventId: open.id, payload: open.data });
    const closeMessage = await svix.message.create(app.id, { eventType: close.type, eventId: close.id, payload: close.data });

    await writer.send([
      open,
      other,
      { hook: hookExecution(open) },
      { publication: publication(open, app.id, openMessage.id, new Date(start + 2_000)) },
      close,
      { hook: hookExecution(close, { outcome: 'failure', exit_code: 1 }) },
      { publication: publication(close, app.id, closeMessage.id, new Date(start + 32_000)) },
    ]);

    const timeline = await pollUntil(
      async () => {
        const answer = await getJson(`${audit.url}/v1/sessions/${sid}/timeline`);
        const entries = answer.body.entries as TimelineEntry[] | undefined;
        return entries !== undefined && entries.length === 8 ? entries : undefined;
      },
      { timeoutMs: 30_000, what: 'the 8 entries of the session (2 events, 2 hook runs, 2 publications, 2 attempts)' },
    );
    assert.deepEqual(
      timeline.map((entry) => `${entry.kind}:${entry.event_type}`),
      [
        'event:session.open',
        'hook_execution:session.open',
        'publication:session.open',
        'event:session.close',
        'hook_execution:session.close',
        'publication:session.close',
        // Delivered just now, after everything above.
        ...timeline.slice(6).map((entry) => `attempt:${entry.event_type}`),
      ],
    );
    assert.deepEqual(new Set(timeline.slice(6).map((entry) => entry.detail.message_id)), new Set([openMessage.id, closeMessage.id]));
    assert.ok(
      timeline
        .slice(6)
        .every((entry) => entry.detail.status === 'success' && entry.detail.endpoint_id === endpoint.id && entry.detail.response_status_code === 200),
    );
    const times = timeline.map((entry) => Date.parse(entry.time));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'entries are in time order',
    );
    assert.ok(!timeline.some((entry) => entry.event_id === other.id), "another session's event is not in the timeline");
    assert.equal(timeline[4]?.detail.outcome, 'failure');

    // Delivery latency: event time -> successful attempt, observed once per attempt. The
    // attempts are visible a moment before their latency is settled (a statement after
    // their insert), so wait for it; the count is checked again below, after the lag is 0.
    const latencyCount = () => metricValue(audit.url, 'hookline_delivery_latency_seconds_count');
    await pollUntil(async () => ((await latencyCount()) ?? 0) >= 2, { timeoutMs: 10_000, what: 'hookline_delivery_latency_seconds_count to reach 2' });
    assert.equal(await latencyCount(), 2);
    assert.equal(await metricValue(audit.url, 'hookline_delivery_attempts_total', { event_type: 'session.open', status: 'success', status_class: '2xx' }), 1);

    // Bounded labels only: no session id or email on /metrics.
    const scrape = await (await fetch(`${audit.url}/metrics`)).text();
    assert.ok(!scrape.includes(sid), 'no sid in metric labels');
    assert.ok(!scrape.includes('@'), 'no email in metric labels');
    // The audit group's lag on the results topics is read and drops to 0 once all is stored.
    await pollUntil(
      async () => {
        const lag = await metricValue(audit.url, 'hookline_kafka_consumer_lag', { group: audit.config.KAFKA_GROUP_ID, topic: 'hookline.svix-publications.v1' });
        return lag === 0;
      },
      { what: 'consumer lag 0 for the audit group on hookline.svix-publications.v1' },
    );
    assert.equal(await latencyCount(), 2, 'each attempt observed once, not again when its publication was stored');

    // An auditor may read too; no token or a wrong one may not.
    assert.equal((await getJson(`${audit.url}/v1/sessions/${sid}/timeline`, AUDITOR_TOKEN)).status, 200);
    assert.equal((await getJson(`${audit.url}/v1/sessions/${sid}/timeline`, null)).status, 401);
    assert.equal((await getJson(`${audit.url}/v1/sessions/${sid}/timeline`, 'not-a-known-token-000000')).status, 401);
  });

  void it('lists hook executions and attempts with filters and cursor pagination', async () => {
    const sid = uniqueId('sid');
    const events = Array.from({ length: 5 }, (_, index) => gatewayEvent('session.open', sid, new Date(Date.now() - 60_000 + index * 1_000)));
    await writer.send(
      events.map((event, index) => ({
        hook: hookExecution(event, index === 2 ? { outcome: 'timeout', timed_out: true, exit_code: null, signal: 'SIGKILL' } : {}),
      })),
    );
    await pollUntil(async () => ((await getJson(`${audit.url}/v1/hook-executions?sid=${sid}`)).body.data as unknown[]).length === 5, {
      what: '5 hook runs stored',
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `${audit.url}/v1/hook-executions?sid=${sid}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await getJson(query);
      assert.equal(page.status, 200);
      seen.push(...(page.body.data as { event_id: string }[]).map((row) => row.event_id));
      cursor = page.body.next_cursor as string | null;
    } while (cursor !== null);
    assert.deepEqual(seen, events.map((event) => event.id).reverse(), 'every run once, newest first, across pages');

    const timeouts = await getJson(`${audit.url}/v1/hook-executions?sid=${sid}&outcome=timeout`);
    assert.deepEqual(
      (timeouts.body.data as { event_id: string }[]).map((row) => row.event_id),
      [events[2]!.id],
    );

    const attempts = await getJson(`${audit.url}/v1/attempts?status=success&event_type=session.open&limit=1`);
    assert.equal(attempts.status, 200);
    assert.equal((attempts.body.data as unknown[]).length, 1);
    const summary = await getJson(`${audit.url}/v1/endpoints/summary`);
    const endpoints = summary.body.endpoints as { attempts: { success: number }; last_success_at: string | null }[];
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0]!.attempts.success, 2);
    assert.ok(endpoints[0]!.last_success_at !== null);
  });

  void it('names every bad query parameter with a 400', async () => {
    const cases: [string, string][] = [
      ['/v1/attempts?status=exploded', 'status'],
      ['/v1/attempts?limit=0', 'limit'],
      ['/v1/attempts?limit=100000', 'limit'],
      ['/v1/attempts?since=yesterday', 'since'],
      ['/v1/attempts?cursor=%27%3B%20DROP%20TABLE%20delivery_attempts%3B--', 'cursor'],
      ['/v1/attempts?event_type=no.such.type', 'event_type'],
      ['/v1/attempts?endpoint=a&endpoint=b', 'endpoint'],
      ['/v1/attempts?colour=blue', 'colour'],
      ['/v1/hook-executions?outcome=maybe', 'outcome'],
      ['/v1/endpoints/summary?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'since'],
    ];
    for (const [path, field] of cases) {
      const answer = await getJson(`${audit.url}${path}`, ADMIN_TOKEN);
      assert.equal(answer.status, 400, path);
      assert.ok(JSON.stringify(answer.body.details).includes(field), `${path}: names ${field}: ${JSON.stringify(answer.body)}`);
    }
    // The injection attempt changed nothing.
    assert.ok((await db.count('SELECT count(*) AS n FROM delivery_attempts')) >= 2);
  });

  void it('describes the API at /docs', async () => {
    const response = await fetch(`${audit.url}/docs/openapi.json`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    for (const path of ['/v1/attempts', '/v1/hook-executions', '/v1/sessions/{sid}/timeline', '/v1/endpoints/summary', '/v1/svix/operational']) {
      assert.ok(path in document.paths, `${path} is documented`);
    }
    assert.equal((await fetch(`${audit.url}/docs`)).status, 200);
  });
});
