// PostgreSQL stopped and started while records flow: readiness goes false, nothing is
// committed while rows cannot be stored, and everything is stored once it is back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TOPICS } from '@hookline/contracts';
import type { Admin } from 'kafkajs';
import { PrivatePostgres, postgresBinDir } from '../support/private-postgres.js';
import { closeAll } from '../support/close-all.js';
import { pollUntil } from '@hookline/kafka/testing';
import {
  NO_BROKER_SKIP,
  RecordWriter,
  brokersFromEnv,
  gatewayEvent,
  hookExecution,
  metricSum,
  publication,
  startAudit,
  testKafka,
  uniqueId,
  type RunningAudit,
} from './audit-harness.js';

const skip =
  brokersFromEnv === undefined ? NO_BROKER_SKIP : postgresBinDir() === undefined ? 'PostgreSQL server binaries (initdb, pg_ctl) are not installed' : false;
const TOPICS_WATCHED = [TOPICS.hookExecutions, TOPICS.svixPublications];

async function offsets(admin: Admin, groupId: string | undefined): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const topic of TOPICS_WATCHED) {
    if (groupId === undefined) {
      for (const partition of await admin.fetchTopicOffsets(topic)) result.set(`${topic}:${partition.partition}`, Number(partition.high));
    } else {
      for (const entry of await admin.fetchOffsets({ groupId, topics: [topic] })) {
        for (const partition of entry.partitions) result.set(`${topic}:${partition.partition}`, Number(partition.offset));
      }
    }
  }
  return result;
}

void describe('audit: PostgreSQL stopped and started while records flow', { skip }, () => {
  let postgres: PrivatePostgres;
  let audit: RunningAudit;
  let writer: RecordWriter;
  let admin: Admin;
  // Opened on first use, ended while PostgreSQL is down.
  let pool: pg.Pool | undefined;
  const groupId = uniqueId('hookline-audit-test');
  const prefix = uniqueId('pgrestart');

  before(async () => {
    postgres = await PrivatePostgres.start();
    audit = await startAudit({ DATABASE_URL: postgres.url, KAFKA_GROUP_ID: groupId });
    const kafka = testKafka();
    writer = new RecordWriter(kafka);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await closeAll(audit, writer, admin);
    await pool?.end();
    // Unset when before() failed before starting it.
    (postgres as PrivatePostgres | undefined)?.destroy();
  });

  function batch(from: number, count: number) {
    return Array.from({ length: count }, (_, index) => {
      const event = gatewayEvent('session.open', `${prefix}-${from + index}`, new Date(Date.now() - 60_000));
      return [{ hook: hookExecution(event) }, { publication: publication(event, 'app_x', `msg_${prefix}_${from + index}`, new Date()) }] as const;
    }).flat();
  }

  async function stored(): Promise<{ hooks: number; publications: number; distinctHooks: number }> {
    pool ??= new pg.Pool({ connectionString: postgres.url, max: 1 });
    const row = (
      await pool.query<{ hooks: string; publications: string; distinct_hooks: string }>(
        `SELECT (SELECT count(*) FROM hook_executions WHERE sid LIKE $1) AS hooks,
                (SELECT count(DISTINCT sid) FROM hook_executions WHERE sid LIKE $1) AS distinct_hooks,
                (SELECT count(*) FROM svix_publications WHERE sid LIKE $1) AS publications`,
        [`${prefix}-%`],
      )
    ).rows[0]!;
    return { hooks: Number(row.hooks), publications: Number(row.publications), distinctHooks: Number(row.distinct_hooks) };
  }

  async function ready(): Promise<{ status: number; postgres: string | undefined }> {
    const response = await fetch(`${audit.url}/health/ready`);
    const body = (await response.json()) as { details?: { postgres?: { status?: string } } };
    return { status: response.status, postgres: body.details?.postgres?.status };
  }

  void it('pauses without committing while PostgreSQL is down and stores everything once it is back', async () => {
    await writer.send(batch(0, 100));
    await pollUntil(async () => (await stored()).hooks === 100, { timeoutMs: 30_000, what: 'the first 100 records stored' });
    assert.deepEqual(await ready(), { status: 200, postgres: 'up' });

    await pool?.end();
    pool = undefined;
    postgres.stopServer();
    await pollUntil(async () => (await ready()).status === 503, { what: 'readiness false with PostgreSQL down' });
    assert.equal((await ready()).postgres, 'down');

    const endBeforeOutage = await offsets(admin, undefined);
    // Any table: the partitions may still be working through older records when PostgreSQL goes.
    const failuresBefore = await metricSum(audit.url, 'hookline_audit_store_failures_total');
    await writer.send(batch(100, 150));
    // Stores are failing and being retried...
    await pollUntil(async () => (await metricSum(audit.url, 'hookline_audit_store_failures_total')) >= failuresBefore + 3, {
      timeoutMs: 30_000,
      what: 'failed INSERTs while PostgreSQL is down',
    });
    // ...and nothing written during the outage is committed.
    const committed = await offsets(admin, groupId);
    for (const [partition, end] of endBeforeOutage) {
      assert.ok((committed.get(partition) ?? -1) <= end, `${partition}: committed ${committed.get(partition)} is past what was stored (${end})`);
    }

    postgres.startServer();
    await pollUntil(async () => (await ready()).status === 200, { timeoutMs: 30_000, what: 'readiness back' });
    const after = await pollUntil(
      async () => {
        const counts = await stored();
        return counts.hooks === 250 && counts.publications === 250 ? counts : undefined;
      },
      { timeoutMs: 60_000, what: 'all 250 hook runs and publications stored after the restart' },
    );
    assert.equal(after.distinctHooks, 250, 'each record stored once');
    // And now the offsets move past everything.
    const end = await offsets(admin, undefined);
    await pollUntil(
      async () => {
        const now = await offsets(admin, groupId);
        return [...end].every(([partition, high]) => (now.get(partition) ?? -1) >= high);
      },
      { timeoutMs: 30_000, what: 'offsets committed up to the end' },
    );
  });
});
