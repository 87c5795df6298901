// Bounded answers: 500 hook runs of 64 KiB output each in the real PostgreSQL. A list of all 500,
// and the session's timeline, carry each run's output sizes and truncation flags (not the text), so
// the audit service answers them without its memory following the output's size; one run's output
// comes from its own route. Queries beyond what the service runs and queues at once get 503 +
// Retry-After. The service is a child process, so its RSS (from /proc) is its own and not the
// test runner's.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { QUERY_MAX_CONCURRENT, QUERY_MAX_WAITING } from '@hookline/audit';
import { freePort } from '@hookline/kafka-broker';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';
import { ADMIN_TOKEN, AUDITOR_TOKEN, NO_BROKER_SKIP, OPERATIONAL_SECRET, brokersFromEnv, getJson, testDatabase, uniqueId } from './audit-harness.js';

const MAIN = fileURLToPath(new URL('../../../services/audit/dist/main.js', import.meta.url));
const RUNS = 500;
const OUTPUT_BYTES = 64 * 1024;
const MAX_RSS_GROWTH_BYTES = 100 * 1024 * 1024;

/** A /proc/<pid>/status field in bytes (VmRSS: now; VmHWM: the peak since the last reset). */
function procBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * The service's peak RSS growth while `work` runs: the peak (VmHWM) is reset to the current RSS
 * first (clear_refs 5), so a short spike that is freed before the work ends still counts.
 */
async function peakGrowth(pid: number, work: () => Promise<void>): Promise<number> {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const before = procBytes(pid, 'VmRSS');
  await work();
  return procBytes(pid, 'VmHWM') - before;
}

