// The relay, run as production runs it (its own process), killed with SIGKILL in the middle
// of 5,000 events and started again: every event is published exactly once.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import type { EventProducer } from '@hookline/kafka';
import type { GatewayEvent } from '@hookline/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { SvixStandIn } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '../support/poll-until.js';
import {
  api,
  connectGatewayKafka,
  brokersFromEnv,
  makeEvent,
  newProducer,
  NO_BROKER_SKIP,
  produceEvents,
  relayEnv,
  spawnRelay,
  startGroupAtEnd,
  uniqueId,
  type RelayProcess,
} from './relay-harness.js';

const EVENTS = 5_000;
const KILL_AFTER = 1_500;
const BATCH = 500;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('svix-relay killed with SIGKILL', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let standIn: SvixStandIn;
  let database: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  let relay: RelayProcess | undefined;
  const orgId = uniqueId('org');
  const connection = uniqueId('conn');

  before(async () => {
    standIn = await SvixStandIn.start({ deliver: false });
    database = await createTestDatabase('relay_sigkill');
    ({ kafka, admin } = await connectGatewayKafka());
    producer = newProducer(kafka);
  });

  after(async () => {
    if (relay !== undefined && relay.child.exitCode === null && relay.child.signalCode === null) {
      relay.child.kill('SIGKILL');
      await relay.exited;
    }
    await producer?.disconnect();
    await admin?.disconnect();
    await database?.drop();
    await standIn?.close();
  });

  it('publishes every one of 5,000 events exactly once across a SIGKILL and a restart', { timeout: 180_000 }, async () => {
    const groupId = uniqueId('relay-sigkill');
    await startGroupAtEnd(kafka, admin, groupId);
    const env = relayEnv(standIn, database.url, groupId);
    relay = await spawnRelay(env, await freePort());
    assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);

    const events: GatewayEvent[] = [];
    for (let index = 0; events.length < EVENTS; index += 1) {
      const sid = uniqueId(`sid${index}`);
      if (index % 5 === 4) events.push(makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }));
      else events.push(makeEvent('session.open', { orgId, subject: sid, connection }), makeEvent('session.close', { orgId, subject: sid }));
    }
    events.length = EVENTS;
    for (let start = 0; start < events.length; start += BATCH) await produceEvents(producer, events.slice(start, start + BATCH));

    await pollUntil(() => standIn.messageCount(orgId) >= KILL_AFTER, { timeoutMs: 60_000, what: `${KILL_AFTER} events published before the kill` });
    relay.child.kill('SIGKILL');
    assert.equal(await relay.exited, 'SIGKILL');
    const atKill = standIn.messages(orgId).length;
    assert.ok(atKill < EVENTS, `killed in the middle (${atKill} of ${EVENTS} published)`);
    const postsAtKill = standIn.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/msg')).length;

    relay = await spawnRelay(env, await freePort());
    await pollUntil(() => standIn.messageCount(orgId) >= EVENTS, { timeoutMs: 120_000, what: `all ${EVENTS} events published (now ${standIn.messageCount(orgId)})` });
    // Settle: whatever the restarted relay re-reads from the last commit must not add messages.
    await pollUntil(async () => {
      const offsets = await admin.fetchOffsets({ groupId, topics: ['gateway.sessions.v1', 'gateway.dbroles.v1'] });
      const ends = new Map<string, string>();
      for (const topic of ['gateway.sessions.v1', 'gateway.dbroles.v1']) for (const o of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${o.partition}`, o.high);
      return offsets.every((topic) => topic.partitions.every((p) => p.offset === ends.get(`${topic.topic}:${p.partition}`)));
    }, { timeoutMs: 30_000, what: 'the group to commit to the end' });

    const messages = standIn.messages(orgId);
    const ids = messages.map((message) => message.eventId);
    assert.equal(new Set(ids).size, EVENTS, 'every event published');
    assert.equal(messages.length, EVENTS, 'none twice');
    assert.deepEqual(new Set(ids), new Set(events.map((event) => event.id)));
    const resent = standIn.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/msg')).length - postsAtKill - (EVENTS - atKill);
    console.log(`sigkill: ${atKill} published before the kill; ${resent} publications re-sent after the restart and de-duplicated by Svix`);
  });
});
