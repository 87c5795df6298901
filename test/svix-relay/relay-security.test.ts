// The relay as an attacker meets it: endpoint URLs that point inside (every spelling of
// loopback, private, metadata, user info, other schemes), auditors reading endpoint URLs,
// unauthenticated bodies, what /health/ready says, and /metrics and /docs on MANAGEMENT_PORT.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenManagement, loadConfig } from '@hookline/observability';
import { createRelayApp, relaySettings } from '@hookline/svix-relay';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';
import { ADMIN_TOKEN, api, AUDITOR_TOKEN, brokersFromEnv, NO_BROKER_SKIP, relayEnv, uniqueId, startRelayStage, type RelayStage } from './relay-harness.js';

const DB_PASSWORD = 'db-password-never-shown-42';

describe('svix-relay against an attacker', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: RelayStage;
  let databaseUrl: URL;
  let close: (() => Promise<void>) | undefined;
  let url: string;
  let managementUrl: string;
  const orgId = uniqueId('org');

  before(async () => {
    stage = await startRelayStage('relay_sec');
    // Trust authentication ignores the password: it is here to be looked for in the answers.
    databaseUrl = new URL(stage.database.url);
    databaseUrl.password = DB_PASSWORD;
    // No ENDPOINT_URL_ALLOW: nothing private is admitted, not even the tests' receiver.
    const config = loadConfig(relaySettings, relayEnv(stage.standIn, databaseUrl.toString(), stage.groupId, { ENDPOINT_URL_ALLOW: '', MANAGEMENT_PORT: '1' }));
    const app = await createRelayApp(config);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    managementUrl = `http://127.0.0.1:${await listenManagement(app, 0, '127.0.0.1')}`;
    close = () => app.close();
    await pollUntil(() => stage.standIn.eventTypeNames().length === 4, { what: 'the contract event types' });
  });

  after(async () => {
    await close?.();
    await closeAll(stage);
  });

  it('refuses endpoint URLs that point inside, in every spelling, and creates nothing', async () => {
    const hostile: [string, RegExp][] = [
      ['http://127.0.0.1:8080/hook', /loopback/],
      ['http://2130706433/', /loopback/],
      ['http://0x7f.1/', /loopback/],
      ['http://017700000001/', /loopback/],
      ['http://[::1]/', /loopback/],
      ['http://[::ffff:127.0.0.1]/', /loopback/],
      ['http://[64:ff9b::7f00:1]/', /loopback/],
      ['http://localhost:8099/svix/x', /loopback.*"localhost" resolves to it/],
      ['http://169.254.169.254/latest/meta-data/iam/', /link-local/],
      ['http://[fd00:ec2::254]/', /unique local/],
      ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata/],
      ['http://10.0.0.1/', /private/],
      ['http://100.100.100.200/', /carrier-grade NAT/],
      ['http://0.0.0.0:8083/', /unspecified/],
      ['http://[ff02::1]/', /multicast/],
      ['https://user:secret-in-url@siem.example.com/hook', /user info/],
      ['ftp://siem.example.com/hook', /http/],
      ['file:///etc/passwd', /http/],
      ['gopher://127.0.0.1:6379/_FLUSHALL', /http/],
    ];
    for (const [target, reason] of hostile) {
      const created = await api(url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: target });
      assert.equal(created.status, 400, `${target}: ${JSON.stringify(created.body)}`);
      assert.match(created.body.message as string, reason, target);
      assert.ok(!(created.body.message as string).includes('secret-in-url'));
    }
    // Refused before anything reached Svix: not even the organisation's application exists.
    const listed = await api(url, 'GET', `/v1/orgs/${orgId}/endpoints`);
    assert.equal(listed.status, 404, JSON.stringify(listed.body));
    assert.match(listed.body.message as string, /Application not found/);
  });

  it('refuses an overwrite that points inside, and the endpoint keeps its URL', async () => {
    // siem.example.com does not resolve here: a public receiver is admitted by address.
    const created = await api(url, 'POST', `/v1/orgs/${orgId}/endpoints`, { url: 'https://93.184.215.14/hooks/T0/secret-path?code=abc' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const overwritten = await api(url, 'PUT', `/v1/orgs/${orgId}/endpoints/${id}`, { url: 'http://[::ffff:169.254.169.254]/' });
    assert.equal(overwritten.status, 400);
    assert.equal((await api(url, 'GET', `/v1/orgs/${orgId}/endpoints/${id}`)).body.url, 'https://93.184.215.14/hooks/T0/secret-path?code=abc');
  });

  it('shows auditors endpoint URLs with path and query masked; admins see them whole', async () => {
    const list = await api(url, 'GET', `/v1/orgs/${orgId}/endpoints`, undefined, AUDITOR_TOKEN);
    assert.equal(list.status, 200);
    const rows = list.body.data as { id: string; url: string }[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.url, 'https://93.184.215.14/***');
    const one = await api(url, 'GET', `/v1/orgs/${orgId}/endpoints/${rows[0]!.id}`, undefined, AUDITOR_TOKEN);
    assert.equal(one.body.url, 'https://93.184.215.14/***');
    assert.ok(!JSON.stringify([list.body, one.body]).includes('secret-path'));
    const asAdmin = await api(url, 'GET', `/v1/orgs/${orgId}/endpoints`, undefined, ADMIN_TOKEN);
    assert.equal((asAdmin.body.data as { url: string }[])[0]!.url, 'https://93.184.215.14/hooks/T0/secret-path?code=abc');
  });

  it('authenticates before it reads a body: a malformed body is 401 without a token, 403 for an auditor, 400 for an admin', async () => {
    const send = (token: string | null, body: string, contentType = 'application/json') =>
      fetch(`${url}/v1/event-types`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
        body,
      });
    for (const body of ['{not json', '{"name":', 'x'.repeat(300 * 1024)]) {
      assert.equal((await send(null, body)).status, 401, body.slice(0, 20));
      assert.equal((await send('not-a-known-token-0123456789', body)).status, 401);
      assert.equal((await send(AUDITOR_TOKEN, body)).status, 403);
    }
    const malformed = await send(ADMIN_TOKEN, '{not json');
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { message: string }).message, /not valid JSON/);
    assert.equal((await send(ADMIN_TOKEN, 'x'.repeat(300 * 1024))).status, 413);
    assert.equal((await send(ADMIN_TOKEN, '{}', 'text/plain')).status, 415);
    assert.equal((await send(null, '{}', 'text/plain')).status, 401);
  });

  it('/health/ready carries states, never the database URL, its user, name or password, nor a token', async () => {
    const text = await (await fetch(`${url}/health/ready`)).text();
    assert.match(text, /"database":\{"detail":\{"kind":"postgres"\},"status":"up"\}/);
    const databaseName = databaseUrl.pathname.slice(1);
    for (const secret of [
      DB_PASSWORD,
      databaseName,
      `${databaseUrl.username}@`,
      `${databaseUrl.username}:`,
      databaseUrl.host,
      ADMIN_TOKEN,
      AUDITOR_TOKEN,
      stage.standIn.token,
    ]) {
      assert.ok(!text.includes(secret), `/health/ready shows ${secret}: ${text}`);
    }
  });

  it('serves /metrics and /docs on MANAGEMENT_PORT only', async () => {
    for (const path of ['/metrics', '/docs', '/docs-json']) {
      assert.equal((await fetch(`${url}${path}`)).status, 404, `main port ${path}`);
      assert.equal((await fetch(`${managementUrl}${path}`)).status, 200, `management port ${path}`);
    }
    assert.match(await (await fetch(`${managementUrl}/metrics`)).text(), /hookline_/);
    assert.equal((await fetch(`${managementUrl}/v1/event-types`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 404);
    assert.equal((await fetch(`${managementUrl}/health/live`)).status, 200);
    assert.equal((await fetch(`${url}/health/live`)).status, 200);
  });
});
