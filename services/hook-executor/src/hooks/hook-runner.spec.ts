import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_HOOK_FILE_BYTES } from '../config/hook-executor.constant.js';
import type { HookRunRequest } from './hook-run.types.js';
import { HookRunner } from './hook-runner.js';

const snapshot = mkdtempSync(join(tmpdir(), 'hookline-runner-spec-'));
mkdirSync(join(snapshot, 'hoop-hooks'));
const outside = mkdtempSync(join(tmpdir(), 'hookline-runner-outside-'));
writeFileSync(join(outside, 'evil.py'), 'print("outside")\n');

function request(hookPath: string, extra: Partial<HookRunRequest> = {}): HookRunRequest {
  return {
    hook: 'session-open',
    snapshotDir: snapshot,
    hookPath,
    payload: { whole: '{}', forEnv: '{}', truncated: false },
    interpreter: 'python3',
    timeoutMs: 10_000,
    maxOutputBytes: 4096,
    hookEnv: {},
    ...extra,
  };
}

void describe('HookRunner refuses what it must not run', () => {
  const runner = new HookRunner();
  after(() => {
    rmSync(snapshot, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  void it('a hook file over 1 MiB', async () => {
    writeFileSync(join(snapshot, 'hoop-hooks/big.py'), `# ${'x'.repeat(MAX_HOOK_FILE_BYTES)}\n`);
    const result = await runner.run(request('hoop-hooks/big.py'));
    assert.equal(result.outcome, 'error');
    assert.match(result.error ?? '', /over the 1048576-byte limit/);
    assert.equal(result.exit_code, null);
  });

  void it('a link that leads out of the repository, and a directory', async () => {
    symlinkSync(join(outside, 'evil.py'), join(snapshot, 'hoop-hooks/link.py'));
    const link = await runner.run(request('hoop-hooks/link.py'));
    assert.equal(link.outcome, 'error');
    assert.match(link.error ?? '', /points outside the runbooks repository/);
    mkdirSync(join(snapshot, 'hoop-hooks/dir.py'));
    assert.match((await runner.run(request('hoop-hooks/dir.py'))).error ?? '', /not a regular file/);
  });

  void it('a missing file is a skip; a missing interpreter an error naming it', async () => {
    const missing = await runner.run(request('hoop-hooks/none.py'));
    assert.equal(missing.outcome, 'skipped');
    assert.equal(missing.skipped_reason, 'no hoop-hooks/none.py in the runbooks repository');
    writeFileSync(join(snapshot, 'hoop-hooks/ok.py'), 'print("ok")\n');
    const noInterpreter = await runner.run(request('hoop-hooks/ok.py', { interpreter: 'no-such-python-9' }));
    assert.equal(noInterpreter.outcome, 'error');
    assert.match(noInterpreter.error ?? '', /could not start no-such-python-9: .*ENOENT/);
  });

  void it('runs a good file with the snapshot as working directory', async () => {
    writeFileSync(join(snapshot, 'hoop-hooks/cwd.py'), 'import os\nprint(os.getcwd())\n');
    const result = await runner.run(request('hoop-hooks/cwd.py'));
    assert.equal(result.outcome, 'success');
    assert.equal(result.stdout.text.trim(), snapshot);
  });

  void it('kills the run when its signal aborts (the record was given up)', async () => {
    writeFileSync(join(snapshot, 'hoop-hooks/sleepy.py'), 'import time\ntime.sleep(60)\n');
    const controller = new AbortController();
    const started = Date.now();
    const result = await runner.run(request('hoop-hooks/sleepy.py', { signal: controller.signal, onSpawn: () => setTimeout(() => controller.abort(), 100) }));
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.timed_out, false);
    assert.ok(Date.now() - started < 10_000);
  });
});
