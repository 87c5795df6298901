// producer → Kafka → svix-relay → Svix stand-in → a receiver that verifies every signature
// with the svix SDK; plus the publication records the relay writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { svixPublicationRecordCodec, TOPICS, type IngestEventInput } from '@hookline/contracts';
import type { Kafka } from 'kafkajs';
import { Svix } from 'svix';
import { postEvents, startProducer, type RunningProducer } from '../producer/producer-harness.js';
import { pollUntil } from '@hookline/kafka/testing';
import { api, brokersFromEnv, makeEvent, metricValue, NO_BROKER_SKIP, uniqueId, startRelayOnStage, type RelayStageWithRelay } from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

describe('svix-relay end to end', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStageWithRelay;
  let producer: RunningProducer;
  const orgId = uniqueId('org');

  before(async () => {
    stage = await startRelayOnStage('relay_e2e');
    producer = await startProducer();
  });

  after(() => closeAll(producer, stage));

  it('creates the Svix event types from the contracts at start', async () => {
    await pollUntil(() => stage.standIn.eventTypeNames().length === 4, { what: 'event types in Svix' });
    assert.deepEqual(stage.standIn.eventTypeNames().sort(), ['dbroles.job.finished', 'microsoftteams.review.create', 'session.close', 'session.open']);
    const schema = (stage.standIn.eventType('session.open')?.schemas as Record<string, { properties?: Record<string, unknown> }>)['1'];
    assert.ok(schema?.properties?.sid !== undefined, 'the JSON Schema from libs/contracts is attached');
  });

  it('delivers every event, signed, once; reviews as a Teams Adaptive Card; records each publication', async () => {
    const connection = uniqueId('pg-prod');
    assert.equal((await api(stage.relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);
    const endpoint = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: stage.receiver.url('/siem'), description: 'SIEM' });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const svix = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url });
    stage.receiver.setSecret('/siem', (await svix.endpoint.getSecret(orgId, endpoint.body.id as string)).key);

    const sid = uniqueId('sid');
    const events: IngestEventInput[] = [
      { type: 'session.open', data: makeEvent('session.open', { orgId, subject: sid, connection }).data },
      { type: 'microsoftteams.review.create', data: makeEvent('microsoftteams.review.create', { orgId, subject: sid, connection }).data },
      { type: 'session.close', data: makeEvent('session.close', { orgId, subject: sid }).data },
      { type: 'dbroles.job.finished', data: makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }).data },
    ];
    // Where this test's publication records will start: earlier runs' records on a shared broker are not read.
    const publicationsEnd = await stage.admin.fetchTopicOffsets(TOPICS.svixPublications);
    const accepted = await postEvents(producer.url, events);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const ids = accepted.body.ids as string[];

    await pollUntil(() => stage.receiver.on('/siem').length >= 4, { timeoutMs: 30_000, what: '4 deliveries' });
    const delivered = stage.receiver.on('/siem');
    assert.equal(delivered.length, 4);
    assert.ok(
      delivered.every((webhook) => webhook.verified),
      `every signature verifies: ${delivered.map((w) => w.verifyError).join(',')}`,
    );
    const messages = stage.standIn.messages(orgId);
    assert.deepEqual(messages.map((message) => message.eventId).sort(), [...ids].sort(), 'eventId = the event id');
    const sessionTypes = messages.map((message) => message.eventType).filter((type) => type !== 'dbroles.job.finished');
    assert.deepEqual(sessionTypes, ['session.open', 'microsoftteams.review.create', 'session.close'], 'in order per session');
    assert.equal(messages.filter((message) => message.eventType === 'dbroles.job.finished').length, 1, 'dbroles jobs are always published');
    const keys = stage.standIn
      .requests()
      .filter((request) => request.method === 'POST' && request.path.endsWith('/msg'))
      .map((request) => request.idempotencyKey);
    for (const id of ids) assert.ok(keys.includes(`hookline-evt-${id}`), 'idempotency-key derived from the event id');

    const card = messages.find((message) => message.eventType === 'microsoftteams.review.create')!.payload as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; body: { type: string; facts?: { title: string; value: string }[]; codeSnippet?: string }[]; actions?: { url: string }[] };
      }[];
    };
    assert.equal(card.type, 'message');
    assert.equal(card.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    const content = card.attachments[0].content;
    assert.equal(content.type, 'AdaptiveCard');
    const facts = content.body.find((element) => element.type === 'FactSet')!.facts!.map((fact) => fact.title);
    assert.deepEqual(facts, ['Created by', 'Approval groups', 'Session time', 'Connection', 'Session']);
    assert.ok(
      content.body.some((element) => element.type === 'CodeBlock' && element.codeSnippet?.includes('UPDATE invoices')),
      'the input as a code block',
    );
    assert.match(content.actions?.[0]?.url ?? '', /^https:\/\/gateway\.example\.com\/reviews\//, 'link to the session');

    const records = await readPublications(stage.kafka, ids, publicationsEnd);
    assert.equal(records.size, 4);
    const close = [...records.values()].find((record) => record.event_type === 'session.close')!;
    assert.equal(close.sid, sid);
    assert.equal(close.connection_name, connection, 'session.close is attributed to the connection its session.open named');
    assert.equal(close.org_id, orgId);
    assert.ok(messages.some((message) => message.id === close.svix_message_id));
    // Counted once the publication record is acknowledged, which its readers may see a moment earlier.
    await pollUntil(async () => (await metricValue(stage.relay.url, 'hookline_relay_published_total', { event_type: 'session.close' })) >= 1, {
      what: 'hookline_relay_published_total{event_type="session.close"}',
    });
    assert.equal(await metricValue(stage.relay.url, 'hookline_relay_published_total', { event_type: 'session.close' }), 1);
    assert.ok((await metricValue(stage.relay.url, 'hookline_relay_publish_seconds_count')) >= 4);
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
