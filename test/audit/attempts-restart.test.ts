// Delivery attempts read from the Svix stand-in's attempt API, incrementally per
// endpoint, across a restart of the audit service: every attempt stored once, none
// missed, the restart resuming from the persisted cursor, the reading paced.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MessageStatus, Svix } from 'svix';
import { pollUntil } from '@hookline/kafka/testing';
import { NO_BROKER_SKIP, brokersFromEnv, startAudit, uniqueId, type RunningAudit, startDeliveryStage, type DeliveryStage } from './audit-harness.js';
import { closeAll } from '../support/close-all.js';

const REQUESTS_PER_SECOND = 20;

/** Most GET requests (the reader's; the test itself only POSTs) seen within any one second. */
function busiestSecond(requests: readonly { method: string; at: number }[]): number {
  const times = requests
    .filter((request) => request.method === 'GET')
    .map((request) => request.at)
    .sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! >= 1_000) first += 1;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

void describe('audit: delivery attempts from the Svix attempt API', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: DeliveryStage;
  let svix: Svix;
  let audit: RunningAudit | undefined;
  const groupId = uniqueId('hookline-audit-test');

  const start = () =>
    startAudit({
      DATABASE_URL: stage.db.url,
      KAFKA_GROUP_ID: groupId,
      SVIX_AUTH_TOKEN: stage.standIn.token,
      SVIX_SERVER_URL: stage.standIn.url,
      SVIX_ATTEMPT_POLL_SECONDS: '0.2',
      // Small pages: every round walks several pages per endpoint.
      SVIX_ATTEMPT_PAGE_SIZE: '7',
      SVIX_REQUESTS_PER_SECOND: String(REQUESTS_PER_SECOND),
    });

  async function storedIds(): Promise<string[]> {
    return (await stage.db.pool.query<{ attempt_id: string }>('SELECT attempt_id FROM delivery_attempts ORDER BY attempt_id')).rows.map(
      (row) => row.attempt_id,
    );
  }

  function standInIds(): string[] {
    return stage.standIn
      .attempts()
      .map((attempt) => attempt.id)
      .sort();
  }

  async function publish(appIds: readonly string[], count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const appId = appIds[index % appIds.length]!;
      await svix.message.create(appId, { eventType: 'session.close', eventId: uniqueId('evt'), payload: { index } });
    }
  }

  /** Waits until Svix has no attempt in flight (a failing message keeps retrying for a moment). */
  async function settled(expected: number): Promise<void> {
    await pollUntil(
      () =>
        stage.standIn.attempts().length >= expected &&
        stage.standIn.attempts().every((attempt) => attempt.status !== MessageStatus.Pending && attempt.status !== MessageStatus.Sending),
      {
        timeoutMs: 30_000,
        what: `${expected}+ attempts made by the stand-in`,
      },
    );
  }

  before(async () => {
    stage = await startDeliveryStage({ retryScheduleMs: [30, 30], disableEndpointAfterMs: 600_000 }, 503);
    svix = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url, retryScheduleInMs: [] });
  });

  after(() => closeAll(audit, stage));

  void it('stores every attempt once, none missed across a restart, paced', async () => {
    await svix.eventType.upsert('session.close', { description: 'session closed' });
    const apps = [
      await svix.application.getOrCreate({ name: 'a', uid: uniqueId('org-a') }),
      await svix.application.getOrCreate({ name: 'b', uid: uniqueId('org-b') }),
    ];
    await svix.endpoint.create(apps[0]!.id, { url: stage.healthy.url('/a') });
    await svix.endpoint.create(apps[0]!.id, { url: stage.broken.url('/a-broken') });
    await svix.endpoint.create(apps[1]!.id, { url: stage.healthy.url('/b') });
    const appIds = apps.map((app) => app.id);

    await publish(appIds, 20);
    // 10 messages to app a: 10 on the healthy endpoint + 3 attempts each on the broken one; 10 on app b.
    await settled(10 + 30 + 10);
    audit = await start();
    await pollUntil(async () => (await storedIds()).length === standInIds().length, { timeoutMs: 30_000, what: 'every attempt stored before the restart' });
    assert.deepEqual(await storedIds(), standInIds());
    const cursors = await stage.db.count('SELECT count(*) AS n FROM attempt_cursors');
    assert.equal(cursors, 3, 'a cursor per endpoint');

    // Down while Svix keeps delivering: these attempts happen while nobody reads.
    await audit.close();
    audit = undefined;
    const requestsBefore = stage.standIn.requests().length;
    await publish(appIds, 14);
    await settled(50 + 7 + 21 + 7);

    audit = await start();
    await pollUntil(async () => (await storedIds()).length === standInIds().length, { timeoutMs: 30_000, what: 'every attempt stored after the restart' });
    const ids = await storedIds();
    assert.deepEqual(ids, standInIds(), 'the same attempts, none missed');
    assert.equal(new Set(ids).size, ids.length, 'none doubled');
    assert.equal(await stage.db.count('SELECT count(DISTINCT attempt_id) AS n FROM delivery_attempts'), stage.standIn.attempts().length);

    // The restart resumed from the persisted cursors: its attempt listings asked only for what came after.
    const listings = stage.standIn
      .requests()
      .slice(requestsBefore)
      .filter((request) => /\/attempt\/endpoint\//.test(request.path));
    assert.ok(listings.length > 0);
    assert.ok(
      listings.every((request) => request.query.get('after') !== null),
      'every listing after the restart names a cursor',
    );

    // Every listing asked for ids and statuses only: no message payloads, no endpoint response
    // bodies. These messages have no publication (the relay did not publish them), so the reader
    // read their types from Svix's message list, also without payloads: a request per app and
    // page of attempts, not one per message.
    const allListings = stage.standIn.requests().filter((request) => /\/attempt\/endpoint\//.test(request.path));
    assert.ok(
      allListings.every((request) => request.query.get('with_msg') === 'false' && request.query.get('with_content') === 'false'),
      'with_msg=false&with_content=false',
    );
    const messageLists = stage.standIn.requests().filter((request) => request.method === 'GET' && /\/api\/v1\/app\/[^/]+\/msg$/.test(request.path));
    assert.ok(messageLists.length > 0, 'the types of messages without a publication were read');
    assert.ok(
      messageLists.every((request) => request.query.get('with_content') === 'false'),
      'without payloads',
    );
    assert.ok(
      messageLists.length < new Set(stage.standIn.attempts().map((attempt) => attempt.msgId)).size,
      `${messageLists.length} message listings for ${new Set(stage.standIn.attempts().map((attempt) => attempt.msgId)).size} messages`,
    );

    // Fields as Svix gave them.
    const failed = await stage.db.pool.query<{ status: number; response_status_code: number; trigger_type: number; event_type: string; event_id: string }>(
      'SELECT status, response_status_code, trigger_type, event_type, event_id FROM delivery_attempts WHERE status = 2 LIMIT 1',
    );
    assert.equal(failed.rows[0]?.response_status_code, 503);
    assert.equal(failed.rows[0].event_type, 'session.close');
    assert.match(failed.rows[0].event_id, /^evt-/);

    // Paced: no audit process ever sent more than SVIX_REQUESTS_PER_SECOND requests in a one-second window.
    const busiest = Math.max(busiestSecond(stage.standIn.requests().slice(0, requestsBefore)), busiestSecond(stage.standIn.requests().slice(requestsBefore)));
    assert.ok(busiest <= REQUESTS_PER_SECOND, `at most ${REQUESTS_PER_SECOND} requests in a second, saw ${busiest}`);
  });
});
