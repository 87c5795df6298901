// What is published: the webhooks plugin's connections (PostgreSQL, changed through the
// API of any instance), dbroles jobs always, and Svix's per-endpoint event-type filters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import type { EventProducer } from '@hookline/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { Svix } from 'svix';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '../support/poll-until.js';
import {
  api,
  connectGatewayKafka,
  AUDITOR_TOKEN,
  brokersFromEnv,
  makeEvent,
  metricValue,
  newProducer,
  NO_BROKER_SKIP,
  produceEvents,
  relayEnv,
  startGroupAtEnd,
  startRelay,
  uniqueId,
  type RunningRelay,
} from './relay-harness.js';

describe('svix-relay filters', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let standIn: SvixStandIn;
  let receiver: WebhookReceiver;
  let database: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let producer: EventProducer;
  let relay: RunningRelay;
  /** A second instance on the same database, without Svix: only its API is used. */
  let other: RunningRelay;
  const orgId = uniqueId('org');
  const enabled = uniqueId('conn-on');
  const disabled = uniqueId('conn-off');

  before(async () => {
    standIn = await SvixStandIn.start();
    receiver = await WebhookReceiver.start();
    database = await createTestDatabase('relay_filters');
    ({ kafka, admin } = await connectGatewayKafka());
    const groupId = uniqueId('relay-filters');
    await startGroupAtEnd(kafka, admin, groupId);
    producer = newProducer(kafka);
    relay = await startRelay(relayEnv(standIn, database.url, groupId));
    other = await startRelay(relayEnv(undefined, database.url, uniqueId('relay-filters-other')));
    assert.equal((await api(relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${enabled}`)).status, 200);
  });

  after(async () => {
    await other?.close();
    await relay?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await database?.drop();
    await receiver?.close();
    await standIn?.close();
  });

  it('publishes the sessions of enabled connections only; dbroles jobs always', async () => {
    const on = uniqueId('sid');
    const off = uniqueId('sid');
    const before = await metricValue(relay.url, 'hookline_relay_filtered_total', { reason: 'plugin_disabled' });
    const events = [
      makeEvent('session.open', { orgId, subject: off, connection: disabled }),
      makeEvent('session.open', { orgId, subject: on, connection: enabled }),
      makeEvent('microsoftteams.review.create', { orgId, subject: off, connection: disabled }),
      makeEvent('session.close', { orgId, subject: off }),
      makeEvent('session.close', { orgId, subject: on }),
      makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }),
    ];
    await produceEvents(producer, events);
    await pollUntil(async () => (await metricValue(relay.url, 'hookline_relay_filtered_total', { reason: 'plugin_disabled' })) - before === 3, { what: '3 filtered events' });
    await pollUntil(() => standIn.messages(orgId).length === 3, { what: '3 published events' });
    const published = standIn.messages(orgId).map((message) => message.eventId);
    assert.deepEqual(published.sort(), [events[1]!.id, events[4]!.id, events[5]!.id].sort());
  });

  it('enabling a connection through the API (of another instance) takes effect within seconds', async () => {
    const plugin = `/v1/plugins/webhooks/connections/${orgId}/${disabled}`;
    assert.equal((await api(other.url, 'PUT', plugin, undefined, AUDITOR_TOKEN)).status, 403, 'an auditor may not enable');
    const enabling = await api(other.url, 'PUT', plugin);
    assert.equal(enabling.status, 200);
    assert.equal(enabling.body.changed, true);
    const listed = await api(relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`, undefined, AUDITOR_TOKEN);
    assert.deepEqual((listed.body.data as { connection_name: string }[]).map((row) => row.connection_name).sort(), [disabled, enabled].sort());

    const sid = uniqueId('sid');
    const started = Date.now();
    // Sent until one is published: the change reaches the consuming instance on its next refresh.
    await pollUntil(
      async () => {
        if (standIn.messages(orgId).some((message) => message.eventType === 'session.open' && (message.payload as { sid?: string }).sid === sid)) return true;
        await produceEvents(producer, [makeEvent('session.open', { orgId, subject: sid, connection: disabled })]);
        return false;
      },
      { timeoutMs: 10_000, intervalMs: 500, what: 'a session of the newly enabled connection to be published' },
    );
    assert.ok(Date.now() - started < 10_000, 'within seconds');

    const disabling = await api(other.url, 'DELETE', plugin);
    assert.equal(disabling.status, 200);
    assert.equal(disabling.body.enabled, false);
  });

  it("honours an endpoint's event-type filter", async () => {
    const sid = uniqueId('sid');
    const all = await api(relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: receiver.url('/all') });
    const closes = await api(relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: receiver.url('/closes'), event_types: ['session.close'] });
    assert.equal(closes.status, 201, JSON.stringify(closes.body));
    const svix = new Svix(standIn.token, { serverUrl: standIn.url });
    receiver.setSecret('/all', (await svix.endpoint.getSecret(orgId, all.body.id as string)).key);
    receiver.setSecret('/closes', (await svix.endpoint.getSecret(orgId, closes.body.id as string)).key);
    await produceEvents(producer, [makeEvent('session.open', { orgId, subject: sid, connection: enabled }), makeEvent('session.close', { orgId, subject: sid })]);
    await pollUntil(() => receiver.on('/all').length === 2 && receiver.on('/closes').length === 1, { what: 'filtered deliveries' });
    assert.equal((receiver.on('/closes')[0]!.payload as { exit_code?: number }).exit_code, 0, 'the session.close payload');
    assert.ok(receiver.received.every((webhook) => webhook.verified));
  });
});