void describe('audit: bounded answers', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  // Unset when before() fails early; after() then has nothing to stop.
  let child: ChildProcess | undefined;
  let url: string;
  let output = '';
  const sid = uniqueId('sid-big');

  before(async () => {
    db = await testDatabase();
    const port = await freePort();
    const started = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        KAFKA_BROKERS: brokersFromEnv ?? '',
        KAFKA_GROUP_ID: uniqueId('hookline-audit-bounded'),
        DATABASE_URL: db.url,
        ADMIN_TOKENS: ADMIN_TOKEN,
        AUDITOR_TOKENS: AUDITOR_TOKEN,
        SVIX_OPERATIONAL_WEBHOOK_SECRET: OPERATIONAL_SECRET,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    url = `http://127.0.0.1:${port}`;
    // Ready = migrated: the hook_executions table exists.
    await pollUntil(async () => started.exitCode === null && (await getJson(`${url}/v1/hook-executions?limit=1`)).status === 200, {
      timeoutMs: 60_000,
      what: `audit on ${url}: ${output}`,
    });
    // 500 runs of one session, each with 64 KiB of stdout and of stderr (text that does not compress).
    await db.pool.query(
      `INSERT INTO hook_executions (event_id, event_type, event_time, sid, org_id, hook, hook_path, git_commit, outcome, started_at, duration_ms,
         exit_code, signal, timed_out, skipped_reason, error, stdout_text, stdout_truncated, stdout_bytes, stderr_text, stderr_truncated, stderr_bytes, payload_truncated)
       SELECT 'evt_' || g, 'session.open', now() - make_interval(secs => g), $1, 'org_bounded', 'session-open', 'hoop-hooks/session-open.runbook.py', NULL, 'success',
         now() - make_interval(secs => g), 12.5, 0, NULL, false, NULL, NULL, o.text, true, 1048576, o.text, false, $2, false
       FROM generate_series(1, $3::int) AS g
       CROSS JOIN LATERAL (SELECT string_agg(md5(g::text || ':' || i), '') AS text FROM generate_series(1, $2::int / 32) AS i) AS o`,
      [sid, OUTPUT_BYTES, RUNS],
    );
  });

  after(async () => {
    const running = child;
    if (running !== undefined && running.exitCode === null) {
      running.kill('SIGTERM');
      await new Promise((resolve) => running.once('exit', resolve));
    }
    await closeAll(db);
  });

  void it(`lists ${RUNS} runs of 64 KiB output with sizes and flags, not the text, and < 100 MB RSS growth`, async () => {
    let answer = '';
    const growth = await peakGrowth(child!.pid!, async () => {
      const response = await fetch(`${url}/v1/hook-executions?limit=${RUNS}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(response.status, 200);
      answer = await response.text();
    });
    const page = JSON.parse(answer) as { data: { id: string; stdout: Record<string, unknown>; stderr: Record<string, unknown> }[] };
    assert.equal(page.data.length, RUNS);
    for (const run of page.data) {
      assert.deepEqual(run.stdout, { truncated: true, bytes: 1_048_576 });
      assert.deepEqual(run.stderr, { truncated: false, bytes: OUTPUT_BYTES });
    }
    assert.ok(answer.length < 1024 * 1024, `the answer is ${answer.length} bytes`);
    assert.ok(growth < MAX_RSS_GROWTH_BYTES, `RSS grew ${(growth / 1048576).toFixed(1)} MB`);
    process.stderr.write(`# list of ${RUNS} runs: ${answer.length} bytes, audit RSS peak growth ${(growth / 1048576).toFixed(1)} MB\n`);
  });

  void it('answers the timeline of a session with 500 such runs likewise', async () => {
    let answer = '';
    const growth = await peakGrowth(child!.pid!, async () => {
      const response = await fetch(`${url}/v1/sessions/${sid}/timeline`, { headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } });
      assert.equal(response.status, 200);
      answer = await response.text();
    });
    const timeline = JSON.parse(answer) as { entries: { kind: string; detail: { stdout: Record<string, unknown> } }[]; truncated: boolean };
    const runs = timeline.entries.filter((entry) => entry.kind === 'hook_execution');
    assert.equal(runs.length, RUNS);
    assert.equal(timeline.truncated, false);
    assert.ok(runs.every((entry) => !('text' in entry.detail.stdout)));
    assert.ok(growth < MAX_RSS_GROWTH_BYTES, `RSS grew ${(growth / 1048576).toFixed(1)} MB`);
    process.stderr.write(`# timeline of ${RUNS} runs: ${answer.length} bytes, audit RSS peak growth ${(growth / 1048576).toFixed(1)} MB\n`);
  });

  void it("gives one run's output from GET /v1/hook-executions/{id}; a bad or unknown id is 400/404", async () => {
    const list = await getJson(`${url}/v1/hook-executions?sid=${sid}&limit=1`);
    const [first] = list.body.data as { id: string; event_id: string }[];
    const one = await getJson(`${url}/v1/hook-executions/${first!.id}`, AUDITOR_TOKEN);
    assert.equal(one.status, 200);
    const stdout = one.body.stdout as { text: string; truncated: boolean; bytes: number };
    assert.equal(stdout.text.length, OUTPUT_BYTES);
    assert.match(stdout.text, /^[0-9a-f]+$/);
    assert.equal(stdout.truncated, true);
    assert.equal(one.body.event_id, first!.event_id);
    assert.equal((await getJson(`${url}/v1/hook-executions/${first!.id}`, null)).status, 401);
    assert.equal((await getJson(`${url}/v1/hook-executions/999999999999`)).status, 404);
    for (const bad of ['abc', '1;DROP', '-1', '1'.repeat(19)])
      assert.equal((await getJson(`${url}/v1/hook-executions/${encodeURIComponent(bad)}`)).status, 400, bad);
  });

  void it('answers 503 with Retry-After to queries beyond those it runs and queues at once; the rest are answered', async () => {
    // The runs table locked: every query the service starts waits in PostgreSQL, so the ones it
    // runs and queues stay busy until the lock is released, whatever the machine's speed.
    const locker = await db.pool.connect();
    const burst = QUERY_MAX_CONCURRENT + QUERY_MAX_WAITING + 20;
    let answers: { status: number; retryAfter: string | null; error?: string }[];
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE hook_executions IN ACCESS EXCLUSIVE MODE');
      let refused = 0;
      const pending = Array.from({ length: burst }, async () => {
        const response = await fetch(`${url}/v1/sessions/${sid}/timeline`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        const body = (await response.json()) as { error?: string };
        if (response.status === 503) refused += 1;
        return { status: response.status, retryAfter: response.headers.get('retry-after'), error: body.error };
      });
      await pollUntil(() => refused === burst - QUERY_MAX_CONCURRENT - QUERY_MAX_WAITING, {
        timeoutMs: 30_000,
        what: `${burst - QUERY_MAX_CONCURRENT - QUERY_MAX_WAITING} refused at once`,
      });
      await locker.query('COMMIT');
      answers = await Promise.all(pending);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
    }
    const busy = answers.filter((answer) => answer.status === 503);
    const answered = answers.filter((answer) => answer.status === 200);
    assert.ok(
      busy.every((answer) => answer.retryAfter === '1' && answer.error === 'busy'),
      JSON.stringify(busy[0]),
    );
    assert.equal(busy.length, burst - QUERY_MAX_CONCURRENT - QUERY_MAX_WAITING);
    assert.equal(answered.length, QUERY_MAX_CONCURRENT + QUERY_MAX_WAITING, 'the ones running and queued are answered once the lock is gone');
    assert.equal((await getJson(`${url}/v1/hook-executions?limit=1`)).status, 200, 'answers again once the burst is over');
  });
});
