/**
 * npm run bench:audit — rows the audit service stores per second from Kafka (svix-publication
 * records from hookline.svix-publications.v1 -> svix_publications rows, each decoded and
 * validated, group-committed, offsets committed after), beside a raw multi-row INSERT of
 * the same rows into the same table with the same driver (pg, 500 rows per statement), in
 * the same run against the same PostgreSQL. Bounded: BENCH_ROWS rows per leg.
 *
 * Attempt rows themselves come from Svix's attempt API, paced on purpose, so the Kafka
 * path is measured with the publication records, whose rows are of the same shape (ids,
 * event type, times) and which every attempt is joined to.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { EVENT_TYPES, TOPICS, svixPublicationRecordCodec, svixPublicationRecordSchema, type SvixPublicationRecord } from '@hookline/contracts';
import { LOCAL_TEST_DATABASE_URL, createTestDatabase } from '@hookline/database/testing';
import { provideKafkaBroker } from '@hookline/kafka-broker';
import { loadConfig } from '@hookline/observability';
import { auditSettings, createAuditApp } from '@hookline/audit';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 50_000);
const RAW_ROWS_PER_STATEMENT = 500;
const GOAL_RATIO = 0.3;
const TIMEOUT_MS = 300_000;

function records(runId: string): SvixPublicationRecord[] {
  const base = Date.now() - 60_000;
  return Array.from({ length: ROWS }, (_, index) => ({
    event_id: `${runId}-evt-${index}`,
    event_type: EVENT_TYPES[index % EVENT_TYPES.length]!,
    event_time: new Date(base + index).toISOString(),
    key: `${runId}-sid-${index % 5_000}`,
    sid: `${runId}-sid-${index % 5_000}`,
    org_id: `org-${index % 10}`,
    connection_name: 'pg-billing-prod',
    svix_app_id: `app_${index % 10}`,
    svix_message_id: `msg_${runId}_${index}`,
    already_published: false,
    published_at: new Date(base + index + 50).toISOString(),
  }));
}

async function produce(brokers: string[], items: readonly SvixPublicationRecord[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-audit-producer', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPICS.svixPublications, numPartitions: 6 }], waitForLeaders: true }).catch(() => false);
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  await producer.connect();
  for (let start = 0; start < items.length; start += 1_000) {
    await producer.send({
      topic: TOPICS.svixPublications,
      acks: -1,
      messages: items.slice(start, start + 1_000).map((item) => {
        const encoded = svixPublicationRecordCodec.encode(item);
        return { key: encoded.key, value: encoded.value, headers: encoded.headers };
      }),
    });
  }
  await producer.disconnect();
}

/** Rows/s from the first row stored to the last (stored_at is each INSERT's transaction time). */
async function auditLeg(
  brokers: string[],
  databaseUrl: string,
  runId: string,
  pool: pg.Pool,
): Promise<{ rate: number; wallSeconds: number; rowsPerStatement: number }> {
  const config = loadConfig(auditSettings, {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_GROUP_ID: `hookline-audit-bench-${runId}`,
    DATABASE_URL: databaseUrl,
    ADMIN_TOKENS: 'bench-admin-token-0123456789',
    LOG_LEVEL: 'warn',
    AUDIT_RETENTION_DAYS: '0',
  });
  const app = await createAuditApp(config);
  await app.listen(0, '127.0.0.1');
  const started = performance.now();
  try {
    for (;;) {
      const count = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM svix_publications WHERE event_id LIKE $1', [`${runId}-%`])).rows[0]?.n);
      if (count >= ROWS) break;
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`the audit service stored ${count} of ${ROWS} rows in ${TIMEOUT_MS} ms`);
      await sleep(100);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const span = (
      await pool.query<{ seconds: number }>(
        'SELECT extract(epoch from max(stored_at) - min(stored_at))::float8 AS seconds FROM svix_publications WHERE event_id LIKE $1',
        [`${runId}-%`],
      )
    ).rows[0]!.seconds;
    // Each INSERT is its own transaction, so distinct stored_at values count the statements.
    const statements = Number(
      (await pool.query<{ n: string }>('SELECT count(DISTINCT stored_at) AS n FROM svix_publications WHERE event_id LIKE $1', [`${runId}-%`])).rows[0]?.n,
    );
    return { rate: (ROWS - 1) / span, wallSeconds, rowsPerStatement: ROWS / statements };
  } finally {
    await app.close();
  }
}

// The table's columns are named as the record's fields.
const COLUMNS = Object.keys(svixPublicationRecordSchema.shape) as (keyof SvixPublicationRecord)[];

/** The same rows, multi-row INSERTs of RAW_ROWS_PER_STATEMENT on one connection. */
async function rawLeg(pool: pg.Pool, items: readonly SvixPublicationRecord[]): Promise<number> {
  await pool.query('TRUNCATE svix_publications');
  const client = await pool.connect();
  try {
    const started = performance.now();
    for (let start = 0; start < items.length; start += RAW_ROWS_PER_STATEMENT) {
      const chunk = items.slice(start, start + RAW_ROWS_PER_STATEMENT);
      const values: unknown[] = [];
      const tuples = chunk.map((item, row) => {
        values.push(...COLUMNS.map((column) => item[column]));
        return `(${COLUMNS.map((_, column) => `$${row * COLUMNS.length + column + 1}`).join(',')})`;
      });
      await client.query(`INSERT INTO svix_publications (${COLUMNS.join(',')}) VALUES ${tuples.join(',')}`, values);
    }
    return items.length / ((performance.now() - started) / 1000);
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  const broker = await provideKafkaBroker({ heapMb: 1024 });
  const database = await createTestDatabase('audit_bench');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const runId = randomUUID().slice(0, 8);
    const items = records(runId);
    await produce(broker.brokers, items);
    const audit = await auditLeg(broker.brokers, database.url, runId, pool);
    const raw = await rawLeg(pool, items);
    const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} rows/s`;
    console.log(`\naudit benchmark — ${ROWS} svix-publication rows, ${broker.kind} broker, PostgreSQL ${new URL(database.url).host}`);
    console.log(
      `  audit service, Kafka -> rows (first to last row)   ${fmt(audit.rate)}  (wall ${audit.wallSeconds.toFixed(1)} s incl. group join; ${Math.round(audit.rowsPerStatement)} rows/INSERT)`,
    );
    console.log(`  raw pg multi-row INSERT (${RAW_ROWS_PER_STATEMENT}/statement)          ${fmt(raw)}`);
    console.log(`  ratio audit / raw                                  ${(audit.rate / raw).toFixed(2)}  (goal >= ${GOAL_RATIO})`);
    console.log(
      JSON.stringify({
        rows: ROWS,
        audit: audit.rate,
        auditWallSeconds: audit.wallSeconds,
        rowsPerStatement: audit.rowsPerStatement,
        raw,
        ratio: audit.rate / raw,
      }),
    );
  } finally {
    await pool.end();
    // pool.end() resolves before its sockets close: let them go before DROP ... WITH (FORCE) cuts them.
    const admin = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] ?? LOCAL_TEST_DATABASE_URL });
    await admin.connect();
    for (let tries = 0; tries < 100; tries += 1) {
      const open = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database.name])).rows[0]?.n);
      if (open === 0) break;
      await sleep(50);
    }
    await admin.end();
    await database.drop();
    await broker.stop();
  }
}

await main();
