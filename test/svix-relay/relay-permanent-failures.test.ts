// Records the relay can never publish correctly are dead-lettered with the reason, at once, and
// the records behind them go on: an empty Kafka key, a key that cannot be put in the publication
// record, and a session.close claiming another org than its session.open was seen under (published
// under the close's org, it would reach that org's endpoints).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dlqTopic, encodeEvent, TOPICS } from '@hookline/contracts';
import { DLQ_HEADERS } from '@hookline/kafka';
import type { Producer } from 'kafkajs';
import { pollUntil } from '@hookline/kafka/testing';
import {
  api,
  brokersFromEnv,
  makeEvent,
  NO_BROKER_SKIP,
  produceEvents,
  readDeadLetter,
  uniqueId,
  startRelayOnStage,
  type RelayStageWithRelay,
} from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

describe('svix-relay: permanent failures are dead-lettered, not retried', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStageWithRelay;
  let raw: Producer;
  const orgId = uniqueId('org');
  const otherOrg = uniqueId('org-other');
  const connection = uniqueId('conn');

  before(async () => {
    stage = await startRelayOnStage('relay_permanent', { deliver: false });
    raw = stage.kafka.producer();
    await raw.connect();
    for (const org of [orgId, otherOrg]) assert.equal((await api(stage.relay.url, 'PUT', `/v1/plugins/webhooks/connections/${org}/${connection}`)).status, 200);
  });

  after(() => closeAll(raw, stage));

  async function dlqOffsets(): Promise<Map<number, string>> {
    const offsets = await stage.admin.fetchTopicOffsets(dlqTopic(TOPICS.gatewaySessions)).catch(() => []);
    return new Map(offsets.map((offset) => [offset.partition, offset.offset]));
  }

  /** The event as the gateway topic carries it, under a key of our choosing (a forged or broken producer). */
  async function produceWithKey(event: ReturnType<typeof makeEvent>, key: string): Promise<void> {
    const encoded = encodeEvent(event);
    await raw.send({ topic: encoded.topic, messages: [{ key, value: encoded.value, headers: encoded.headers }] });
  }

  it('dead-letters a record with an empty key at once, with the reason; nothing reaches Svix and the next record goes on', async () => {
    const broken = makeEvent('session.open', { orgId, subject: uniqueId('sid'), connection });
    const next = makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') });
    const from = await dlqOffsets();
    await produceWithKey(broken, '');
    const dead = await readDeadLetter(stage.kafka, broken.id, from);
    assert.match(dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '', /came with an empty Kafka key; not published/);
    await produceEvents(stage.producer, [next]);
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === next.id), {
      timeoutMs: 15_000,
      what: 'the next record published',
    });
    assert.ok(!stage.standIn.messages(orgId).some((message) => message.eventId === broken.id), 'checked before Svix was asked: no message for it');
  });

  it('dead-letters a publication whose record cannot be encoded (Svix answered an id longer than the record holds), not retried', async () => {
    const event = makeEvent('session.open', { orgId, subject: uniqueId('sid'), connection });
    const next = makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') });
    const longId = `msg_${'x'.repeat(300)}`;
    stage.standIn.injectFault({
      status: 200,
      method: 'POST',
      path: /\/api\/v1\/app\/[^/]+\/msg$/,
      body: { id: longId, eventType: event.type, eventId: event.id, payload: {}, timestamp: new Date().toISOString(), channels: null },
    });
    const from = await dlqOffsets();
    await produceEvents(stage.producer, [event]);
    const dead = await readDeadLetter(stage.kafka, event.id, from);
    assert.match(
      dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '',
      /publication record of event .* cannot be encoded \(.*svix_message_id.*\); published to Svix as msg_x+, not recorded/,
    );
    await produceEvents(stage.producer, [next]);
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === next.id), {
      timeoutMs: 15_000,
      what: 'the next record published',
    });
    // A retry would have published it for real (the fault answered once).
    assert.ok(!stage.standIn.messages(orgId).some((message) => message.eventId === event.id), 'not retried');
  });

  it("dead-letters a session.close whose org differs from its session.open's, and publishes it under neither", async () => {
    const sid = uniqueId('sid');
    const open = makeEvent('session.open', { orgId, subject: sid, connection });
    await produceEvents(stage.producer, [open]);
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === open.id), { timeoutMs: 15_000, what: 'the open published' });
    const from = await dlqOffsets();
    const forged = makeEvent('session.close', { orgId: otherOrg, subject: sid });
    const genuine = makeEvent('session.close', { orgId, subject: sid });
    await produceEvents(stage.producer, [forged, genuine]);
    const dead = await readDeadLetter(stage.kafka, forged.id, from);
    assert.match(
      dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '',
      new RegExp(`session.close .* names org ${otherOrg}, but its session.open was seen under another org; not published`),
    );
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === genuine.id), {
      timeoutMs: 15_000,
      what: 'the genuine close published',
    });
    assert.ok(!stage.standIn.messages(otherOrg).some((message) => message.eventId === forged.id), "not published under the close's org");
    assert.ok(!stage.standIn.messages(orgId).some((message) => message.eventId === forged.id), "nor under the open's");
  });
});
