import { spawn, type SpawnOptions } from 'node:child_process';
import { lstat, mkdir, mkdtemp, open, realpath, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join, relative, isAbsolute, sep } from 'node:path';
import { DEFAULT_LANG, DEFAULT_PATH, MAX_HOOK_FILE_BYTES, PAYLOAD_ENV } from '../config/hook-executor.constant.js';
import { killGroup } from '../runbooks/git-client.js';
import type { CapturedStream, HookRunRequest, HookRunResult } from './hook-run.types.js';
import { OutputCapture } from './output-capture.js';
import {
  BWRAP,
  bwrapArgs,
  bwrapSpawnOptions,
  DEFAULT_LIMITS,
  giveToSandbox,
  makeReachable,
  SANDBOX_PATH,
  SANDBOX_PATHS,
  type SandboxOptions,
} from '../sandbox/sandbox.js';
import { NotStartedError, WarmInterpreterPool, type WarmExit, type WarmInterpreter } from '../sandbox/warm-interpreter.js';

/** Snapshots x hooks whose file check is remembered; a refresh adds two, so this is plenty. */
const MAX_CACHED_CHECKS = 64;

const EMPTY: CapturedStream = { text: '', truncated: false, bytes: 0 };

type FileCheck = { kind: 'ok'; file: string } | { kind: 'missing'; reason: string } | { kind: 'refused'; reason: string };

/**
 * Runs one hook. In the sandbox (HOOK_SANDBOX=on, see sandbox/): a python3 hook is forked
 * from the warm interpreter of its snapshot, any other interpreter is started in a bwrap
 * sandbox of its own; either way the run has its own PID namespace (everything it started
 * dies with it), an unprivileged uid, no capabilities, rlimits, a private /tmp (TMPDIR and
 * HOME), the snapshot read-only at /runbooks and its payload at /run/hook/payload.json.
 * Unsandboxed (HOOK_SANDBOX=off): `<interpreter> <file>` in a process group of its own.
 * Always: a clean environment (PATH, HOME, LANG, TMPDIR, the payload variables, the
 * operator's HOOK_ENV_* values: nothing of the service's own), a time limit, both output
 * streams captured up to a cap. The run's private folder is removed afterwards.
 */
export class HookRunner {
  // A snapshot folder never changes (one folder per commit): check each hook file of it once.
  private readonly checks = new Map<string, Promise<FileCheck>>();
  private readonly pools = new Map<string, WarmInterpreterPool>();

  constructor(private readonly sandbox: SandboxOptions = { enabled: false, network: 'keep', limits: DEFAULT_LIMITS, uid: undefined }) {}

  async run(request: HookRunRequest): Promise<HookRunResult> {
    const decidedAt = new Date();
    const check = await this.checkOnce(request.snapshotDir, request.hookPath);
    if (check.kind !== 'ok') {
      const skipped = check.kind === 'missing';
      return {
        ...notRun(decidedAt, request),
        outcome: skipped ? 'skipped' : 'error',
        skipped_reason: skipped ? check.reason : null,
        error: skipped ? null : check.reason,
      };
    }
    if (!this.sandbox.enabled) return this.runUnconfined(request, check.file);
    const sandboxFile = `${SANDBOX_PATHS.snapshot}/${relative(await realpath(request.snapshotDir), check.file)
      .split(sep)
      .join('/')}`;
    try {
      if (isPython(request.interpreter)) return await this.runWarm(request, sandboxFile);
      return await this.runSandboxed(request, sandboxFile);
    } catch (error) {
      return sandboxError(request, `the sandbox could not be prepared: ${(error as Error).message}`);
    }
  }

  /** Stops the warm interpreters (service shutdown, end of a CLI run). */
  close(): void {
    for (const pool of this.pools.values()) pool.stop();
    this.pools.clear();
  }

  /** Process ids of the warm interpreters (benchmark RSS). */
  warmPids(): number[] {
    return [...this.pools.values()].flatMap((pool) => pool.pids());
  }

  private sandboxEnv(request: HookRunRequest): Record<string, string> {
    return {
      ...request.hookEnv,
      PATH: SANDBOX_PATH,
      HOME: SANDBOX_PATHS.tmp,
      LANG: process.env.LANG ?? DEFAULT_LANG,
      TMPDIR: SANDBOX_PATHS.tmp,
      [PAYLOAD_ENV.payload]: request.payload.forEnv,
      [PAYLOAD_ENV.payloadFile]: `${SANDBOX_PATHS.run}/payload.json`,
      [PAYLOAD_ENV.payloadTruncated]: request.payload.truncated ? '1' : '0',
    };
  }

