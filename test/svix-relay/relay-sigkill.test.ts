// The relay, run as production runs it (its own process), killed with SIGKILL in the middle
// of 5,000 events and started again: every event is published exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@hookline/kafka-broker';
import type { GatewayEvent } from '@hookline/contracts';
import { closeAll } from '../support/close-all.js';
import { pollUntil } from '@hookline/kafka/testing';
import {
  api,
  brokersFromEnv,
  makeEvent,
  NO_BROKER_SKIP,
  produceEvents,
  relayEnv,
  spawnRelay,
  startGroupAtEnd,
  uniqueId,
  type RelayProcess,
  startRelayStage,
  type RelayStage,
} from './relay-harness.js';

const EVENTS = 5_000;
const KILL_AFTER = 1_500;
const BATCH = 500;

describe('svix-relay killed with SIGKILL', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStage;
  let relay: RelayProcess | undefined;
  const orgId = uniqueId('org');
  const connection = uniqueId('conn');

  before(async () => {
    stage = await startRelayStage('relay_sigkill', { deliver: false, positionGroup: false });
  });

  after(async () => {
    if (relay !== undefined && relay.child.exitCode === null && relay.child.signalCode === null) {
      relay.child.kill('SIGKILL');
      await relay.exited;
    }
    await closeAll(stage);
  });

  it('publishes every one of 5,000 events exactly once across a SIGKILL and a restart', { timeout: 180_000 }, async () => {
    const groupId = uniqueId('relay-sigkill');
    await startGroupAtEnd(stage.kafka, stage.admin, groupId);
    const env = relayEnv(stage.standIn, stage.database.url, groupId);
    relay = await spawnRelay(env, await freePort());
    assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${connection}`)).status, 200);

    const events: GatewayEvent[] = [];
    for (let index = 0; events.length < EVENTS; index += 1) {
      const sid = uniqueId(`sid${index}`);
      if (index % 5 === 4) events.push(makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }));
      else events.push(makeEvent('session.open', { orgId, subject: sid, connection }), makeEvent('session.close', { orgId, subject: sid }));
    }
    events.length = EVENTS;
    for (let start = 0; start < events.length; start += BATCH) await produceEvents(stage.producer, events.slice(start, start + BATCH));

    await pollUntil(() => stage.standIn.messageCount(orgId) >= KILL_AFTER, { timeoutMs: 60_000, what: `${KILL_AFTER} events published before the kill` });
    relay.child.kill('SIGKILL');
    assert.equal(await relay.exited, 'SIGKILL');
    const atKill = stage.standIn.messages(orgId).length;
    assert.ok(atKill < EVENTS, `killed in the middle (${atKill} of ${EVENTS} published)`);
    const postsAtKill = stage.standIn.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/msg')).length;

    relay = await spawnRelay(env, await freePort());
    await pollUntil(() => stage.standIn.messageCount(orgId) >= EVENTS, {
      timeoutMs: 120_000,
      what: `all ${EVENTS} events published (now ${stage.standIn.messageCount(orgId)})`,
    });
    // Settle: whatever the restarted relay re-reads from the last commit must not add messages.
    await pollUntil(
      async () => {
        const offsets = await stage.admin.fetchOffsets({ groupId, topics: ['gateway.sessions.v1', 'gateway.dbroles.v1'] });
        const ends = new Map<string, string>();
        for (const topic of ['gateway.sessions.v1', 'gateway.dbroles.v1'])
          for (const o of await stage.admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${o.partition}`, o.high);
        return offsets.every((topic) => topic.partitions.every((p) => p.offset === ends.get(`${topic.topic}:${p.partition}`)));
      },
      { timeoutMs: 30_000, what: 'the group to commit to the end' },
    );

    const messages = stage.standIn.messages(orgId);
    const ids = messages.map((message) => message.eventId);
    assert.equal(new Set(ids).size, EVENTS, 'every event published');
    assert.equal(messages.length, EVENTS, 'none twice');
    assert.deepEqual(new Set(ids), new Set(events.map((event) => event.id)));
    const resent =
      stage.standIn.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/msg')).length - postsAtKill - (EVENTS - atKill);
    console.log(`sigkill: ${atKill} published before the kill; ${resent} publications re-sent after the restart and de-duplicated by Svix`);
  });
});
