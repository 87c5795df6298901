// The stand-in speaks Svix's wire format: the official SDK is the client here, so a wrong
// path, field name or status code shows up as an SDK error or a wrong value.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, MessageStatus, MessageAttemptTriggerType, Svix, type HttpErrorOut } from 'svix';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';

async function rejection(promise: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<unknown>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Svix stand-in', () => {
  let standIn: SvixStandIn;
  let receiver: WebhookReceiver;
  let svix: Svix;

  before(async () => {
    standIn = await SvixStandIn.start({ retryScheduleMs: [50, 50], disableEndpointAfterMs: 60_000 });
    receiver = await WebhookReceiver.start();
    svix = new Svix(standIn.token, { serverUrl: standIn.url, retryScheduleInMs: [] });
  });

  after(() => closeAll(standIn, receiver));

  it('refuses a wrong token with 401', async () => {
    const other = new Svix('wrong-token', { serverUrl: standIn.url });
    const error = await rejection(other.application.list());
    assert.equal(error.code, 401);
    assert.equal((error.body as HttpErrorOut).code, 'authentication_failed');
  });

  it('creates an app once per uid (getOrCreate) and finds it by uid', async () => {
    const first = await svix.application.getOrCreate({ name: 'org one', uid: 'org-1' });
    const second = await svix.application.getOrCreate({ name: 'org one', uid: 'org-1' });
    assert.equal(first.id, second.id);
    assert.match(first.id, /^app_/);
    assert.ok(first.createdAt instanceof Date, 'createdAt is parsed as a date by the SDK');
    assert.equal((await svix.application.get('org-1')).id, first.id);
    const conflict = await rejection(svix.application.create({ name: 'again', uid: 'org-1' }));
    assert.equal(conflict.code, 409);
  });

  it('upserts event types and refuses endpoint filters on unknown ones with 422', async () => {
    await svix.eventType.upsert('session.open', { description: 'v1', schemas: { '1': { type: 'object' } } });
    const updated = await svix.eventType.upsert('session.open', { description: 'v2', schemas: { '1': { type: 'object', title: 't' } } });
    assert.equal(updated.description, 'v2');
    assert.deepEqual((await svix.eventType.get('session.open')).schemas, { '1': { type: 'object', title: 't' } });
    const error = await rejection(svix.endpoint.create('org-1', { url: receiver.url('/x'), eventTypes: ['no.such.type'] }));
    assert.equal(error.code, 422);
    assert.deepEqual((error.body as { detail: { loc: string[] }[] }).detail[0]?.loc, ['body', 'eventTypes', '0']);
    const badUrl = await rejection(svix.endpoint.create('org-1', { url: 'not a url' }));
    assert.equal(badUrl.code, 422);
  });

  it('delivers signed webhooks that the SDK verifies, honouring event-type filters', async () => {
    await svix.eventType.upsert('session.close', { description: 'close' });
    const all = await svix.endpoint.create('org-1', { url: receiver.url('/all') });
    const onlyClose = await svix.endpoint.create('org-1', { url: receiver.url('/close'), eventTypes: ['session.close'] });
    receiver.setSecret('/all', (await svix.endpoint.getSecret('org-1', all.id)).key);
    receiver.setSecret('/close', (await svix.endpoint.getSecret('org-1', onlyClose.id)).key);

    const open = await svix.message.create('org-1', { eventType: 'session.open', eventId: 'evt-open-1', payload: { sid: 's1' } });
    const close = await svix.message.create('org-1', { eventType: 'session.close', eventId: 'evt-close-1', payload: { sid: 's1' } });
    assert.match(open.id, /^msg_/);
    await pollUntil(() => receiver.on('/all').length === 2 && receiver.on('/close').length === 1, { what: 'deliveries' });
    assert.ok(
      receiver.received.every((webhook) => webhook.verified),
      'every signature verifies with the SDK',
    );
    assert.deepEqual(
      receiver.on('/close').map((webhook) => webhook.svixId),
      [close.id],
    );
    assert.deepEqual(
      receiver
        .on('/all')
        .map((webhook) => webhook.svixId)
        .sort(),
      [open.id, close.id].sort(),
    );

    const stats = await pollUntil(
      async () => {
        const s = await svix.endpoint.getStats('org-1', all.id);
        return s.success === 2 ? s : undefined;
      },
      { what: 'stats' },
    );
    assert.deepEqual(stats, { success: 2, pending: 0, sending: 0, fail: 0, canceled: 0 });
  });

  it('answers 409 for a reused eventId and replays the first answer for a reused idempotency-key', async () => {
    const first = await svix.message.create('org-1', { eventType: 'session.open', eventId: 'evt-idem', payload: { n: 1 } }, { idempotencyKey: 'key-1' });
    const replay = await svix.message.create('org-1', { eventType: 'session.open', eventId: 'evt-idem', payload: { n: 1 } }, { idempotencyKey: 'key-1' });
    assert.equal(replay.id, first.id);
    const conflict = await rejection(svix.message.create('org-1', { eventType: 'session.open', eventId: 'evt-idem', payload: { n: 1 } }));
    assert.equal(conflict.code, 409);
    assert.equal((await svix.message.get('org-1', 'evt-idem')).id, first.id, 'a message is found by its eventId');
    assert.equal(standIn.messages('org-1').filter((message) => message.eventId === 'evt-idem').length, 1);
    assert.equal(standIn.messageCount('org-1'), standIn.messages('org-1').length);
  });

  it('retries failing deliveries on its schedule, records attempts and sends operational webhooks', async () => {
    const ops = await WebhookReceiver.start();
    const opsSecret = `whsec_${Buffer.from('operational-secret-0123456789').toString('base64')}`;
    ops.setSecret('/ops', opsSecret);
    standIn.setOperationalWebhook({ url: ops.url('/ops'), secret: opsSecret });
    try {
      await svix.application.getOrCreate({ name: 'org two', uid: 'org-2' });
      const failing = await svix.endpoint.create('org-2', { url: receiver.url('/failing') });
      receiver.setSecret('/failing', (await svix.endpoint.getSecret('org-2', failing.id)).key);
      receiver.answerWith(500);
      const message = await svix.message.create('org-2', { eventType: 'session.open', eventId: 'evt-fail', payload: {} });
      await pollUntil(() => ops.received.some((webhook) => (webhook.payload as { type?: string }).type === 'message.attempt.exhausted'), {
        what: 'exhausted webhook',
      });
      receiver.answerWith(200);

      const attempts = await svix.messageAttempt.listByEndpoint('org-2', failing.id, { limit: 2 });
      assert.equal(attempts.data.length, 2);
      assert.equal(attempts.done, false);
      const rest = await svix.messageAttempt.listByEndpoint('org-2', failing.id, { limit: 2, iterator: attempts.iterator });
      assert.equal(rest.data.length, 1, '1 try + 2 retries = 3 attempts');
      assert.equal(rest.done, true);
      const every = [...attempts.data, ...rest.data];
      assert.ok(every.every((attempt) => attempt.status === MessageStatus.Fail && attempt.responseStatusCode === 500 && attempt.msgId === message.id));
      assert.ok(every.every((attempt) => attempt.triggerType === MessageAttemptTriggerType.Scheduled));
      assert.ok(every[0]!.timestamp > every[2]!.timestamp, 'newest first');
      const byStatus = await svix.messageAttempt.listByEndpoint('org-2', failing.id, { status: MessageStatus.Success });
      assert.equal(byStatus.data.length, 0);

      const types = ops.received.map((webhook) => (webhook.payload as { type: string }).type);
      assert.ok(types.includes('message.attempt.failing'));
      assert.ok(
        ops.received.every((webhook) => webhook.verified),
        'operational webhooks are signed',
      );
      const exhausted = ops.received.find((webhook) => (webhook.payload as { type: string }).type === 'message.attempt.exhausted')!;
      assert.deepEqual(Object.keys((exhausted.payload as { data: object }).data).sort(), [
        'appId',
        'appUid',
        'endpointId',
        'lastAttempt',
        'msgEventId',
        'msgId',
      ]);
      assert.deepEqual(await svix.endpoint.getStats('org-2', failing.id), { success: 0, pending: 0, sending: 0, fail: 1, canceled: 0 });
    } finally {
      standIn.setOperationalWebhook(undefined);
      await ops.close();
    }
  });

  it('disables an endpoint failing for too long and says so (endpoint.disabled)', async () => {
    const quick = await SvixStandIn.start({ retryScheduleMs: [20], disableEndpointAfterMs: 0 });
    try {
      const client = new Svix(quick.token, { serverUrl: quick.url });
      await client.application.getOrCreate({ name: 'o', uid: 'org-3' });
      const endpoint = await client.endpoint.create('org-3', { url: 'http://127.0.0.1:9/unreachable' });
      await client.message.create('org-3', { eventType: 'session.open', payload: {} });
      await pollUntil(() => quick.operationalSent.some((event) => event.type === 'endpoint.disabled'), { what: 'endpoint.disabled' });
      assert.equal((await client.endpoint.get('org-3', endpoint.id)).disabled, true);
    } finally {
      await quick.close();
    }
  });

  it('injects 503, 429 with Retry-After and slow answers', async () => {
    standIn.injectFault({ status: 503, times: 1, path: /\/msg$/ });
    const unavailable = await rejection(svix.message.create('org-1', { eventType: 'session.open', payload: {} }));
    assert.equal(unavailable.code, 503);
    standIn.injectFault({ status: 429, retryAfterSeconds: 7 });
    const throttled = await rejection(svix.application.list());
    assert.equal(throttled.code, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    standIn.injectFault({ delayMs: 300 });
    const started = Date.now();
    await svix.application.list();
    assert.ok(Date.now() - started >= 300, 'the answer came after the injected delay');
    assert.equal((await svix.application.list()).data.length >= 2, true);
  });

  it('pages back and forth: iterator to older items, prevIterator to newer ones (polling)', async () => {
    await svix.application.getOrCreate({ name: 'paging', uid: 'org-paging' });
    const sent = [];
    for (let index = 0; index < 3; index += 1) sent.push(await svix.message.create('org-paging', { eventType: 'session.open', payload: { index } }));
    const first = await svix.message.list('org-paging', { limit: 2 });
    assert.deepEqual(
      first.data.map((message) => message.id),
      [sent[2]!.id, sent[1]!.id],
      'newest first',
    );
    assert.equal(first.done, false);
    const older = await svix.message.list('org-paging', { limit: 2, iterator: first.iterator });
    assert.deepEqual(
      older.data.map((message) => message.id),
      [sent[0]!.id],
    );
    assert.equal(older.done, true);
    const none = await svix.message.list('org-paging', { limit: 2, iterator: first.prevIterator });
    assert.deepEqual(none.data, [], 'nothing newer yet');
    const newest = await svix.message.create('org-paging', { eventType: 'session.open', payload: { index: 3 } });
    const newer = await svix.message.list('org-paging', { limit: 2, iterator: none.prevIterator });
    assert.deepEqual(
      newer.data.map((message) => message.id),
      [newest.id],
    );
  });

  it('lists messages newest first with event-type filters', async () => {
    const page = await svix.message.list('org-1', { eventTypes: ['session.close'] });
    assert.ok(page.data.length >= 1);
    assert.ok(page.data.every((message) => message.eventType === 'session.close'));
  });

  it('forgets its messages, attempts and requests on demand (benchmark rounds), keeping apps and event types', async () => {
    const app = await svix.application.getOrCreate({ name: 'forget', uid: 'org-forget' });
    await svix.message.create(app.id, { eventType: 'session.close', eventId: 'evt-forget', payload: { sid: 's' } }, { idempotencyKey: 'key-forget' });
    assert.equal(standIn.messageCount('org-forget'), 1);
    standIn.forgetMessages();
    assert.equal(standIn.messageCount('org-forget'), 0);
    assert.equal(standIn.messages().length, 0);
    assert.equal(standIn.requests().length, 0);
    assert.equal(standIn.appByUid('org-forget')?.id, app.id);
    assert.ok(standIn.eventTypeNames().includes('session.close'));
    // The same eventId and key make a new message: nothing of the forgotten one is left.
    const again = await svix.message.create(
      app.id,
      { eventType: 'session.close', eventId: 'evt-forget', payload: { sid: 's' } },
      { idempotencyKey: 'key-forget' },
    );
    assert.equal(standIn.messageCount('org-forget'), 1);
    assert.equal(standIn.messages('org-forget')[0]?.id, again.id);
  });
});