  /** The run's folder: payload.json and env.json, owned by the sandbox uid, readable by it only. */
  private async prepareRunDir(parent: string, request: HookRunRequest, env: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(parent, 'run-'));
    await writeFile(join(dir, 'payload.json'), request.payload.whole, { mode: 0o600 });
    await writeFile(join(dir, 'env.json'), JSON.stringify(env), { mode: 0o600 });
    for (const path of [dir, join(dir, 'payload.json'), join(dir, 'env.json')]) await giveToSandbox(this.sandbox, path);
    return dir;
  }

  private pool(request: HookRunRequest): WarmInterpreterPool {
    const root = request.tempRoot ?? tmpdir();
    const key = `${root}\u0000${request.interpreter}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new WarmInterpreterPool(root, this.sandbox, request.interpreter);
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async runWarm(request: HookRunRequest, sandboxFile: string): Promise<HookRunResult> {
    const pool = this.pool(request);
    const env = this.sandboxEnv(request);
    // A run that never reached a warm interpreter (it died before) goes to its replacement, once.
    for (let attempt = 0; ; attempt += 1) {
      let warm: WarmInterpreter;
      try {
        warm = await pool.get(request.snapshotDir);
      } catch (error) {
        return sandboxError(request, `the warm interpreter could not start: ${(error as Error).message}`);
      }
      const runDir = await this.prepareRunDir(warm.runsDir, request, env);
      let startedAt = new Date();
      const started = performance.now();
      const stdout = new OutputCapture(request.maxOutputBytes);
      const stderr = new OutputCapture(request.maxOutputBytes);
      const abandon = (): void => warm.kill(basename(runDir));
      request.signal?.addEventListener('abort', abandon, { once: true });
      try {
        const result = await warm.run({
          dir: basename(runDir),
          file: sandboxFile,
          timeoutMs: request.timeoutMs,
          maxOutputBytes: request.maxOutputBytes,
          onStart: () => {
            // The run's pid 1 is up and forks the hook now: that is when the hook started.
            startedAt = new Date();
            if (request.signal?.aborted === true) abandon();
            request.onSpawn?.(Date.now());
          },
          onStdout: (chunk) => stdout.push(chunk),
          onStderr: (chunk) => stderr.push(chunk),
        });
        const durationMs = performance.now() - started;
        if (result.kind === 'sandbox-error') {
          return {
            ...sandboxError(request, result.reason),
            started_at: startedAt.toISOString(),
            duration_ms: durationMs,
            stdout: stdout.result(),
            stderr: stderr.result(),
          };
        }
        const exit = result.exit;
        return this.finished(
          request,
          startedAt,
          durationMs,
          stdout.result(exit.stdoutBytes),
          stderr.result(exit.stderrBytes),
          exit.exit,
          exit.signal,
          exit.timedOut,
          exit.limit,
        );
      } catch (error) {
        if (!(error instanceof NotStartedError) || attempt >= 1) return sandboxError(request, (error as Error).message);
      } finally {
        request.signal?.removeEventListener('abort', abandon);
        pool.sweep();
        await rm(runDir, { recursive: true, force: true });
      }
    }
  }

  /** The outcome of a run that ended: limits told apart, each with its reason. */
  private finished(
    request: HookRunRequest,
    startedAt: Date,
    durationMs: number,
    stdout: CapturedStream,
    stderr: CapturedStream,
    code: number | null,
    signal: string | null,
    timedOut: boolean,
    limit: WarmExit['limit'],
  ): HookRunResult {
    const base = {
      started_at: startedAt.toISOString(),
      duration_ms: durationMs,
      stdout,
      stderr,
      payload_truncated: request.payload.truncated,
      skipped_reason: null,
      exit_code: code,
      signal,
      timed_out: timedOut,
    };
    if (timedOut) return { ...base, outcome: 'timeout', error: null };
    const limits = this.sandbox.limits;
    switch (limit) {
      case 'memory':
        // A process of the hook that ran out of memory, but the hook itself succeeded: a success.
        if (code === 0) return { ...base, outcome: 'success', error: null };
        return { ...base, outcome: 'memory_limit', error: `the hook ran out of memory (HOOK_MEMORY_MB=${limits.memoryMb})` };
      case 'processes':
        return { ...base, outcome: 'process_limit', error: `the hook could not start more processes or threads (HOOK_MAX_PROCESSES=${limits.maxProcesses})` };
      case 'cpu':
        return { ...base, outcome: 'timeout', error: `the hook used up its CPU time (HOOK_CPU_SECONDS=${limits.cpuSeconds})` };
      case 'file size':
        return { ...base, outcome: 'failure', error: `the hook wrote a file past HOOK_FILE_SIZE_MB=${limits.fileSizeMb}` };
      case null:
        return { ...base, outcome: code === 0 ? 'success' : 'failure', error: null };
    }
  }

  /** A non-python interpreter: one bwrap sandbox per run, limits set by prlimit inside it. */
  private async runSandboxed(request: HookRunRequest, sandboxFile: string): Promise<HookRunResult> {
    const root = request.tempRoot ?? tmpdir();
    const runDir = await this.prepareRunDir(root, request, this.sandboxEnv(request));
    await makeReachable(this.sandbox, runDir);
    await makeReachable(this.sandbox, request.snapshotDir);
    let snapshot: FileHandle | undefined;
    let runFolder: FileHandle | undefined;
    try {
      snapshot = await open(request.snapshotDir, 'r');
      runFolder = await open(runDir, 'r');
      const limits = this.sandbox.limits;
      const mb = 1024 * 1024;
      const command = [
        ...bwrapArgs(this.sandbox, [
          [3, SANDBOX_PATHS.snapshot, false],
          [4, SANDBOX_PATHS.run, false],
        ]),
        'prlimit',
        `--as=${limits.memoryMb * mb}`,
        `--nproc=${limits.maxProcesses}`,
        `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
        `--fsize=${limits.fileSizeMb * mb}`,
        `--nofile=${limits.openFiles}`,
        '--core=0',
        '--',
        request.interpreter,
        sandboxFile,
      ];
      const options = bwrapSpawnOptions(this.sandbox, this.sandboxEnv(request), [snapshot.fd, runFolder.fd]);
      const result = await this.spawnHook(request, BWRAP, command, { ...options, stdio: ['ignore', 'pipe', 'pipe', snapshot.fd, runFolder.fd] });
      // bwrap reports its own failures as "bwrap: ..." with exit code 1, before the hook ever ran.
      if (result.exit_code === 1 && result.stderr.text.startsWith('bwrap: '))
        return { ...result, outcome: 'sandbox_error', error: (result.stderr.text.split('\n', 1)[0] ?? '').slice(0, 400) };
      if (result.signal === 'SIGXCPU') return { ...result, outcome: 'timeout', error: `the hook used up its CPU time (HOOK_CPU_SECONDS=${limits.cpuSeconds})` };
      return result;
    } finally {
      await snapshot?.close();
      await runFolder?.close();
      await rm(runDir, { recursive: true, force: true });
    }
  }

  /** HOOK_SANDBOX=off: `<interpreter> <file>` as the service user, in a process group of its own. */
  private async runUnconfined(request: HookRunRequest, file: string): Promise<HookRunResult> {
    const privateDir = await mkdtemp(join(request.tempRoot ?? tmpdir(), 'hookline-hook-'));
    try {
      const payloadFile = join(privateDir, 'payload.json');
      const runTmp = join(privateDir, 'tmp');
      await mkdir(runTmp, { mode: 0o700 });
      await writeFile(payloadFile, request.payload.whole, { mode: 0o600 });
      const env: NodeJS.ProcessEnv = {
        ...request.hookEnv,
        PATH: process.env.PATH ?? DEFAULT_PATH,
        HOME: homedir(),
        LANG: process.env.LANG ?? DEFAULT_LANG,
        TMPDIR: runTmp,
        [PAYLOAD_ENV.payload]: request.payload.forEnv,
        [PAYLOAD_ENV.payloadFile]: payloadFile,
        [PAYLOAD_ENV.payloadTruncated]: request.payload.truncated ? '1' : '0',
      };
      return await this.spawnHook(request, request.interpreter, [file], { cwd: request.snapshotDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } finally {
      await rm(privateDir, { recursive: true, force: true });
    }
  }

  private checkOnce(snapshotDir: string, hookPath: string): Promise<FileCheck> {
    const key = `${snapshotDir}\u0000${hookPath}`;
    let check = this.checks.get(key);
    if (check === undefined) {
      if (this.checks.size >= MAX_CACHED_CHECKS) this.checks.clear();
      check = checkHookFile(snapshotDir, hookPath);
      this.checks.set(key, check);
      // A failed check (I/O error) is not remembered.
      check.catch(() => this.checks.delete(key));
    }
    return check;
  }

  private spawnHook(request: HookRunRequest, program: string, args: readonly string[], options: SpawnOptions): Promise<HookRunResult> {
    return new Promise((resolve) => {
      const startedAt = new Date();
      const started = performance.now();
      const stdout = new OutputCapture(request.maxOutputBytes);
      const stderr = new OutputCapture(request.maxOutputBytes);
      let timedOut = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let spawnError: Error | undefined;

      // detached: setsid(), a group of its own, so the time limit reaches every child it started.
      const child = spawn(program, args, options);
      if (child.pid !== undefined) request.onSpawn?.(Date.now());
      // Every caller spawns with stdout and stderr piped.
      if (child.stdout === null || child.stderr === null) throw new Error(`${program} was spawned without stdout and stderr pipes`);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, request.timeoutMs);
      const abandon = (): void => killGroup(child.pid);
      request.signal?.addEventListener('abort', abandon, { once: true });
      if (request.signal?.aborted === true) abandon();
      child.on('error', (error) => {
        spawnError = error;
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // A run ends with its main process: what it left behind would hold the pipes open.
        killGroup(child.pid);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', abandon);
        const durationMs = performance.now() - started;
        const final = exit ?? { code, signal };
        const base = {
          started_at: startedAt.toISOString(),
          duration_ms: durationMs,
          stdout: stdout.result(),
          stderr: stderr.result(),
          payload_truncated: request.payload.truncated,
          skipped_reason: null,
        };
        if (spawnError !== undefined && exit === undefined) {
          const sandboxed = program === BWRAP;
          resolve({
            ...base,
            outcome: sandboxed ? 'sandbox_error' : 'error',
            exit_code: null,
            signal: null,
            timed_out: false,
            error: `could not start ${program}: ${spawnError.message}`,
          });
          return;
        }
        resolve({
          ...base,
          outcome: timedOut ? 'timeout' : final.code === 0 ? 'success' : 'failure',
          exit_code: final.code,
          signal: final.signal,
          timed_out: timedOut,
          error: null,
        });
      });
    });
  }
}

