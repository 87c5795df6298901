// POST /v1/svix/operational: the svix SDK verifies the signature; a bad signature, a
// replayed old timestamp or a malformed body is refused and nothing is stored; the same
// svix-id twice is stored once. Also: a real operational webhook from the Svix stand-in.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Svix } from 'svix';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '@hookline/kafka/testing';
import { NO_BROKER_SKIP, OPERATIONAL_SECRET, brokersFromEnv, metricValue, startAudit, testDatabase, uniqueId, type RunningAudit } from './audit-harness.js';
import { Webhook } from 'svix';
import { closeAll } from '../support/close-all.js';

interface Sent {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(`${url}/v1/svix/operational`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function signed(body: string, options: { id?: string; at?: Date; secret?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  return {
    'svix-id': id,
    'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
    'svix-signature': new Webhook(options.secret ?? OPERATIONAL_SECRET).sign(id, at, body),
  };
}

function disabledWebhook(endpointId: string): string {
  return JSON.stringify({ type: 'endpoint.disabled', data: { appId: 'app_test', appUid: 'org-1', endpointId, failSince: new Date().toISOString() } });
}

void describe('audit: Svix operational webhooks', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let audit: RunningAudit;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const stored = () => db.count('SELECT count(*) AS n FROM operational_webhooks');

  before(async () => {
    db = await testDatabase();
    audit = await startAudit({ DATABASE_URL: db.url, KAFKA_GROUP_ID: uniqueId('hookline-audit-test') });
  });

  after(() => closeAll(audit, db));

  void it('stores a valid webhook and applies it (endpoint disabled), once per svix-id', async () => {
    const endpointId = uniqueId('ep');
    const body = disabledWebhook(endpointId);
    const headers = signed(body);
    const first = await post(audit.url, body, headers);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { stored: true, duplicate: false, type: 'endpoint.disabled' });
    assert.equal(await db.count('SELECT count(*) AS n FROM operational_webhooks WHERE svix_id = $1', [headers['svix-id']]), 1);
    assert.equal(await db.count('SELECT count(*) AS n FROM endpoint_states WHERE endpoint_id = $1 AND disabled', [endpointId]), 1);
    await pollUntil(async () => (await metricValue(audit.url, 'hookline_endpoint_disabled', { endpoint: endpointId })) === 1, {
      what: 'hookline_endpoint_disabled = 1',
    });

    // Svix retries a webhook it thinks failed with the same svix-id (and a fresh signature).
    const again = await post(audit.url, body, signed(body, { id: headers['svix-id'] }));
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { stored: false, duplicate: true, type: 'endpoint.disabled' });
    assert.equal(await db.count('SELECT count(*) AS n FROM operational_webhooks WHERE svix_id = $1', [headers['svix-id']]), 1);
  });

  void it('refuses a bad signature with 401 and stores nothing', async () => {
    const before = await stored();
    const body = disabledWebhook(uniqueId('ep'));
    const wrongSecret = `whsec_${Buffer.from('a-different-secret-of-an-attacker').toString('base64')}`;
    const forged = await post(audit.url, body, signed(body, { secret: wrongSecret }));
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error, 'invalid_signature');
    // A valid signature over other bytes: the body was altered on the way.
    const headers = signed(body);
    const tampered = await post(audit.url, body.replace('endpoint.disabled', 'endpoint.enabled'), headers);
    assert.equal(tampered.status, 401);
    const unsigned = await post(audit.url, body, {});
    assert.equal(unsigned.status, 401);
    assert.match(String(unsigned.body.message), /Missing required headers/);
    // Unsigned, it is refused before its body is read: malformed or oversized, still 401.
    for (const junk of ['{not json', 'x'.repeat(1024 * 1024)]) {
      const answer = await post(audit.url, junk, {});
      assert.equal(answer.status, 401, `${junk.slice(0, 10)}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error, 'invalid_signature');
    }
    assert.equal(await stored(), before);
    // The secret never shows in an answer.
    assert.ok(!JSON.stringify([forged.body, tampered.body, unsigned.body]).includes(OPERATIONAL_SECRET.slice(6)));
  });

  void it('refuses a replayed request whose timestamp is old, even with its valid signature', async () => {
    const before = await stored();
    const body = disabledWebhook(uniqueId('ep'));
    const replayed = await post(audit.url, body, signed(body, { at: new Date(Date.now() - 10 * 60 * 1000) }));
    assert.equal(replayed.status, 401);
    assert.match(String(replayed.body.message), /too old/);
    const future = await post(audit.url, body, signed(body, { at: new Date(Date.now() + 10 * 60 * 1000) }));
    assert.equal(future.status, 401);
    assert.equal(await stored(), before);
  });

  void it('refuses a garbage or malformed body with 400 (even signed) and stores nothing', async () => {
    const before = await stored();
    for (const body of [
      'not json at all \u0000\u00ff',
      '[1,2,3]',
      '{"type":"endpoint.disabled"}',
      '{"type":"endpoint.disabled","data":{"appId":"app_1"}}',
      '{"type":"x;drop table","data":{}}',
    ]) {
      const answer = await post(audit.url, body, signed(body));
      assert.equal(answer.status, 400, `${body}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error, 'malformed_body');
    }
    const missing = await post(
      audit.url,
      '{"type":"message.attempt.exhausted","data":{"appId":"app_1","endpointId":"ep_1","msgId":"msg_1"}}',
      signed('{"type":"message.attempt.exhausted","data":{"appId":"app_1","endpointId":"ep_1","msgId":"msg_1"}}'),
    );
    assert.equal(missing.status, 400);
    assert.ok(Array.isArray(missing.body.details) && JSON.stringify(missing.body.details).includes('lastAttempt'), 'the missing field is named');
    // Deeply nested (within the size limit): refused, not a stack overflow.
    const deep = `{"type":"endpoint.updated","data":{"appId":"a","endpointId":"e","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;
    const nested = await post(audit.url, deep, signed(deep));
    assert.equal(nested.status, 400);
    assert.match(String(nested.body.message), /nested deeper/);
    // Oversized: refused before it is read.
    const huge = JSON.stringify({ type: 'endpoint.updated', data: { appId: 'a', endpointId: 'e', pad: 'x'.repeat(300 * 1024) } });
    assert.equal((await post(audit.url, huge, signed(huge))).status, 413);
    assert.equal(await stored(), before);
  });

  void it('stores the operational webhooks the Svix stand-in sends (exhausted, failing, disabled)', async () => {
    const standIn = await SvixStandIn.start({
      retryScheduleMs: [20, 20, 20],
      failingAfterAttempts: 2,
      disableEndpointAfterMs: 50,
      operationalWebhook: { url: `${audit.url}/v1/svix/operational`, secret: OPERATIONAL_SECRET },
    });
    const failing = await WebhookReceiver.start();
    failing.answerWith(500);
    try {
      const svix = new Svix(standIn.token, { serverUrl: standIn.url, retryScheduleInMs: [] });
      const app = await svix.application.getOrCreate({ name: 'org', uid: uniqueId('org') });
      await svix.eventType.upsert('session.open', { description: 'session opened' });
      const endpoint = await svix.endpoint.create(app.id, { url: failing.url('/siem') });
      await svix.message.create(app.id, { eventType: 'session.open', eventId: uniqueId('evt'), payload: { sid: 's' } });
      await pollUntil(
        () =>
          db
            .count('SELECT count(*) AS n FROM operational_webhooks WHERE endpoint_id = $1 AND type = $2', [endpoint.id, 'message.attempt.exhausted'])
            .then((n) => n === 1),
        {
          timeoutMs: 20_000,
          what: 'the exhausted webhook stored',
        },
      );
      const types = (await db.pool.query<{ type: string }>('SELECT DISTINCT type FROM operational_webhooks WHERE endpoint_id = $1', [endpoint.id])).rows
        .map((row) => row.type)
        .sort();
      assert.deepEqual(
        types,
        standIn.operationalSent
          .filter((sent) => (sent.data as { endpointId?: string }).endpointId === endpoint.id)
          .map((sent) => sent.type)
          .filter((type, index, all) => all.indexOf(type) === index)
          .sort(),
      );
      assert.ok(types.includes('message.attempt.failing'));
      assert.equal(await metricValue(audit.url, 'hookline_delivery_exhausted_total', { endpoint: endpoint.id }), 1);
    } finally {
      await standIn.close();
      await failing.close();
    }
  });
});
