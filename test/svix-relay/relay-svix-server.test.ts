// producer → Kafka → svix-relay → the real svix/svix-server (Testcontainers, where a Docker
// engine is reachable; the Svix stand-in elsewhere) → a receiver that verifies every
// signature with the svix SDK.
// Svix is looked at only through its own API (the SDK), never through stand-in controls, so
// HOOKLINE_SVIX=stand-in runs this very file against the Svix stand-in, and what passes
// against one passes against the other.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVENT_CONTRACTS, type EventType, type IngestEventInput } from '@hookline/contracts';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import type { Admin, Kafka } from 'kafkajs';
import { Svix, type MessageOut } from 'svix';
import { chooseSvixTarget, portOf, provideSvixTarget, type ProvidedSvixTarget } from '../fixtures/svix-server/index.js';
import { WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { postEvents, startProducer, type RunningProducer } from '../producer/producer-harness.js';
import { pollUntil } from '@hookline/kafka/testing';
import {
  api,
  AUDITOR_TOKEN,
  brokersFromEnv,
  connectGatewayKafka,
  makeEvent,
  metricValue,
  NO_BROKER_SKIP,
  relayEnv,
  startGroupAtEnd,
  startRelay,
  uniqueId,
  type RunningRelay,
} from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

const choice = await chooseSvixTarget();
const skip = brokersFromEnv === undefined ? NO_BROKER_SKIP : false;
const kind = choice.kind;
const title = `${kind === 'server' ? 'the real svix/svix-server' : 'the Svix stand-in'} (${choice.why})`;

/** svix-server delivers from its own worker: waits are deadlines, never sleeps. */
const DELIVERY_TIMEOUT_MS = 60_000;
/** Pulling two images on a fresh machine and starting them. */
const START_TIMEOUT_MS = 600_000;
const CONTRACT_TYPES = EVENT_CONTRACTS.map((contract) => contract.type).sort();

interface EndpointRow {
  readonly id: string;
  readonly url: string;
  readonly event_types: string[] | null;
  readonly stats: Record<string, number>;
}

describe(`svix-relay against ${title}`, { skip }, () => {
  let svixTarget: ProvidedSvixTarget;
  let svix: Svix;
  let receiver: WebhookReceiver;
  let database: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let relay: RunningRelay;
  let producer: RunningProducer;
  /** A second relay, in a group of its own, started later on the same events (the re-consumption test). */
  let replay: RunningRelay | undefined;
  const orgId = uniqueId('org');
  const enabled = uniqueId('pg-on');
  const disabled = uniqueId('pg-off');
  const groupId = uniqueId('relay-svix');
  const replayGroupId = uniqueId('relay-svix-replay');
  /** Svix message id → event id of every message this file expects, in publication order. */
  const published = new Map<string, string>();
  let siem: EndpointRow;
  let closes: EndpointRow;
  let closeMessageId: string;

  before(
    async () => {
      receiver = await WebhookReceiver.start();
      svixTarget = await provideSvixTarget(kind, { hostPorts: [portOf(receiver.url())] });
      svix = new Svix(svixTarget.token, { serverUrl: svixTarget.url });
      database = await createTestDatabase('relay_svix_server');
      ({ kafka, admin } = await connectGatewayKafka());
      // Both groups start at the same offsets: the second relay later consumes exactly what the first did.
      await startGroupAtEnd(kafka, admin, groupId);
      await startGroupAtEnd(kafka, admin, replayGroupId);
      relay = await startRelay(relayEnv(svixTarget, database.url, groupId, { SVIX_REQUEST_TIMEOUT_MS: '10000' }));
      producer = await startProducer();
      assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${enabled}`)).status, 200);
    },
    { timeout: START_TIMEOUT_MS },
  );

  after(() => closeAll(replay, producer, relay, admin, database, receiver, svixTarget));

  /** Creates an endpoint through the relay's API, pointed at a receiver path Svix can reach; the receiver learns its secret. */
  async function createEndpoint(path: string, eventTypes?: EventType[]): Promise<EndpointRow> {
    const url = await svixTarget.webhookUrl(receiver.url(path));
    const created = await api(relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, {
      url,
      description: path,
      ...(eventTypes === undefined ? {} : { event_types: eventTypes }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const endpoint = created.body as unknown as EndpointRow;
    receiver.setSecret(path, (await svix.endpoint.getSecret(orgId, endpoint.id)).key);
    return endpoint;
  }

  /** Posts events to the producer; their ids in order. */
  async function ingest(events: readonly IngestEventInput[]): Promise<string[]> {
    const accepted = await postEvents(producer.url, events);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    return accepted.body.ids as string[];
  }

  it('creates the Svix event types from the contracts at start, with their JSON Schemas', async () => {
    const listed = await pollUntil(
      async () => {
        const page = await svix.eventType.list({ limit: 250, withContent: true });
        const names = page.data.map((type) => type.name);
        return CONTRACT_TYPES.every((name) => names.includes(name)) ? page : undefined;
      },
      { timeoutMs: 30_000, what: 'the four contract event types in Svix' },
    );
    for (const name of CONTRACT_TYPES) assert.notEqual(listed.data.find((type) => type.name === name)?.archived, true, `${name} is not archived`);
    for (const contract of EVENT_CONTRACTS) {
      const type = await svix.eventType.get(contract.type);
      assert.equal(type.description, contract.description);
      const schema = (type.schemas as Record<string, { properties?: Record<string, unknown> }> | null)?.['1'];
      assert.ok(schema?.properties?.org_id !== undefined, `${contract.type}: the JSON Schema from libs/contracts is attached`);
    }
  });

  it('delivers each event of an enabled connection once, signed, dbroles jobs always; a connection without the webhooks plugin is not published', async () => {
    siem = await createEndpoint('/siem');
    const on = uniqueId('sid');
    const off = uniqueId('sid');
    const filteredBefore = await metricValue(relay.url, 'hookline_relay_filtered_total', { reason: 'plugin_disabled' });
    const ids = await ingest([
      { type: 'session.open', data: makeEvent('session.open', { orgId, subject: on, connection: enabled }).data },
      { type: 'session.open', data: makeEvent('session.open', { orgId, subject: off, connection: disabled }).data },
      { type: 'microsoftteams.review.create', data: makeEvent('microsoftteams.review.create', { orgId, subject: on, connection: enabled }).data },
      { type: 'session.close', data: makeEvent('session.close', { orgId, subject: off }).data },
      { type: 'session.close', data: makeEvent('session.close', { orgId, subject: on }).data },
      { type: 'dbroles.job.finished', data: makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }).data },
    ]);
    const publishedIds = [ids[0]!, ids[2]!, ids[4]!, ids[5]!];
    const filteredIds = [ids[1]!, ids[3]!];

    await pollUntil(() => receiver.on('/siem').length >= 4, { timeoutMs: DELIVERY_TIMEOUT_MS, what: '4 deliveries to /siem' });
    await pollUntil(async () => (await metricValue(relay.url, 'hookline_relay_filtered_total', { reason: 'plugin_disabled' })) - filteredBefore === 2, {
      what: "the disabled connection's 2 events filtered",
    });
    const messages = await messagesOf(svix, orgId);
    assert.deepEqual(
      messages.map((message) => message.eventId).sort(),
      [...publishedIds].sort(),
      'one Svix message per published event, eventId = the event id',
    );
    for (const id of filteredIds) assert.ok(!messages.some((message) => message.eventId === id), `event ${id} of the disabled connection is not in Svix`);
    const sessionTypes = [...messages]
      .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : 1))
      .map((message) => message.eventType)
      .filter((type) => type !== 'dbroles.job.finished');
    assert.deepEqual(sessionTypes, ['session.open', 'microsoftteams.review.create', 'session.close'], 'published in order per session');
    for (const message of messages) published.set(message.id, message.eventId!);

    const delivered = receiver.on('/siem');
    assert.equal(delivered.length, 4, 'each message delivered once');
    assert.ok(
      delivered.every((webhook) => webhook.verified),
      `every signature verifies: ${delivered.map((webhook) => webhook.verifyError).join(', ')}`,
    );
    assert.deepEqual(delivered.map((webhook) => webhook.svixId).sort(), messages.map((message) => message.id).sort(), 'svix-id is the message id');
    const sids = delivered.map((webhook) => (webhook.payload as { sid?: string }).sid).filter((sid) => sid !== undefined);
    assert.deepEqual(sids, [on, on], 'session.open and session.close of the enabled connection');
    const card = delivered.find((webhook) => (webhook.payload as { type?: string }).type === 'message')?.payload as
      { attachments?: { contentType: string }[] } | undefined;
    assert.equal(card?.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive', 'the review as a Teams Adaptive Card');
  });

  it("honours an endpoint's event-type filter", async () => {
    closes = await createEndpoint('/closes', ['session.close']);
    assert.deepEqual((await svix.endpoint.get(orgId, closes.id)).eventTypes, ['session.close'], 'Svix holds the filter');
    const sid = uniqueId('sid');
    const [, closeId] = await ingest([
      { type: 'session.open', data: makeEvent('session.open', { orgId, subject: sid, connection: enabled }).data },
      { type: 'session.close', data: makeEvent('session.close', { orgId, subject: sid }).data },
    ]);
    await pollUntil(() => receiver.on('/siem').length >= 6 && receiver.on('/closes').length >= 1, {
      timeoutMs: DELIVERY_TIMEOUT_MS,
      what: 'the deliveries of a session to both endpoints',
    });
    const close = (await messagesOf(svix, orgId)).find((message) => message.eventId === closeId) ?? assert.fail('no message for the session.close');
    closeMessageId = close.id;
    const got = receiver.on('/closes');
    assert.equal(got.length, 1);
    assert.equal(got[0]!.svixId, close.id, 'only the session.close');
    assert.equal((got[0]!.payload as { sid?: string }).sid, sid);
    assert.ok(got[0]!.verified, got[0]!.verifyError);
    for (const message of await messagesOf(svix, orgId)) if (!published.has(message.id)) published.set(message.id, message.eventId!);
    assert.equal(published.size, 6);
  });

  it('the management API answers from the real Svix: endpoints with stats, attempts by endpoint', async () => {
    const rows = await pollUntil(
      async () => {
        const answer = await api(relay.url, 'GET', `/v1/orgs/${orgId}/endpoints`, undefined, AUDITOR_TOKEN);
        const data = answer.body.data as EndpointRow[];
        const bySiem = data.find((row) => row.id === siem.id);
        const byCloses = data.find((row) => row.id === closes.id);
        return bySiem?.stats.success === 6 && byCloses?.stats.success === 1 ? { siem: bySiem, closes: byCloses, all: data } : undefined;
      },
      { timeoutMs: DELIVERY_TIMEOUT_MS, what: 'endpoint stats of 6 and 1 successes' },
    );
    assert.equal(rows.all.length, 2);
    assert.deepEqual(rows.siem.stats, { fail: 0, pending: 0, sending: 0, success: 6 });
    assert.deepEqual(rows.closes.stats, { fail: 0, pending: 0, sending: 0, success: 1 }, 'the filtered-out session.open never became a delivery');
    assert.deepEqual(rows.closes.event_types, ['session.close']);
    assert.equal(rows.siem.event_types, null);

    const attempts = await api(relay.url, 'GET', `/v1/orgs/${orgId}/attempts?endpoint_id=${closes.id}`, undefined, AUDITOR_TOKEN);
    assert.equal(attempts.status, 200, JSON.stringify(attempts.body));
    const [attempt, ...others] = attempts.body.data as Record<string, unknown>[];
    assert.equal(others.length, 0, 'one attempt');
    assert.equal(attempt?.status, 'success');
    assert.equal(attempt.response_status_code, 200);
    assert.equal(attempt.msg_id, closeMessageId);
    assert.equal(attempt.endpoint_id, closes.id);

    const all = await api(relay.url, 'GET', `/v1/orgs/${orgId}/attempts?endpoint_id=${siem.id}&limit=50`, undefined, AUDITOR_TOKEN);
    const siemAttempts = all.body.data as Record<string, unknown>[];
    assert.equal(siemAttempts.length, 6, 'one attempt per message');
    assert.ok(siemAttempts.every((row) => row.status === 'success' && row.response_status_code === 200));
    assert.deepEqual(siemAttempts.map((row) => row.msg_id as string).sort(), [...published.keys()].sort());
    const failed = await api(relay.url, 'GET', `/v1/orgs/${orgId}/attempts?endpoint_id=${siem.id}&status=fail`, undefined, AUDITOR_TOKEN);
    assert.deepEqual(failed.body.data, []);
    const ambiguous = await api(relay.url, 'GET', `/v1/orgs/${orgId}/attempts`, undefined, AUDITOR_TOKEN);
    assert.equal(ambiguous.status, 422, 'two endpoints: one must be named');
  });

  it('the same events consumed again (a second relay group from the same offsets) make no second message and no second delivery', async () => {
    replay = await startRelay(relayEnv(svixTarget, database.url, replayGroupId, { SVIX_REQUEST_TIMEOUT_MS: '10000' }));
    // Everything this file produced: 6 published (new messages before, Svix's existing ones now) and 2 filtered.
    await pollUntil(
      async () =>
        (await metricValue(replay!.url, 'hookline_relay_published_total')) === published.size &&
        (await metricValue(replay!.url, 'hookline_relay_filtered_total')) === 2,
      {
        timeoutMs: DELIVERY_TIMEOUT_MS,
        what: 'the second relay to have relayed the 8 events again',
      },
    );
    const messages = await messagesOf(svix, orgId);
    assert.equal(messages.length, published.size, 'no second message');
    assert.deepEqual(messages.map((message) => message.id).sort(), [...published.keys()].sort());
    assert.equal(receiver.on('/siem').length, 6, 'no second delivery');
    assert.equal(receiver.on('/closes').length, 1);
    for (const path of ['/siem', '/closes']) {
      const svixIds = receiver.on(path).map((webhook) => webhook.svixId);
      assert.equal(new Set(svixIds).size, svixIds.length, `${path}: every delivery a different message`);
    }
    for (const id of published.keys()) {
      const attempts = await svix.messageAttempt.listByMsg(orgId, id, { endpointId: siem.id });
      assert.equal(attempts.data.length, 1, `message ${id}: one attempt to /siem`);
    }
  });
});

/** Every message of an organisation's application, through the Svix API (pages of 250). */
async function messagesOf(svix: Svix, orgId: string): Promise<MessageOut[]> {
  const out: MessageOut[] = [];
  let iterator: string | null | undefined;
  for (;;) {
    const page = await svix.message.list(orgId, { limit: 250, ...(iterator === undefined || iterator === null ? {} : { iterator }) });
    out.push(...page.data);
    if (page.done || page.iterator === null) return out;
    iterator = page.iterator;
  }
}
