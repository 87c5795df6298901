// RecordStore on the embedded PostgreSQL server (what `npm start` runs), through node-postgres,
// with the service's real migrations: each row once, latency settled once, hostile text kept.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '@hookline/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@hookline/database/embedded';
import { MetricsRegistry } from '@hookline/observability';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_TABLE } from '../audit.constant.js';
import { rowsOf } from './unnest-insert.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { RecordStore } from './record-store.service.js';
import type { AttemptRow, HookExecutionRow, PublicationRow } from './record-rows.js';

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

function hookRow(eventId: string, overrides: Partial<HookExecutionRow> = {}): HookExecutionRow {
  return {
    eventId,
    eventType: 'session.close',
    eventTime: new Date('2026-11-24T10:00:00Z'),
    sid: 'sid-1',
    orgId: 'org-1',
    hook: 'session-close',
    hookPath: 'hoop-hooks/session-close.runbook.py',
    gitCommit: null,
    outcome: 'success',
    startedAt: new Date('2026-11-24T10:00:01Z'),
    durationMs: 1500,
    exitCode: 0,
    signal: null,
    timedOut: false,
    skippedReason: null,
    error: null,
    stdoutText: 'ok',
    stdoutTruncated: false,
    stdoutBytes: 2,
    stderrText: '',
    stderrTruncated: false,
    stderrBytes: 0,
    payloadTruncated: false,
    ...overrides,
  };
}

function publicationRow(eventId: string, messageId: string): PublicationRow {
  return {
    eventId,
    eventType: 'session.close',
    eventTime: new Date('2026-11-24T10:00:00Z'),
    key: 'sid-1',
    sid: 'sid-1',
    orgId: 'org-1',
    connectionName: null,
    svixAppId: 'app_1',
    svixMessageId: messageId,
    alreadyPublished: false,
    publishedAt: new Date('2026-11-24T10:00:02Z'),
  };
}

function attemptRow(attemptId: string, messageId: string, status: number): AttemptRow {
  return {
    attemptId,
    messageId,
    endpointId: 'ep_1',
    appId: 'app_1',
    eventType: 'session.close',
    eventId: null,
    sid: null,
    status,
    responseStatusCode: status === 0 ? 200 : 500,
    triggerType: 0,
    attemptedAt: new Date('2026-11-24T10:00:05Z'),
    responseDurationMs: 12,
  };
}

void describe('RecordStore (embedded database)', () => {
  let embedded: EmbeddedPostgres;
  let handle: DatabaseHandle;
  let registry: MetricsRegistry;
  let store: RecordStore;

  before(async () => {
    embedded = await startEmbeddedPostgres();
    handle = await openDatabase({ url: embedded.url, migrationsFolder: MIGRATIONS, migrationsTable: MIGRATIONS_TABLE });
    registry = new MetricsRegistry('audit-spec');
    store = new RecordStore({ db: handle.db }, new AuditMetrics(registry), { AUDIT_WRITE_BATCH_ROWS: 100, AUDIT_WRITE_CONCURRENCY: 2 });
  });

  after(async () => {
    await (handle as DatabaseHandle | undefined)?.close();
    await (embedded as EmbeddedPostgres | undefined)?.stop();
  });

  const count = async (table: string): Promise<number> =>
    Number(rowsOf<{ n: number }>(await handle.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0]?.n);

  void it('stores a record once however often it is handed in, and says which time was new', async () => {
    const outcomes = await Promise.all([
      store.storeHookExecution(hookRow('evt-1')),
      store.storeHookExecution(hookRow('evt-1')),
      store.storeHookExecution(hookRow('evt-2')),
    ]);
    assert.deepEqual(outcomes, [true, false, true]);
    assert.equal(await store.storeHookExecution(hookRow('evt-1')), false);
    assert.equal(await count('hook_executions'), 2);
    const counted = await registry.getSingleMetric('hookline_audit_hook_executions_total')!.get();
    assert.equal(
      counted.values.reduce((sum, value) => sum + value.value, 0),
      2,
    );
  });

  void it('keeps hostile text as text: NUL bytes, quotes, SQL', async () => {
    const nasty = "'); DROP TABLE hook_executions; --\u0000\u{1F600}";
    assert.equal(await store.storeHookExecution(hookRow('evt-nasty', { stdoutText: nasty, error: nasty })), true);
    const stored = rowsOf<{ stdout_text: string }>(await handle.db.execute(sql`SELECT stdout_text FROM hook_executions WHERE event_id = 'evt-nasty'`));
    assert.equal(stored[0]?.stdout_text, nasty.replace('\u0000', '\uFFFD'));
    assert.equal(await count('hook_executions'), 3);
  });

  void it('observes delivery latency once, whether the attempt or the publication comes first', async () => {
    const latency = async () =>
      (await registry.getSingleMetric('hookline_delivery_latency_seconds')!.get()).values.find(
        (value) => (value as { metricName?: string }).metricName === 'hookline_delivery_latency_seconds_count',
      )?.value ?? 0;
    // Attempt first: no event time yet, nothing observed; the publication then settles it and names its session.
    assert.equal(await store.storeAttempts([attemptRow('atmpt_1', 'msg_1', 0), attemptRow('atmpt_2', 'msg_1', 2)]), 2);
    assert.equal(await latency(), 0);
    assert.equal(await store.storePublication(publicationRow('evt-p1', 'msg_1')), true);
    assert.equal(await latency(), 1);
    const rows = rowsOf<{ attempt_id: string; sid: string | null; latency_seconds: number | null }>(
      await handle.db.execute(sql`SELECT attempt_id, sid, latency_seconds FROM delivery_attempts ORDER BY attempt_id`),
    );
    assert.deepEqual(rows, [
      { attempt_id: 'atmpt_1', sid: 'sid-1', latency_seconds: 5 },
      { attempt_id: 'atmpt_2', sid: 'sid-1', latency_seconds: null },
    ]);
    // Publication first: the attempt settles itself. Stored again: nothing observed twice.
    assert.equal(await store.storePublication(publicationRow('evt-p2', 'msg_2')), true);
    assert.equal(await store.storeAttempts([attemptRow('atmpt_3', 'msg_2', 0)]), 1);
    assert.equal(await store.storeAttempts([attemptRow('atmpt_3', 'msg_2', 0)]), 0);
    assert.equal(await store.storePublication(publicationRow('evt-p2', 'msg_2')), false);
    assert.equal(await latency(), 2);
  });
});
