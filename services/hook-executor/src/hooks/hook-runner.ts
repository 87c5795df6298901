import { spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, relative, isAbsolute, sep } from 'node:path';
import { DEFAULT_LANG, DEFAULT_PATH, MAX_HOOK_FILE_BYTES, PAYLOAD_ENV } from '../config/hook-executor.constant.js';
import { killGroup } from '../runbooks/git-client.js';
import type { CapturedStream, HookRunRequest, HookRunResult } from './hook-run.types.js';
import { OutputCapture } from './output-capture.js';

/** Snapshots x hooks whose file check is remembered; a refresh adds two, so this is plenty. */
const MAX_CACHED_CHECKS = 64;

const EMPTY: CapturedStream = { text: '', truncated: false, bytes: 0 };

type FileCheck = { kind: 'ok'; file: string } | { kind: 'missing'; reason: string } | { kind: 'refused'; reason: string };

/**
 * Runs one hook: `<interpreter> <file>` in the snapshot folder, in a process group of
 * its own, with a clean environment (PATH, HOME, LANG, TMPDIR, the payload variables,
 * the operator's HOOK_ENV_* values: nothing of the service's own), a time limit after
 * which the whole group is killed, and both output streams captured up to a cap.
 * The payload file and the run's TMPDIR live in a private folder removed afterwards.
 */
export class HookRunner {
  // A snapshot folder never changes (one folder per commit): check each hook file of it once.
  private readonly checks = new Map<string, Promise<FileCheck>>();

  async run(request: HookRunRequest): Promise<HookRunResult> {
    const decidedAt = new Date();
    const check = await this.checkOnce(request.snapshotDir, request.hookPath);
    if (check.kind !== 'ok') {
      const skipped = check.kind === 'missing';
      return {
        ...notRun(decidedAt, request),
        outcome: skipped ? 'skipped' : 'error',
        skippedReason: skipped ? check.reason : null,
        error: skipped ? null : check.reason,
      };
    }
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
      return await this.spawnHook(request, check.file, env);
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

  private spawnHook(request: HookRunRequest, file: string, env: NodeJS.ProcessEnv): Promise<HookRunResult> {
    return new Promise((resolve) => {
      const startedAt = new Date();
      const started = performance.now();
      const stdout = new OutputCapture(request.maxOutputBytes);
      const stderr = new OutputCapture(request.maxOutputBytes);
      let timedOut = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let spawnError: Error | undefined;

      const child = spawn(request.interpreter, [file], {
        cwd: request.snapshotDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // setsid(): a group of its own, so the time limit reaches every child it started.
        detached: true,
      });
      if (child.pid !== undefined) request.onSpawn?.(Date.now());
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
        const base = { startedAt: startedAt.toISOString(), durationMs, stdout: stdout.result(), stderr: stderr.result(), payloadTruncated: request.payload.truncated, skippedReason: null };
        if (spawnError !== undefined && exit === undefined) {
          resolve({ ...base, outcome: 'error', exitCode: null, signal: null, timedOut: false, error: `could not start ${request.interpreter}: ${spawnError.message}` });
          return;
        }
        resolve({
          ...base,
          outcome: timedOut ? 'timeout' : final.code === 0 ? 'success' : 'failure',
          exitCode: final.code,
          signal: final.signal,
          timedOut,
          error: null,
        });
      });
    });
  }
}

function notRun(decidedAt: Date, request: HookRunRequest): HookRunResult {
  return {
    outcome: 'skipped',
    startedAt: decidedAt.toISOString(),
    durationMs: 0,
    exitCode: null,
    signal: null,
    timedOut: false,
    skippedReason: null,
    error: null,
    stdout: EMPTY,
    stderr: EMPTY,
    payloadTruncated: request.payload.truncated,
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
