// What is published: the webhooks plugin's connections (PostgreSQL, changed through the
// API of any instance), dbroles jobs always, and Svix's per-endpoint event-type filters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Svix } from 'svix';
import { pollUntil } from '@hookline/kafka/testing';
import {
  api,
  AUDITOR_TOKEN,
  brokersFromEnv,
  makeEvent,
  metricValue,
  NO_BROKER_SKIP,
  produceEvents,
  relayEnv,
  startRelay,
  uniqueId,
  type RunningRelay,
  startRelayOnStage,
  type RelayStageWithRelay,
} from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

describe('svix-relay filters', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStageWithRelay;
  /** A second instance on the same database, without Svix: only its API is used. */
  let other: RunningRelay;
  const orgId = uniqueId('org');
  const enabled = uniqueId('conn-on');
  const disabled = uniqueId('conn-off');

  before(async () => {
    stage = await startRelayOnStage('relay_filters');
    other = await startRelay(relayEnv(undefined, stage.database.url, uniqueId('relay-filters-other')));
    assert.equal((await api(stage.relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${enabled}`)).status, 200);
  });

  after(() => closeAll(other, stage));

  it('publishes the sessions of enabled connections only; dbroles jobs always', async () => {
    const on = uniqueId('sid');
    const off = uniqueId('sid');
    const before = await metricValue(stage.relay.url, 'hookline_relay_filtered_total', { reason: 'plugin_disabled' });
    const events = [
      makeEvent('session.open', { orgId, subject: off, connection: disabled }),
      makeEvent('session.open', { orgId, subject: on, connection: enabled }),
      makeEvent('microsoftteams.review.create', { orgId, subject: off, connection: disabled }),
      makeEvent('session.close', { orgId, subject: off }),
      makeEvent('session.close', { orgId, subject: on }),
      makeEvent('dbroles.job.finished', { orgId, subject: uniqueId('job') }),
    ];
    await produceEvents(stage.producer, events);
    await pollUntil(async () => (await metricValue(stage.relay.url, 'hookline_relay_filtered_total', { reason: 'plugin_disabled' })) - before === 3, {
      what: '3 filtered events',
    });
    await pollUntil(() => stage.standIn.messages(orgId).length === 3, { what: '3 published events' });
    const published = stage.standIn.messages(orgId).map((message) => message.eventId);
    assert.deepEqual(published.sort(), [events[1]!.id, events[4]!.id, events[5]!.id].sort());
  });

  it('enabling a connection through the API (of another instance) takes effect within seconds', async () => {
    const plugin = `/v1/plugins/webhooks/connections/${orgId}/${disabled}`;
    assert.equal((await api(other.url, 'PUT', plugin, undefined, AUDITOR_TOKEN)).status, 403, 'an auditor may not enable');
    const enabling = await api(other.url, 'PUT', plugin);
    assert.equal(enabling.status, 200);
    assert.equal(enabling.body.changed, true);
    const listed = await api(stage.relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`, undefined, AUDITOR_TOKEN);
    assert.deepEqual((listed.body.data as { connection_name: string }[]).map((row) => row.connection_name).sort(), [disabled, enabled].sort());

    const sid = uniqueId('sid');
    const started = Date.now();
    // Sent until one is published: the change reaches the consuming instance on its next refresh.
    await pollUntil(
      async () => {
        if (stage.standIn.messages(orgId).some((message) => message.eventType === 'session.open' && (message.payload as { sid?: string }).sid === sid))
          return true;
        await produceEvents(stage.producer, [makeEvent('session.open', { orgId, subject: sid, connection: disabled })]);
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
    const all = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: stage.receiver.url('/all') });
    const closes = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: stage.receiver.url('/closes'), event_types: ['session.close'] });
    assert.equal(closes.status, 201, JSON.stringify(closes.body));
    const svix = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url });
    stage.receiver.setSecret('/all', (await svix.endpoint.getSecret(orgId, all.body.id as string)).key);
    stage.receiver.setSecret('/closes', (await svix.endpoint.getSecret(orgId, closes.body.id as string)).key);
    await produceEvents(stage.producer, [
      makeEvent('session.open', { orgId, subject: sid, connection: enabled }),
      makeEvent('session.close', { orgId, subject: sid }),
    ]);
    await pollUntil(() => stage.receiver.on('/all').length === 2 && stage.receiver.on('/closes').length === 1, { what: 'filtered deliveries' });
    assert.equal((stage.receiver.on('/closes')[0]!.payload as { exit_code?: number }).exit_code, 0, 'the session.close payload');
    assert.ok(stage.receiver.received.every((webhook) => webhook.verified));
  });
});
