// RecordStore on the machine's real PostgreSQL, where an attempt and its publication (or
// gateway event) are stored by different writers at the same moment: each successful
// attempt's latency is still settled, and observed once.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '@hookline/database';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import { MetricsRegistry } from '@hookline/observability';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_TABLE } from '../audit.constant.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { RecordStore } from './record-store.service.js';
import type { AttemptRow, GatewayEventRow, PublicationRow } from './record-rows.js';
import { rowsOf } from './unnest-insert.js';

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
const EVENT_TIME = new Date('2026-11-24T10:00:00Z');
const ATTEMPTED_AT = new Date('2026-11-24T10:00:07Z');
const PAIRS = 300;

const publicationRow = (i: number): PublicationRow => ({
  eventId: `evt-p${i}`,
  eventType: 'session.open',
  eventTime: EVENT_TIME,
  key: `sid-${i}`,
  sid: `sid-${i}`,
  orgId: 'org-1',
  connectionName: null,
  svixAppId: 'app_1',
  svixMessageId: `msg_p${i}`,
  alreadyPublished: false,
  publishedAt: new Date('2026-11-24T10:00:01Z'),
});

const eventRow = (i: number): GatewayEventRow => ({
  eventId: `evt-e${i}`,
  eventType: 'session.open',
  eventTime: EVENT_TIME,
  sid: `sid-e${i}`,
  key: `sid-e${i}`,
  orgId: 'org-1',
  connectionName: null,
  topic: 'gateway.sessions.v1',
  partition: 0,
  offset: String(i),
});

const attemptRow = (attemptId: string, messageId: string, eventId: string | null): AttemptRow => ({
  attemptId,
  messageId,
  endpointId: 'ep_1',
  appId: 'app_1',
  eventType: 'session.open',
  eventId,
  sid: null,
  status: 0,
  responseStatusCode: 200,
  triggerType: 0,
  attemptedAt: ATTEMPTED_AT,
  responseDurationMs: 9,
});

const jitter = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));

