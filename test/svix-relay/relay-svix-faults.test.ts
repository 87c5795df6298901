// Svix failing: an outage of 503s (everything published once, in order per session),
// a 429 with Retry-After (honoured), a permanent 422 (dead-lettered with Svix's reason,
// the next record goes on), and consuming the same events twice (no second message).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dlqTopic, TOPICS } from '@hookline/contracts';
import { DLQ_HEADERS } from '@hookline/kafka';
import { Svix } from 'svix';
import { pollUntil } from '@hookline/kafka/testing';
import {
  api,
  brokersFromEnv,
  makeEvent,
  metricValue,
  NO_BROKER_SKIP,
  produceEvents,
  readDeadLetter,
  relayEnv,
  startRelay,
  uniqueId,
  type RunningRelay,
  startRelayStage,
  type RelayStage,
} from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

const MSG_PATH = /\/api\/v1\/app\/[^/]+\/msg$/;

describe('svix-relay when Svix fails', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStage;
  let relay: RunningRelay;
  const orgId = uniqueId('org');
  const connection = uniqueId('conn');

  before(async () => {
    stage = await startRelayStage('relay_faults', { deliver: false });
    relay = await startRelay(relayEnv(stage.standIn, stage.database.url, stage.groupId));
    assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);
  });

  after(() => closeAll(relay, stage));

  function sessionEvents(sessions: number): ReturnType<typeof makeEvent>[] {
    const events: ReturnType<typeof makeEvent>[] = [];
    const sids = Array.from({ length: sessions }, () => uniqueId('sid'));
    for (const sid of sids) events.push(makeEvent('session.open', { orgId, subject: sid, connection }));
    for (const sid of sids) events.push(makeEvent('microsoftteams.review.create', { orgId, subject: sid, connection }));
    for (const sid of sids) events.push(makeEvent('session.close', { orgId, subject: sid }));
    return events;
  }

  it('rides out a 503 outage: every event published once, in order per session', async () => {
    stage.standIn.injectFault({ status: 503, times: Number.POSITIVE_INFINITY, path: MSG_PATH });
    const events = sessionEvents(8);
    await produceEvents(stage.producer, events);
    // The outage lasts until the relay has been refused a good number of times.
    await pollUntil(() => stage.standIn.requests().filter((request) => request.status === 503).length >= 30, {
      timeoutMs: 20_000,
      what: '30 refused publications',
    });
    assert.equal(stage.standIn.messages(orgId).length, 0, 'nothing got through during the outage');
    stage.standIn.clearFaults();

    const ids = new Set(events.map((event) => event.id));
    await pollUntil(() => stage.standIn.messages(orgId).filter((message) => ids.has(message.eventId ?? '')).length === events.length, {
      timeoutMs: 20_000,
      what: 'every event published',
    });
    const messages = stage.standIn.messages(orgId).filter((message) => ids.has(message.eventId ?? ''));
    assert.equal(new Set(messages.map((message) => message.eventId)).size, events.length, 'each event once');
    const subjectOf = new Map(events.map((event) => [event.id, event.subject]));
    for (const sid of new Set(events.map((event) => event.subject))) {
      // The stand-in keeps messages in the order Svix accepted them.
      const order = messages.filter((message) => subjectOf.get(message.eventId ?? '') === sid).map((message) => message.eventType);
      assert.deepEqual(order, ['session.open', 'microsoftteams.review.create', 'session.close'], `order of session ${sid}`);
    }
    assert.ok((await metricValue(relay.url, 'hookline_relay_svix_errors_total', { status_class: '5xx' })) >= 30);
  });

  it('honours Retry-After on 429', async () => {
    stage.standIn.injectFault({ status: 429, retryAfterSeconds: 2, times: 1, path: MSG_PATH });
    const event = makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') });
    const from = stage.standIn.requests().length;
    await produceEvents(stage.producer, [event]);
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === event.id), {
      timeoutMs: 15_000,
      what: 'the throttled event published',
    });
    const posts = stage.standIn
      .requests()
      .slice(from)
      .filter((request) => request.method === 'POST' && MSG_PATH.test(request.path));
    const throttled = posts.findIndex((request) => request.status === 429);
    assert.ok(throttled >= 0, 'the relay was throttled');
    const next = posts[throttled + 1];
    assert.ok(next !== undefined, 'and tried again');
    assert.ok(next.at - posts[throttled]!.at >= 2_000, `waited ${next.at - posts[throttled]!.at} ms; Retry-After said 2 s`);
    assert.ok((await metricValue(relay.url, 'hookline_relay_svix_errors_total', { status_class: '429' })) >= 1);
  });

  it("dead-letters a record Svix rejects for good (422) with Svix's status and message; the next one goes on", async () => {
    const detail = [{ loc: ['body', 'payload'], msg: 'payload is not acceptable', type: 'value_error' }];
    stage.standIn.injectFault({ status: 422, times: 1, path: MSG_PATH, body: { detail } });
    const sid = uniqueId('sid');
    const rejected = makeEvent('session.open', { orgId, subject: sid, connection });
    const next = makeEvent('session.close', { orgId, subject: sid });
    const dlqFrom = await stage.admin.fetchTopicOffsets(dlqTopic(TOPICS.gatewaySessions)).catch(() => []);
    await produceEvents(stage.producer, [rejected, next]);
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === next.id), {
      timeoutMs: 15_000,
      what: 'the next record published',
    });
    assert.ok(!stage.standIn.messages(orgId).some((message) => message.eventId === rejected.id), 'the rejected one is not in Svix');
    const dead = await readDeadLetter(stage.kafka, rejected.id, new Map(dlqFrom.map((offset) => [offset.partition, offset.offset])));
    const reason = dead.headers?.[DLQ_HEADERS.reason]?.toString() ?? '';
    assert.match(reason, /Svix answered 422/);
    assert.match(reason, /body\.payload: payload is not acceptable/);
    assert.ok((await metricValue(relay.url, 'hookline_relay_svix_errors_total', { status_class: '4xx' })) >= 1);
  });

  it("recreates an organisation's application deleted in Svix, and publishes on", async () => {
    const svix = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url });
    const before = stage.standIn.appByUid(orgId)?.id;
    assert.ok(before !== undefined);
    await svix.application.delete(orgId);
    const event = makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') });
    await produceEvents(stage.producer, [event]);
    await pollUntil(() => stage.standIn.messages(orgId).some((message) => message.eventId === event.id), {
      timeoutMs: 15_000,
      what: 'the event published to the new app',
    });
    assert.notEqual(stage.standIn.appByUid(orgId)?.id, before, 'a new application with the same uid');
  });

  it('consumes the same events twice (offsets reset) without a second message', async () => {
    const events = sessionEvents(5);
    const offsetsBefore = new Map<string, { partition: number; offset: string }[]>();
    for (const topic of [TOPICS.gatewaySessions])
      offsetsBefore.set(
        topic,
        (await stage.admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, offset: o.high })),
      );
    await produceEvents(stage.producer, events);
    const ids = new Set(events.map((event) => event.id));
    const published = (): number => stage.standIn.messages(orgId).filter((message) => ids.has(message.eventId ?? '')).length;
    await pollUntil(() => published() === events.length, { timeoutMs: 15_000, what: 'first publication' });
    await relay.close();

    // Rewind the group to before these events, and consume them all again.
    for (const [topic, partitions] of offsetsBefore) await stage.admin.setOffsets({ groupId: stage.groupId, topic, partitions });
    const postsBefore = stage.standIn.requests().filter((request) => request.method === 'POST' && MSG_PATH.test(request.path)).length;
    relay = await startRelay(relayEnv(stage.standIn, stage.database.url, stage.groupId));
    await pollUntil(async () => (await metricValue(relay.url, 'hookline_relay_published_total')) >= events.length, {
      timeoutMs: 20_000,
      what: 'the events consumed again',
    });
    const postsAfter = stage.standIn.requests().filter((request) => request.method === 'POST' && MSG_PATH.test(request.path)).length;
    assert.ok(postsAfter - postsBefore >= events.length, 'the relay did send them to Svix again');
    assert.equal(published(), events.length, 'still one message per event');
  });
});
