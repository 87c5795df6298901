// producer → Kafka → svix-relay → Svix stand-in → a receiver that verifies every signature
// with the svix SDK; plus the publication records the relay writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { svixPublicationRecordCodec, TOPICS, type IngestEventInput } from '@hookline/contracts';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import type { Admin, Kafka } from 'kafkajs';
import { Svix } from 'svix';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { postEvents, startProducer, type RunningProducer } from '../producer/producer-harness.js';
import { pollUntil } from '../support/poll-until.js';
import { api, brokersFromEnv, connectGatewayKafka, makeEvent, metricValue, NO_BROKER_SKIP, relayEnv, startGroupAtEnd, startRelay, uniqueId, type RunningRelay } from './relay-harness.js';

describe('svix-relay end to end', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let standIn: SvixStandIn;
  let receiver: WebhookReceiver;
  let database: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let relay: RunningRelay;
  let producer: RunningProducer;
  const orgId = uniqueId('org');
  const groupId = uniqueId('relay-e2e');

  before(async () => {
    standIn = await SvixStandIn.start();
    receiver = await WebhookReceiver.start();
    database = await createTestDatabase('relay_e2e');
    ({ kafka, admin } = await connectGatewayKafka());
    await startGroupAtEnd(kafka, admin, groupId);
    relay = await startRelay(relayEnv(standIn, database.url, groupId));
    producer = await startProducer();
  });

  after(async () => {
    await producer?.close();
    await relay?.close();
    await admin?.disconnect();
    await database?.drop();
    await receiver?.close();
    await standIn?.close();
  });

  it('creates the Svix event types from the contracts at start', async () => {
    await pollUntil(() => standIn.eventTypeNames().length === 4, { what: 'event types in Svix' });
    assert.deepEqual(standIn.eventTypeNames().sort(), ['dbroles.job.finished', 'microsoftteams.review.create', 'session.close', 'session.open']);
    const schema = (standIn.eventType('session.open')?.schemas as Record<string, { properties?: Record<string, unknown> }>)['1'];
    assert.ok(schema?.properties?.sid !== undefined, 'the JSON Schema from libs/contracts is attached');
  });

  it('delivers every event, signed, once; reviews as a Teams Adaptive Card; records each publication', async () => {
    const connection = uniqueId('pg-prod');
    assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);
    const endpoint = await api(relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: receiver.url('/siem'), description: 'SIEM' });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const svix = new Svix(standIn.token, { serverUrl: standIn.url });
    receiver.setSecret('/siem', (await svix.endpoint.getSecret(orgId, endpoint.body.id as string)).key);

    const sid = uniqueId('sid');
    const events: IngestEventInput[] = [
      { type: 'session.open', data: makeEvent('session.open', { orgId, subject: sid, connection }).data },
      { type: 'microsoftteams.review.create', data: makeEvent('microsoftteams.review.create', { orgId, subject: sid, connection }).data },
      { type: 'session.close', data: makeEvent('session.close', { orgId, subject: sid }).data },
      { type: 'dbroles.job.finished', data: makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }).data },
    ];
    // Where this test's publication records will start: earlier runs' records on a shared broker are not read.
    const publicationsEnd = await admin.fetchTopicOffsets(TOPICS.svixPublications);
    const accepted = await postEvents(producer.url, events);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const ids = accepted.body.ids as string[];

    await pollUntil(() => receiver.on('/siem').length >= 4, { timeoutMs: 30_000, what: '4 deliveries' });
    const delivered = receiver.on('/siem');
    assert.equal(delivered.length, 4);
    assert.ok(delivered.every((webhook) => webhook.verified), `every signature verifies: ${delivered.map((w) => w.verifyError).join(',')}`);
    const messages = standIn.messages(orgId);
    assert.deepEqual(messages.map((message) => message.eventId).sort(), [...ids].sort(), 'eventId = the event id');
    const sessionTypes = messages.map((message) => message.eventType).filter((type) => type !== 'dbroles.job.finished');
    assert.deepEqual(sessionTypes, ['session.open', 'microsoftteams.review.create', 'session.close'], 'in order per session');
    assert.equal(messages.filter((message) => message.eventType === 'dbroles.job.finished').length, 1, 'dbroles jobs are always published');
    const keys = standIn.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/msg')).map((request) => request.idempotencyKey);
    for (const id of ids) assert.ok(keys.includes(`hookline-evt-${id}`), 'idempotency-key derived from the event id');

    const card = messages.find((message) => message.eventType === 'microsoftteams.review.create')!.payload as { type: string; attachments: { contentType: string; content: { type: string; body: { type: string; facts?: { title: string; value: string }[]; codeSnippet?: string }[]; actions?: { url: string }[] } }[] };
    assert.equal(card.type, 'message');
    assert.equal(card.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    const content = card.attachments[0]?.content ?? assert.fail("no attachment");
    assert.equal(content.type, 'AdaptiveCard');
    const facts = content.body.find((element) => element.type === 'FactSet')!.facts!.map((fact) => fact.title);
    assert.deepEqual(facts, ['Created by', 'Approval groups', 'Session time', 'Connection', 'Session']);
    assert.ok(content.body.some((element) => element.type === 'CodeBlock' && element.codeSnippet?.includes('UPDATE invoices')), 'the input as a code block');
    assert.match(content.actions?.[0]?.url ?? '', /^https:\/\/gateway\.example\.com\/reviews\//, 'link to the session');

    const records = await readPublications(kafka, ids, publicationsEnd);
    assert.equal(records.size, 4);
    const close = [...records.values()].find((record) => record.event_type === 'session.close')!;
    assert.equal(close.sid, sid);
    assert.equal(close.connection_name, connection, 'session.close is attributed to the connection its session.open named');
    assert.equal(close.org_id, orgId);
    assert.ok(messages.some((message) => message.id === close.svix_message_id));
    // Counted once the publication record is acknowledged, which its readers may see a moment earlier.
    await pollUntil(async () => (await metricValue(relay.url, 'hookline_relay_published_total', { event_type: 'session.close' })) >= 1, { what: 'hookline_relay_published_total{event_type="session.close"}' });
    assert.equal(await metricValue(relay.url, 'hookline_relay_published_total', { event_type: 'session.close' }), 1);
    assert.ok((await metricValue(relay.url, 'hookline_relay_publish_seconds_count')) >= 4);
  });
});

async function readPublications(
  kafka: Kafka,
  ids: readonly string[],
  from: readonly { partition: number; offset: string }[],
): Promise<Map<string, ReturnType<typeof svixPublicationRecordCodec.decode>>> {
  const found = new Map<string, ReturnType<typeof svixPublicationRecordCodec.decode>>();
  const consumer = kafka.consumer({ groupId: uniqueId('relay-test-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPICS.svixPublications, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const record = svixPublicationRecordCodec.decode(message.value);
        if (ids.includes(record.event_id)) found.set(record.event_id, record);
        return Promise.resolve();
      },
    });
    for (const { partition, offset } of from) consumer.seek({ topic: TOPICS.svixPublications, partition, offset });
    await pollUntil(() => found.size === ids.length, { timeoutMs: 30_000, what: `${ids.length} publication records` });
    return found;
  } finally {
    await consumer.disconnect();
  }
}