void describe('RecordStore (PostgreSQL, concurrent writers)', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let registry: MetricsRegistry;

  before(async () => {
    database = await createTestDatabase('audit_store_spec');
    handle = await openDatabase({ url: database.url, migrationsFolder: MIGRATIONS, migrationsTable: MIGRATIONS_TABLE, poolSize: 12 });
    registry = new MetricsRegistry('audit-concurrency-spec');
  });

  after(async () => {
    await (handle as DatabaseHandle | undefined)?.close();
    await (database as TestDatabase | undefined)?.drop();
  });

  const observedLatencies = async (): Promise<number> =>
    (await registry.getSingleMetric('hookline_delivery_latency_seconds')!.get()).values.find(
      (value) => (value as { metricName?: string }).metricName === 'hookline_delivery_latency_seconds_count',
    )?.value ?? 0;

  void it('settles an attempt stored while its publication or event is still being written, and the other way round', async () => {
    const store = new RecordStore({ db: handle.db }, new AuditMetrics(registry), { AUDIT_WRITE_BATCH_ROWS: 20, AUDIT_WRITE_CONCURRENCY: 2 });
    // A slow insert: the table's statement ends (and commits) 300 ms after it began, so a
    // write to another table started meanwhile runs, settles and commits inside that window.
    await handle.db.execute(sql`CREATE FUNCTION spec_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`);
    const slow = async (table: string, write: () => Promise<unknown>, meanwhile: () => Promise<unknown>): Promise<void> => {
      await handle.db.execute(sql`CREATE TRIGGER spec_slow AFTER INSERT ON ${sql.identifier(table)} FOR EACH STATEMENT EXECUTE FUNCTION spec_slow_insert()`);
      try {
        const slowWrite = write();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await meanwhile();
        await slowWrite;
      } finally {
        await handle.db.execute(sql`DROP TRIGGER spec_slow ON ${sql.identifier(table)}`);
      }
    };
    const observedBefore = await observedLatencies();
    await slow(
      'svix_publications',
      () => store.storePublication(publicationRow(9001)),
      () => store.storeAttempts([attemptRow('atmpt_s1', 'msg_p9001', null)]),
    );
    await slow(
      'gateway_events',
      () => store.storeEvent(eventRow(9002)),
      () => store.storeAttempts([attemptRow('atmpt_s2', 'msg_e9002', 'evt-e9002')]),
    );
    await slow(
      'delivery_attempts',
      () => store.storeAttempts([attemptRow('atmpt_s3', 'msg_p9003', null)]),
      () => store.storePublication(publicationRow(9003)),
    );
    await slow(
      'delivery_attempts',
      () => store.storeAttempts([attemptRow('atmpt_s4', 'msg_e9004', 'evt-e9004')]),
      () => store.storeEvent(eventRow(9004)),
    );
    await handle.db.execute(sql`DROP FUNCTION spec_slow_insert()`);

    const settled = rowsOf<{ attempt_id: string; latency_seconds: number | null; sid: string | null }>(
      await handle.db.execute(sql`SELECT attempt_id, latency_seconds, sid FROM delivery_attempts WHERE attempt_id LIKE 'atmpt_s%' ORDER BY attempt_id`),
    );
    assert.deepEqual(settled, [
      { attempt_id: 'atmpt_s1', latency_seconds: 7, sid: 'sid-9001' },
      { attempt_id: 'atmpt_s2', latency_seconds: 7, sid: null },
      { attempt_id: 'atmpt_s3', latency_seconds: 7, sid: 'sid-9003' },
      { attempt_id: 'atmpt_s4', latency_seconds: 7, sid: null },
    ]);
    assert.equal((await observedLatencies()) - observedBefore, 4);
    await handle.db.execute(sql`DELETE FROM delivery_attempts WHERE attempt_id LIKE 'atmpt_s%'`);
  });

  void it(`settles every attempt once when it and its publication or event are stored at the same time (${PAIRS} of each)`, async () => {
    // Two stores, as two audit instances on one database; each writes in batches of its own.
    const config = { AUDIT_WRITE_BATCH_ROWS: 20, AUDIT_WRITE_CONCURRENCY: 3 };
    const stores = [0, 1].map(() => new RecordStore({ db: handle.db }, new AuditMetrics(registry), config));
    const storeOf = (i: number): RecordStore => stores[i % 2]!;
    const observedBefore = await observedLatencies();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < PAIRS; i += 1) {
      // The attempt and its publication (or gateway event) from different instances, a few ms apart in either order.
      writes.push(jitter().then(() => storeOf(i).storeAttempts([attemptRow(`atmpt_p${i}`, `msg_p${i}`, null)])));
      writes.push(jitter().then(() => storeOf(i + 1).storePublication(publicationRow(i))));
      writes.push(jitter().then(() => storeOf(i + 1).storeAttempts([attemptRow(`atmpt_e${i}`, `msg_e${i}`, `evt-e${i}`)])));
      writes.push(jitter().then(() => storeOf(i).storeEvent(eventRow(i))));
    }
    await Promise.all(writes);

    const unsettled = rowsOf<{ attempt_id: string }>(
      await handle.db.execute(
        sql`SELECT attempt_id FROM delivery_attempts WHERE latency_seconds IS NULL AND attempt_id NOT LIKE 'atmpt_s%' ORDER BY attempt_id`,
      ),
    );
    assert.deepEqual(
      unsettled.map((row) => row.attempt_id),
      [],
      'every successful attempt has its latency',
    );
    const latencies = rowsOf<{ latency_seconds: number; n: number }>(
      await handle.db.execute(sql`SELECT latency_seconds, count(*)::int AS n FROM delivery_attempts WHERE attempt_id NOT LIKE 'atmpt_s%' GROUP BY 1`),
    );
    assert.deepEqual(latencies, [{ latency_seconds: 7, n: 2 * PAIRS }], 'attempted 7 s after the event');
    const unnamed = rowsOf<{ n: number }>(
      await handle.db.execute(sql`SELECT count(*)::int AS n FROM delivery_attempts WHERE message_id LIKE 'msg_p%' AND sid IS NULL`),
    );
    assert.equal(unnamed[0]?.n, 0, 'attempts read before their publication are given its session');
    assert.equal((await observedLatencies()) - observedBefore, 2 * PAIRS, 'each attempt observed once in hookline_delivery_latency_seconds');

    // Everything handed in again (a replay, both instances): nothing settled or observed twice.
    await Promise.all(
      Array.from({ length: PAIRS }, (_, i) => [
        storeOf(i + 1).storeAttempts([attemptRow(`atmpt_p${i}`, `msg_p${i}`, null), attemptRow(`atmpt_e${i}`, `msg_e${i}`, `evt-e${i}`)]),
        storeOf(i).storePublication(publicationRow(i)),
        storeOf(i + 1).storeEvent(eventRow(i)),
      ]).flat(),
    );
    assert.equal((await observedLatencies()) - observedBefore, 2 * PAIRS);
  });
});
