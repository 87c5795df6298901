// The management API the admin CLI calls: every call, tokens (admin writes, auditor only
// reads), clear 4xx for bad input, Svix's own errors passed on. Without Svix: relay-no-svix.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@hookline/kafka/testing';
import { api, AUDITOR_TOKEN, brokersFromEnv, NO_BROKER_SKIP, uniqueId, startRelayOnStage, type RelayStageWithRelay } from './relay-harness.js';
import { closeAll } from '../support/close-all.js';

describe('svix-relay management API', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStageWithRelay;
  const orgId = uniqueId('org');

  before(async () => {
    stage = await startRelayOnStage('relay_api');
    await pollUntil(() => stage.standIn.eventTypeNames().length === 4, { what: 'the contract event types' });
  });

  after(() => closeAll(stage));

  it('refuses a missing or unknown token (401) and an auditor writing (403); lets an auditor read', async () => {
    assert.equal((await api(stage.relay.url, 'GET', '/v1/event-types', undefined, null)).status, 401);
    const wrong = await api(stage.relay.url, 'GET', '/v1/event-types', undefined, 'not-a-known-token-at-all');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'unauthorized');
    assert.equal((await api(stage.relay.url, 'GET', '/v1/event-types', undefined, AUDITOR_TOKEN)).status, 200);
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/event-types', { name: 'x.y', description: 'd' }],
      ['PUT', '/v1/event-types/x.y', { description: 'd' }],
      ['DELETE', '/v1/event-types/x.y', undefined],
      ['POST', `/v1/orgs/${orgId}/endpoints`, { url: 'https://siem.example.com/hook' }],
      ['PUT', `/v1/orgs/${orgId}/endpoints/ep_x`, { url: 'https://siem.example.com/hook' }],
      ['DELETE', `/v1/orgs/${orgId}/endpoints/ep_x`, undefined],
      ['POST', `/v1/orgs/${orgId}/endpoints/ep_x/disable`, undefined],
      ['POST', `/v1/orgs/${orgId}/messages`, { event_type: 'session.open' }],
      ['PUT', `/v1/plugins/webhooks/connections/${orgId}/c`, undefined],
      ['DELETE', `/v1/plugins/webhooks/connections/${orgId}/c`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const answer = await api(stage.relay.url, method, path, body, AUDITOR_TOKEN);
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.match(answer.body.message as string, /auditor token may only read/);
    }
    assert.equal(stage.standIn.eventType('x.y'), undefined, 'nothing was written');
  });

  it('creates, reads, lists, overwrites and deletes event types; passes on Svix errors', async () => {
    const name = `custom.${uniqueId('t')}`;
    const created = await api(stage.relay.url, 'POST', '/v1/event-types', {
      name,
      description: 'a custom type',
      schema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.schema, { type: 'object', properties: { a: { type: 'string' } } });
    const again = await api(stage.relay.url, 'POST', '/v1/event-types', { name, description: 'again' });
    assert.equal(again.status, 409, "Svix's status");
    assert.equal(again.body.svix_status, 409);
    assert.match(again.body.message as string, /Svix answered 409: conflict/);
    const got = await api(stage.relay.url, 'GET', `/v1/event-types/${name}`);
    assert.equal(got.body.description, 'a custom type');
    const overwritten = await api(stage.relay.url, 'PUT', `/v1/event-types/${name}`, { description: 'changed' });
    assert.equal(overwritten.status, 200);
    assert.equal(overwritten.body.description, 'changed');
    const listed = await api(stage.relay.url, 'GET', '/v1/event-types');
    const names = (listed.body.data as { name: string }[]).map((type) => type.name);
    assert.ok(names.includes(name) && names.includes('session.open'));
    assert.equal((await api(stage.relay.url, 'DELETE', `/v1/event-types/${name}`)).status, 204);
    assert.equal(stage.standIn.eventType(name)?.archived, true);
    const missing = await api(stage.relay.url, 'GET', '/v1/event-types/no.such.type');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'svix_error');
  });

  it('refuses bad event-type input with a 400 naming the field', async () => {
    const noDescription = await api(stage.relay.url, 'POST', '/v1/event-types', { name: 'a.b' });
    assert.equal(noDescription.status, 400);
    assert.match(noDescription.body.message as string, /body\.description/);
    const badName = await api(stage.relay.url, 'POST', '/v1/event-types', { name: 'bad name; drop table', description: 'd' });
    assert.equal(badName.status, 400);
    assert.match(badName.body.message as string, /body\.name/);
    const extra = await api(stage.relay.url, 'POST', '/v1/event-types', { name: 'a.b', description: 'd', secret: 'x' });
    assert.equal(extra.status, 400);
    const notJson = await api(stage.relay.url, 'POST', '/v1/event-types', '{"name":');
    assert.equal(notJson.status, 400);
    const array = await api(stage.relay.url, 'POST', '/v1/event-types', '[1,2]');
    assert.equal(array.status, 400);
    assert.match(array.body.message as string, /JSON object/);
  });

  it('manages endpoints: create with filters, list with stats, get, overwrite, disable/enable, delete', async () => {
    const created = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, {
      url: stage.receiver.url('/one'),
      description: 'SIEM one',
      event_types: ['session.open', 'session.close'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.deepEqual(created.body.event_types, ['session.open', 'session.close']);
    const test = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/messages`, { event_type: 'session.open' });
    assert.equal(test.status, 201, JSON.stringify(test.body));
    await pollUntil(() => stage.receiver.on('/one').length === 1, { what: 'the test message delivered' });
    const listed = await pollUntil(
      async () => {
        const answer = await api(stage.relay.url, 'GET', `/v1/orgs/${orgId}/endpoints`, undefined, AUDITOR_TOKEN);
        const row = (answer.body.data as { id: string; stats: Record<string, number> }[]).find((endpoint) => endpoint.id === id);
        return row?.stats.success === 1 ? row : undefined;
      },
      { what: 'stats with one success' },
    );
    assert.deepEqual(listed.stats, { fail: 0, pending: 0, sending: 0, success: 1 });
    assert.equal((await api(stage.relay.url, 'GET', `/v1/orgs/${orgId}/endpoints/${id}`)).body.url, stage.receiver.url('/one'));
    const overwritten = await api(stage.relay.url, 'PUT', `/v1/orgs/${orgId}/endpoints/${id}`, { url: stage.receiver.url('/two') });
    assert.equal(overwritten.status, 200);
    assert.equal(overwritten.body.url, stage.receiver.url('/two'));
    assert.equal(overwritten.body.event_types, null, 'overwrite replaces the filters too');
    assert.equal((await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints/${id}/disable`)).body.disabled, true);
    assert.equal((await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints/${id}/enable`)).body.disabled, false);
    assert.equal((await api(stage.relay.url, 'DELETE', `/v1/orgs/${orgId}/endpoints/${id}`)).status, 204);
    const gone = await api(stage.relay.url, 'GET', `/v1/orgs/${orgId}/endpoints/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.svix_status, 404);
  });

  it('refuses bad endpoint input: unknown event type in filters, malformed URL, missing url', async () => {
    const unknown = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, {
      url: 'https://siem.example.com/x',
      event_types: ['session.open', 'no.such.event'],
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message as string, /unknown event type in event_types: no\.such\.event/);
    const malformed = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: 'not a url' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message as string, /body\.url/);
    const javascript = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: 'javascript:alert(1)' });
    assert.equal(javascript.status, 400);
    const missing = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { description: 'no url' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message as string, /body\.url/);
    const wrongType = await api(stage.relay.url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: 'https://siem.example.com/x', event_types: 'session.open' });
    assert.equal(wrongType.status, 400);
    const badOrg = await api(stage.relay.url, 'GET', `/v1/orgs/${encodeURIComponent('org with spaces')}/endpoints`);
    assert.equal(badOrg.status, 400);
  });

  it('messages: a test message of a type, get one, list attempts by endpoint (one endpoint implied, else 422)', async () => {
    const org = uniqueId('org');
    const bad = await api(stage.relay.url, 'POST', `/v1/orgs/${org}/messages`, { event_type: 'not.a.type' });
    assert.equal(bad.status, 400);
    const first = await api(stage.relay.url, 'POST', `/v1/orgs/${org}/endpoints`, { url: stage.receiver.url('/m1') });
    const sent = await api(stage.relay.url, 'POST', `/v1/orgs/${org}/messages`, { event_type: 'microsoftteams.review.create' });
    assert.equal(sent.status, 201);
    const message = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/messages/${sent.body.id as string}`, undefined, AUDITOR_TOKEN);
    assert.equal(message.status, 200);
    assert.equal(message.body.event_type, 'microsoftteams.review.create');
    assert.ok((message.body.payload_size as number) > 100, 'payload size in bytes');
    assert.ok(!Number.isNaN(Date.parse(message.body.timestamp as string)));

    await pollUntil(() => stage.receiver.on('/m1').length === 1, { what: 'delivery' });
    const attempts = await pollUntil(
      async () => {
        const answer = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/attempts`, undefined, AUDITOR_TOKEN);
        return (answer.body.data as unknown[]).length === 1 ? answer : undefined;
      },
      { what: 'one attempt' },
    );
    assert.equal(attempts.body.endpoint_id, first.body.id, 'the only endpoint is implied');
    const attempt = (attempts.body.data as Record<string, unknown>[])[0]!;
    assert.equal(attempt.status, 'success');
    assert.equal(attempt.response_status_code, 200);
    assert.equal(attempt.msg_id, sent.body.id);
    const listCall = stage.standIn
      .requests()
      .filter((request) => request.path.includes('/attempt/endpoint/'))
      .at(-1);
    assert.equal(listCall?.query.get('limit'), '50', 'limit defaults to 50');
    const failed = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/attempts?status=fail&event_types=microsoftteams.review.create&limit=5`);
    assert.deepEqual(failed.body.data, []);
    const badStatus = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/attempts?status=exploded`);
    assert.equal(badStatus.status, 400);
    const badLimit = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/attempts?limit=100000`);
    assert.equal(badLimit.status, 400);

    await api(stage.relay.url, 'POST', `/v1/orgs/${org}/endpoints`, { url: stage.receiver.url('/m2') });
    const ambiguous = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/attempts`);
    assert.equal(ambiguous.status, 422);
    assert.match(ambiguous.body.message as string, /has 2 endpoints: name one with endpoint_id/);
    const named = await api(stage.relay.url, 'GET', `/v1/orgs/${org}/attempts?endpoint_id=${first.body.id as string}`);
    assert.equal(named.status, 200);
  });

  it('lists, enables and disables the webhooks plugin connections, refusing bad names', async () => {
    const path = `/v1/plugins/webhooks/connections/${orgId}/pg-main`;
    assert.equal((await api(stage.relay.url, 'PUT', path)).body.changed, true);
    assert.equal((await api(stage.relay.url, 'PUT', path)).body.changed, false, 'idempotent');
    const listed = await api(stage.relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`);
    assert.deepEqual(
      (listed.body.data as { connection_name: string }[]).map((row) => row.connection_name),
      ['pg-main'],
    );
    assert.equal((await api(stage.relay.url, 'DELETE', path)).body.changed, true);
    assert.deepEqual((await api(stage.relay.url, 'GET', `/v1/plugins/webhooks/connections?org_id=${orgId}`)).body.data, []);
    const control = await api(stage.relay.url, 'PUT', `/v1/plugins/webhooks/connections/${orgId}/${encodeURIComponent('bad\nname')}`);
    assert.equal(control.status, 400);
    const unknownQuery = await api(stage.relay.url, 'GET', '/v1/plugins/webhooks/connections?org=1');
    assert.equal(unknownQuery.status, 400);
  });

  it('serves the OpenAPI description at /docs', async () => {
    const html = await fetch(`${stage.relay.url}/docs`);
    assert.equal(html.status, 200);
    const document = (await (await fetch(`${stage.relay.url}/docs-json`)).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/v1/event-types',
      '/v1/orgs/{org_id}/endpoints',
      '/v1/orgs/{org_id}/attempts',
      '/v1/plugins/webhooks/connections/{org_id}/{connection_name}',
    ]) {
      assert.ok(path in document.paths, `${path} is described`);
    }
  });
});
