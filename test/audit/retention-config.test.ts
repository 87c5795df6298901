// Retention deletes rows older than AUDIT_RETENTION_DAYS in batches and nothing newer;
// the service refuses to start on a bad setting, naming it, without printing secrets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RetentionService } from '@hookline/audit';
import { NO_BROKER_SKIP, brokersFromEnv, metricValue, startAudit, testDatabase, uniqueId, type RunningAudit } from './audit-harness.js';
import { closeAll } from '../support/close-all.js';

const MAIN = fileURLToPath(new URL('../../../services/audit/dist/main.js', import.meta.url));

void describe('audit: retention', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let audit: RunningAudit;
  let db: Awaited<ReturnType<typeof testDatabase>>;

  before(async () => {
    db = await testDatabase();
    audit = await startAudit({
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: uniqueId('hookline-audit-test'),
      AUDIT_RETENTION_DAYS: '30',
      AUDIT_RETENTION_BATCH_SIZE: '7',
      AUDIT_RETENTION_INTERVAL_SECONDS: '3600',
    });
  });

  after(() => closeAll(audit, db));

  void it('deletes rows older than AUDIT_RETENTION_DAYS, in batches, and keeps the rest', async () => {
    const insert = (id: string, daysAgo: number) =>
      db.pool.query(
        `INSERT INTO delivery_attempts (attempt_id, message_id, endpoint_id, app_id, status, response_status_code, trigger_type, attempted_at, response_duration_ms)
         VALUES ($1, 'msg', 'ep', 'app', 0, 200, 0, now() - make_interval(days => $2), 5)`,
        [id, daysAgo],
      );
    for (let index = 0; index < 20; index += 1) await insert(`old-${index}`, 31 + index);
    for (let index = 0; index < 5; index += 1) await insert(`new-${index}`, 29 - index);
    await db.pool.query(
      `INSERT INTO operational_webhooks (svix_id, type, payload, sent_at, received_at) VALUES ('old-op', 'endpoint.updated', '{}', now() - interval '40 days', now() - interval '40 days')`,
    );

    // The background run (at start, then hourly) may take part of it: count both through the metric.
    const deleted = await audit.app.get(RetentionService).purge();
    assert.ok((deleted.delivery_attempts ?? 0) <= 20);
    assert.deepEqual(
      (await db.pool.query<{ attempt_id: string }>('SELECT attempt_id FROM delivery_attempts ORDER BY attempt_id')).rows.map((row) => row.attempt_id),
      ['new-0', 'new-1', 'new-2', 'new-3', 'new-4'],
    );
    assert.equal(await metricValue(audit.url, 'hookline_audit_retention_deleted_total', { table: 'delivery_attempts' }), 20);
    assert.equal(await metricValue(audit.url, 'hookline_audit_retention_deleted_total', { table: 'operational_webhooks' }), 1);
    assert.equal(await db.count('SELECT count(*) AS n FROM operational_webhooks'), 0);
  });
});

void describe('audit configuration at start', () => {
  function start(env: Record<string, string>) {
    return spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
  }

  void it('exits 1 naming every bad setting, secrets not shown', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', ADMIN_TOKENS: 'short', DATABASE_URL: 'mysql://u:hunter2@h/d', AUDIT_RETENTION_DAYS: 'forever' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^audit refuses to start: invalid configuration: /);
    assert.match(run.stderr, /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL \(value not shown: sensitive\)/);
    assert.match(
      run.stderr,
      /ADMIN_TOKENS: expected a comma-separated list of tokens, each at least 16 visible ASCII characters \(value not shown: sensitive\)/,
    );
    assert.match(run.stderr, /AUDIT_RETENTION_DAYS: expected a whole number of days 0-36500 \(0 keeps everything\), got 'forever'/);
    assert.ok(!run.stderr.includes('hunter2') && !run.stderr.includes("'short'"));
    assert.equal(run.stdout, '');
  });

  void it('exits 1 naming ADMIN_TOKENS when it is missing', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', DATABASE_URL: 'postgres://audit@127.0.0.1:1/audit' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'audit refuses to start: invalid configuration: ADMIN_TOKENS: required\n');
  });

  void it('exits 1 naming DATABASE_URL when it is missing: there is no embedded database in the service', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', ADMIN_TOKENS: 'an-admin-token-of-24-chs' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'audit refuses to start: invalid configuration: DATABASE_URL: required\n');
  });
});
