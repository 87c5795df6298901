// The warm interpreter with the real kernel, bwrap and python3: a forked run behaves as
// `python3 file` would, nothing passes between runs, and a dead interpreter is replaced
// without losing or repeating a run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HookRunRequest } from '../hooks/hook-run.types.js';
import { HookRunner } from '../hooks/hook-runner.js';
import { DEFAULT_LIMITS, DEFAULT_SANDBOX_UID, type SandboxOptions } from './sandbox.js';

const root = mkdtempSync(join(tmpdir(), 'hookline-warm-spec-'));
const snapshot = join(root, 'snapshot');
const runs = join(root, 'runs');
mkdirSync(join(snapshot, 'hoop-hooks'), { recursive: true });
mkdirSync(runs);
chmodSync(snapshot, 0o755);
chmodSync(join(snapshot, 'hoop-hooks'), 0o755);

const HOOKS: Record<string, string> = {
  'exit3.py': 'import sys\nprint("out")\nsys.exit(3)\n',
  'raise.py': 'def f():\n    raise ValueError("boom")\nf()\n',
  'os-exit.py': 'import os, sys\nsys.stdout.write("unflushed")\nos._exit(5)\n',
  'exit-text.py': 'import sys\nsys.exit("bad thing")\n',
  'main.py':
    'import json, os, subprocess, sys\nprint(json.dumps({"name": __name__, "argv0": sys.argv[0], "file": __file__, "sub": subprocess.run(["sh", "-c", "echo $((6*7))"], capture_output=True, text=True).stdout.strip(), "tmp": os.environ["TMPDIR"], "cwd": os.getcwd()}))\n',
  'sleep.py': 'import time\nprint("sleeping", flush=True)\ntime.sleep(30)\n',
  'ok.py': 'print("ok")\n',
  'connect.py':
    'import os, socket\ntry:\n    socket.create_connection(("127.0.0.1", int(os.environ["PORT"])), timeout=5).close()\n    print("connected")\nexcept OSError as error:\n    print("refused", error.__class__.__name__)\n',
};
for (const [name, text] of Object.entries(HOOKS)) writeFileSync(join(snapshot, 'hoop-hooks', name), text, { mode: 0o644 });

const sandbox: SandboxOptions = { enabled: true, network: 'keep', limits: DEFAULT_LIMITS, uid: process.getuid?.() === 0 ? DEFAULT_SANDBOX_UID : undefined };

function request(hook: string, extra: Partial<HookRunRequest> = {}): HookRunRequest {
  return {
    hook: 'session-open',
    snapshotDir: snapshot,
    hookPath: `hoop-hooks/${hook}`,
    payload: { whole: '{}', forEnv: '{}', truncated: false },
    interpreter: 'python3',
    timeoutMs: 20_000,
    maxOutputBytes: 4096,
    hookEnv: {},
    tempRoot: runs,
    ...extra,
  };
}

after(() => rmSync(root, { recursive: true, force: true }));

void describe('warm interpreter runs', () => {
  const runner = new HookRunner(sandbox);
  after(() => runner.close());

  void it('exit codes and streams as python3 <file> gives them', async () => {
    for (const [hook, code] of [
      ['exit3.py', 3],
      ['raise.py', 1],
      ['os-exit.py', 5],
      ['exit-text.py', 1],
    ] as const) {
      const warm = await runner.run(request(hook));
      const real = spawnReal(hook);
      assert.equal(warm.exit_code, code, `${hook}: ${warm.stderr.text}`);
      assert.equal(warm.exit_code, real.code, hook);
      assert.equal(warm.stdout.text, real.stdout, `${hook} stdout`);
      assert.equal(warm.stderr.text, real.stderr.replaceAll(join(snapshot, 'hoop-hooks'), '/runbooks/hoop-hooks'), `${hook} stderr`);
      assert.equal(warm.outcome, 'failure');
    }
  });

  void it('__main__, argv, subprocesses, a private TMPDIR, the snapshot as cwd', async () => {
    const result = await runner.run(request('main.py'));
    assert.equal(result.outcome, 'success', result.stderr.text);
    assert.deepEqual(JSON.parse(result.stdout.text), {
      name: '__main__',
      argv0: '/runbooks/hoop-hooks/main.py',
      file: '/runbooks/hoop-hooks/main.py',
      sub: '42',
      tmp: '/tmp',
      cwd: '/runbooks',
    });
  });

  void it('a dead warm interpreter: its started run is a sandbox error (not run again), the next run gets a new one', async () => {
    await runner.run(request('ok.py'));
    const [pid] = runner.warmPids();
    assert.ok(pid !== undefined);
    let started = 0;
    const running = runner.run(request('sleep.py', { onSpawn: () => (started += 1) }));
    while (started === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    process.kill(-pid, 'SIGKILL');
    const result = await running;
    assert.equal(result.outcome, 'sandbox_error');
    assert.match(result.error ?? '', /warm interpreter exited/);
    assert.equal(started, 1, 'the run was not started again');
    const next = await runner.run(request('ok.py'));
    assert.equal(next.outcome, 'success', next.error ?? next.stderr.text);
    assert.notEqual(runner.warmPids()[0], pid, 'a new warm interpreter');
  });
});

void describe('HOOK_NETWORK', () => {
  void it('keep: a hook reaches a server on 127.0.0.1; none: it cannot', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    const keep = new HookRunner(sandbox);
    const none = new HookRunner({ ...sandbox, network: 'none' });
    try {
      const reached = await keep.run(request('connect.py', { hookEnv: { PORT: port } }));
      assert.equal(reached.stdout.text, 'connected\n', reached.stderr.text);
      const cut = await none.run(request('connect.py', { hookEnv: { PORT: port } }));
      assert.match(cut.stdout.text, /^refused /, cut.stderr.text);
    } finally {
      keep.close();
      none.close();
      server.close();
    }
  });
});

function spawnReal(hook: string): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync('/usr/bin/python3', [join(snapshot, 'hoop-hooks', hook)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/bin:/bin' },
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failure = error as { status: number; stdout: string; stderr: string };
    return { code: failure.status, stdout: failure.stdout, stderr: failure.stderr };
  }
}
