// Without SVIX_AUTH_TOKEN the relay says publishing is off, consumes nothing (events wait
// in Kafka) and answers Svix calls with 400. Its own file (own process): nestjs-pino keeps
// a process-wide logger, so a second app in one process would log through the first's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import { api, brokersFromEnv, ensureGatewayTopics, NO_BROKER_SKIP, relayEnv, startRelay, testKafka, uniqueId } from './relay-harness.js';

describe('svix-relay without Svix', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await ensureGatewayTopics(admin);
  });

  after(async () => {
    await admin?.disconnect();
  });

  it('without SVIX_AUTH_TOKEN: says publishing is off, consumes nothing, and Svix calls answer 400', async () => {
    const lines: string[] = [];
    const groupId = uniqueId('relay-off');
    const off = await startRelay(relayEnv(undefined, undefined, groupId, { LOG_LEVEL: 'info' }), { logDestination: { write: (line: string) => void lines.push(line) } });
    try {
      assert.ok(lines.some((line) => /publishing to Svix is OFF/.test(line)), 'a clear line at start');
      const answer = await api(off.url, 'GET', '/v1/event-types');
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, 'svix_not_configured');
      assert.match(answer.body.message as string, /SVIX_AUTH_TOKEN/);
      const groups = await admin.describeGroups([groupId]);
      assert.equal(groups.groups[0]?.members.length ?? 0, 0, 'no consumer joined');
      const health = (await (await fetch(`${off.url}/health/ready`)).json()) as Record<string, unknown>;
      assert.match(JSON.stringify(health), /"state":"off"/);
    } finally {
      await off.close();
    }
  });
});
