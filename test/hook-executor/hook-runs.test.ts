// What one hook run does, through the whole executor (a child process, real python3,
// real git over file://, real Kafka): exit codes, the time limit killing the process
// group, the output cap, the clean environment, the payload variable and file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { HookExecutionRecord } from '@hookline/contracts';
import { pollUntil } from '@hookline/kafka/testing';
import { BEHAVIOUR_HOOK } from './behaviour-hooks.js';
import {
  NO_BROKER_SKIP,
  hostProcessesWith,
  brokersFromEnv,
  metricValue,
  sessionClose,
  sessionOpen,
  uniqueId,
  type RunningExecutor,
  startExecutorAtEnd,
  startHookStage,
  type HookStageWithRunbooks,
} from './executor-harness.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { closeAll } from '../support/close-all.js';

const SECRET_PASSWORD = 'pw-Secret-4711-never-in-hooks';
const SECRET_HOOK_TOKEN = 'siem-token-0042';
const HOOK_TIMEOUT_SECONDS = 2;

/** Running (a zombie waiting for a reaper counts as gone: it was killed). */
function interpreterOwnVariables(): string[] {
  const out = execFileSync('python3', ['-c', 'import json, os; print(json.dumps(list(os.environ)))'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).filter((name) => name !== 'PATH');
}

void describe('hook runs', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let stage: HookStageWithRunbooks;
  let server: GitHttpServer;
  let executor: RunningExecutor;

  before(async () => {
    stage = await startHookStage({ files: { 'hoop-hooks/session-open.runbook.py': BEHAVIOUR_HOOK }, message: 'only an open hook' });
    server = await startGitHttpServer(stage.fixture.root, { user: 'runbooks', password: SECRET_PASSWORD });
    executor = await startExecutorAtEnd(stage.admin, 'hook-runs', {
      env: {
        RUNBOOKS_GIT_URL: `${server.url}/runbooks.git`,
        RUNBOOKS_GIT_ALLOW_INSECURE: 'true',
        GIT_USER: 'runbooks',
        GIT_PASSWORD: SECRET_PASSWORD,
        GIT_HOOK_CONFIG_TTL: '300',
        HOOK_TIMEOUT_SECONDS: String(HOOK_TIMEOUT_SECONDS),
        HOOK_MAX_OUTPUT_BYTES: '65536',
        HOOK_CONCURRENCY: '8',
        HOOK_ENV_SIEM_TOKEN: SECRET_HOOK_TOKEN,
      },
    });
  });

  after(() => closeAll(executor, stage, server));

  async function runOpen(mode: string, fields: Record<string, unknown> = {}): Promise<HookExecutionRecord> {
    const [id] = await stage.sender.send([sessionOpen(uniqueId('sid'), { connection_name: mode, ...fields })]);
    const [record] = await stage.reader.waitFor([id!], 30_000);
    return record!;
  }

  void it('a hook that exits 0 is a success, recorded with the commit it ran from', async () => {
    const record = await runOpen('ok');
    assert.equal(record.outcome, 'success');
    assert.equal(record.exit_code, 0);
    assert.equal(record.git_commit, stage.commit);
    assert.equal(record.hook, 'session-open');
    assert.equal(record.hook_path, 'hoop-hooks/session-open.runbook.py');
    assert.equal(record.stdout.text, 'done ok\n');
    assert.ok(record.duration_ms > 0);
  });

  void it('a hook that exits 1 is a failure with its stderr', async () => {
    const record = await runOpen('exit1');
    assert.equal(record.outcome, 'failure');
    assert.equal(record.exit_code, 1);
    assert.equal(record.stderr.text, 'about to fail\n');
    assert.equal(record.timed_out, false);
  });

  void it('a hook that hangs is killed at the limit, with the child processes it started', async () => {
    const before = await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-open', outcome: 'timeout' });
    const record = await runOpen('hang');
    assert.equal(record.outcome, 'timeout');
    assert.equal(record.timed_out, true);
    assert.equal(record.signal, 'SIGKILL');
    assert.equal(record.exit_code, null);
    assert.ok(record.duration_ms >= HOOK_TIMEOUT_SECONDS * 1000 && record.duration_ms < HOOK_TIMEOUT_SECONDS * 1000 + 5_000, `duration ${record.duration_ms}`);
    const childPid = Number(/child (\d+)/.exec(record.stdout.text)?.[1]);
    assert.ok(childPid > 0, `the hook printed its child's pid: ${record.stdout.text}`);
    const marker = `hang-marker-${record.sid}`;
    assert.equal(
      await pollUntil(() => hostProcessesWith(marker).length === 0, { timeoutMs: 2_000, what: `child ${marker} gone` }),
      true,
      'the grandchild was killed with the run',
    );
    assert.equal(await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-open', outcome: 'timeout' }), before + 1);
  });

  void it('a hook that prints 10 MB is capped, with the original byte count', async () => {
    const record = await runOpen('flood');
    assert.equal(record.outcome, 'success');
    assert.equal(record.stdout.truncated, true);
    assert.equal(record.stdout.bytes, 160 * 65536 + Buffer.byteLength('done flood\n'));
    assert.equal(Buffer.byteLength(record.stdout.text), 65536);
    assert.equal(record.stderr.text, 'flooded\n');
    assert.equal(record.stderr.truncated, false);
  });

  void it("a hook's environment holds only PATH, HOME, LANG, TMPDIR, the payload and HOOK_ENV_* values", async () => {
    const record = await runOpen('env');
    assert.equal(record.outcome, 'success');
    const env = JSON.parse(record.stdout.text.split('\n')[0]!) as Record<string, string>;
    const added = new Set(interpreterOwnVariables());
    const names = Object.keys(env)
      .filter((name) => !added.has(name))
      .sort();
    assert.deepEqual(names, [
      'HOME',
      'HOOP_RUNBOOK_HOOK_PAYLOAD',
      'HOOP_RUNBOOK_HOOK_PAYLOAD_FILE',
      'HOOP_RUNBOOK_HOOK_PAYLOAD_TRUNCATED',
      'LANG',
      'PATH',
      'SIEM_TOKEN',
      'TMPDIR',
    ]);
    assert.equal(env.SIEM_TOKEN, SECRET_HOOK_TOKEN, 'HOOK_ENV_SIEM_TOKEN reaches the hook as SIEM_TOKEN');
    const dump = record.stdout.text;
    for (const leaked of [SECRET_PASSWORD, brokersFromEnv!, 'KAFKA_BROKERS', 'GIT_PASSWORD', 'GIT_USER', 'RUNBOOKS_GIT_URL', executor.groupId]) {
      assert.ok(!dump.includes(leaked), `${leaked} must not reach a hook`);
    }
  });

  void it('a 1 MB input: the variable is cut far below 128 KiB and flagged, the private file is whole and removed after', async () => {
    const input = 'é'.repeat(100) + 'q'.repeat(1_000_000);
    const record = await runOpen('input', { input, input_size: Buffer.byteLength(input) });
    assert.equal(record.outcome, 'success', record.stderr.text);
    assert.equal(record.payload_truncated, true);
    const seen = JSON.parse(record.stdout.text.split('\n')[0]!) as Record<string, unknown>;
    assert.ok((seen.env_bytes as number) <= 64 * 1024, `variable is ${String(seen.env_bytes)} bytes`);
    assert.ok((seen.env_input_chars as number) < input.length);
    assert.equal(seen.file_input_chars, input.length, 'the payload file has the whole input');
    assert.equal(seen.file_equals_env_except_input, true);
    assert.equal(seen.flag, '1');
    assert.equal(seen.file_mode, '0o600');
    assert.equal(existsSync(seen.file as string), false, 'the payload file is removed after the run');
  });

  void it('non-UTF-8 output is kept, invalid bytes as U+FFFD', async () => {
    const record = await runOpen('binary');
    assert.equal(record.outcome, 'success');
    assert.equal(record.stdout.text, 'ok \uFFFD\uFFFD bad \uFFFD( end\ndone binary\n');
    assert.equal(
      record.stdout.bytes,
      Buffer.byteLength('ok ') + 2 + Buffer.byteLength(' bad ') + 2 + Buffer.byteLength(' end\n') + Buffer.byteLength('done binary\n'),
    );
  });

  void it('the payload is exactly the documented shape, without env keys or review details', async () => {
    const sid = uniqueId('sid');
    const [id] = await stage.sender.send([sessionOpen(sid, { connection_name: 'payload', connection_env_keys: ['envvar:PASS'] })]);
    const [record] = await stage.reader.waitFor([id!]);
    const payload = JSON.parse(record!.stdout.text.split('\n')[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload), ['id', 'sid', 'command', 'event_session_open', 'event_session_close']);
    assert.equal(payload.id, id);
    assert.equal(payload.sid, sid);
    assert.deepEqual(payload.command, ['psql', '-v', 'ON_ERROR_STOP=1', '-A', '-P', 'pager=off']);
    assert.deepEqual(payload.event_session_open, {
      verb: 'exec',
      connection_name: 'payload',
      connection_type: 'database',
      connection_subtype: 'postgres',
      user_email: 'alice@example.com',
      connection_reviewers: ['dba-team', 'security'],
      input: "SELECT id, status, amount FROM invoices WHERE created_at > now() - interval '1 day';",
    });
    assert.equal(payload.event_session_close, null);
    assert.ok(!record!.stdout.text.includes('envvar:PASS'));
  });

  void it('a missing hook file is a recorded skip; a second session.open of a reviewed session runs again', async () => {
    const sid = uniqueId('sid');
    const skippedBefore = await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-close', outcome: 'skipped' });
    const ids = await stage.sender.send([
      sessionOpen(sid, { connection_name: 'ok', review: { type: 'onetime', status: 'PENDING', owner_email: 'a@example.com' } }),
      sessionOpen(sid, { connection_name: 'ok', review: { type: 'onetime', status: 'APPROVED', owner_email: 'a@example.com' } }),
      sessionClose(sid),
    ]);
    const records = await stage.reader.waitFor(ids);
    assert.deepEqual(
      records.map((r) => r.outcome),
      ['success', 'success', 'skipped'],
    );
    assert.equal(records[2]!.skipped_reason, 'no hoop-hooks/session-close.runbook.py in the runbooks repository');
    assert.equal(records[2]!.git_commit, stage.commit);
    assert.equal(records[2]!.exit_code, null);
    assert.equal(await metricValue(executor.url, 'hookline_hook_executions_total', { hook: 'session-close', outcome: 'skipped' }), skippedBefore + 1);
    assert.ok((await metricValue(executor.url, 'hookline_hook_duration_seconds_count', { hook: 'session-open' })) >= 2);
    assert.ok((await metricValue(executor.url, 'hookline_hook_queue_wait_seconds_count')) >= 2);
    assert.equal(await metricValue(executor.url, 'hookline_hooks_running'), 0);
  });
});