function isPython(interpreter: string): boolean {
  return /^python3(\.\d+)?$/.test(basename(interpreter));
}

function sandboxError(request: HookRunRequest, reason: string): HookRunResult {
  return { ...notRun(new Date(), request), outcome: 'sandbox_error', error: reason.slice(0, 400) };
}

function notRun(decidedAt: Date, request: HookRunRequest): HookRunResult {
  return {
    outcome: 'skipped',
    started_at: decidedAt.toISOString(),
    duration_ms: 0,
    exit_code: null,
    signal: null,
    timed_out: false,
    skipped_reason: null,
    error: null,
    stdout: EMPTY,
    stderr: EMPTY,
    payload_truncated: request.payload.truncated,
  };
}

/** The hook file, if it is a regular file inside the snapshot and not over the size limit. */
async function checkHookFile(snapshotDir: string, hookPath: string): Promise<FileCheck> {
  const path = join(snapshotDir, hookPath);
  try {
    await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return { kind: 'missing', reason: `no ${hookPath} in the runbooks repository` };
    }
    throw error;
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { kind: 'refused', reason: `${hookPath} is a broken link` };
  }
  const root = await realpath(snapshotDir);
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return { kind: 'refused', reason: `${hookPath} points outside the runbooks repository` };
  }
  const stats = await lstat(real);
  if (!stats.isFile()) return { kind: 'refused', reason: `${hookPath} is not a regular file` };
  if (stats.size > MAX_HOOK_FILE_BYTES) {
    return { kind: 'refused', reason: `${hookPath} is ${stats.size} bytes, over the ${MAX_HOOK_FILE_BYTES}-byte limit for a hook file` };
  }
  return { kind: 'ok', file: real };
}
