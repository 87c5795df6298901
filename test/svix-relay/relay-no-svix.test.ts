// Without SVIX_AUTH_TOKEN the relay says publishing is off, consumes nothing (events wait
// in Kafka) and answers Svix calls with 400. Its own file (own process): nestjs-pino keeps
// a process-wide logger, so a second app in one process would log through the first's.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { api, brokersFromEnv, connectGatewayKafka, NO_BROKER_SKIP, relayEnv, startRelay, uniqueId } from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

describe('svix-relay without Svix', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let admin: Admin;

  before(async () => {
    ({ admin } = await connectGatewayKafka());
  });

  after(() => closeAll(admin));

  it('without SVIX_AUTH_TOKEN: says publishing is off, consumes nothing, and Svix calls answer 400', async () => {
    const lines: string[] = [];
    const groupId = uniqueId('relay-off');
    const off = await startRelay(relayEnv(undefined, undefined, groupId, { LOG_LEVEL: 'info' }), {
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    try {
      assert.ok(
        lines.some((line) => /publishing to Svix is OFF/.test(line)),
        'a clear line at start',
      );
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

  it('with Svix configured but unreachable: not ready (svix down, consumer starting), still live', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const relay = await startRelay(
      relayEnv(undefined, undefined, uniqueId('relay-unreachable'), { SVIX_AUTH_TOKEN: 'sk_unreachable_svix', SVIX_SERVER_URL: `http://127.0.0.1:${port}` }),
    );
    try {
      assert.equal((await fetch(`${relay.url}/health/live`)).status, 200);
      const ready = await fetch(`${relay.url}/health/ready`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { details: Record<string, { status: string; detail?: Record<string, unknown> }> };
      assert.equal(body.details.svix?.status, 'down');
      assert.equal(body.details.consumer?.detail?.state, 'starting');
      assert.equal(body.details.kafka?.status, 'up');
      const answer = await api(relay.url, 'GET', '/v1/event-types');
      assert.equal(answer.status, 502);
      assert.equal(answer.body.error, 'svix_unreachable');
    } finally {
      await relay.close();
    }
  });
});
