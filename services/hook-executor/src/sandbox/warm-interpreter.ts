import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { killGroup } from '../runbooks/git-client.js';
import { BWRAP, bwrapArgs, bwrapEnvironment, bwrapSpawnOptions, giveToSandbox, makeReachable, SANDBOX_PATHS, type SandboxOptions } from './sandbox.js';
import { WARM_INTERPRETER_SOURCE } from './warm-interpreter.source.js';

/** Frame header: run id (u32), kind (1 byte), length (u16); see warm-interpreter.source.ts. */
const HEADER_BYTES = 7;

/** How long a warm interpreter may take to say it is ready. */
const READY_TIMEOUT_MS = 20_000;

/** Past a run's time limit, how long before its warm interpreter is taken for hung and replaced. */
const HUNG_GRACE_MS = 5_000;

/** What the run's pid 1 reports when the hook has ended. */
export interface WarmExit {
  readonly exit: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** The limit the hook hit; null otherwise. */
  readonly limit: (typeof LIMIT_NAMES)[number] | null;
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
}

const LIMIT_NAMES = ['memory', 'processes', 'cpu', 'file size'] as const;

export type WarmResult = { readonly kind: 'exit'; readonly exit: WarmExit } | { readonly kind: 'sandbox-error'; readonly reason: string };

export interface WarmRunRequest {
  /** Name of the run's folder inside the interpreter's runs folder. */
  readonly dir: string;
  /** Hook file inside the sandbox. */
  readonly file: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly onStart: () => void;
  readonly onStdout: (chunk: Buffer) => void;
  readonly onStderr: (chunk: Buffer) => void;
}

/** Thrown when a request never reached a run (the interpreter was gone): safe to send again. */
export class NotStartedError extends Error {}

interface InFlight {
  readonly request: WarmRunRequest;
  readonly resolve: (result: WarmResult) => void;
  readonly reject: (error: Error) => void;
  started: boolean;
  hungTimer: NodeJS.Timeout;
}

/**
 * One sandboxed, long-lived python3 for one snapshot: bwrap with the snapshot read-only at
 * /runbooks and a runs folder, running WARM_INTERPRETER_SOURCE, which forks a contained
 * run per request. A run that never started when the interpreter died is rejected with
 * NotStartedError (sent again by the pool); a started one is reported as a sandbox error,
 * never run twice.
 */
export class WarmInterpreter {
  private child: ChildProcess | undefined;
  private nextRun = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private buffer: Buffer = Buffer.alloc(0);
  private stderrTail = '';
  private dead = false;
  private readyWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;

  private constructor(
    readonly snapshotDir: string,
    readonly runsDir: string,
    private readonly options: SandboxOptions,
    private readonly interpreter: string,
  ) {}

  static async start(snapshotDir: string, tempRoot: string, options: SandboxOptions, interpreter: string): Promise<WarmInterpreter> {
    const runsDir = await mkdtemp(join(tempRoot, 'hookline-warm-'));
    await giveToSandbox(options, runsDir);
    await makeReachable(options, runsDir);
    await makeReachable(options, snapshotDir);
    const warm = new WarmInterpreter(snapshotDir, runsDir, options, interpreter);
    try {
      await warm.launch();
    } catch (error) {
      await rm(runsDir, { recursive: true, force: true });
      throw error;
    }
    return warm;
  }

  get alive(): boolean {
    return !this.dead;
  }

  get running(): number {
    return this.inFlight.size;
  }

  /** The process ids of bwrap (for tests and the benchmark's RSS). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async launch(): Promise<void> {
    let snapshot: FileHandle | undefined;
    let runs: FileHandle | undefined;
    try {
      snapshot = await open(this.snapshotDir, 'r');
      runs = await open(this.runsDir, 'r');
      const args = [
        ...bwrapArgs(
          this.options,
          [
            [3, SANDBOX_PATHS.snapshot, false],
            [4, SANDBOX_PATHS.runs, true],
          ],
          ['--dir', SANDBOX_PATHS.run],
        ),
        this.interpreter,
        '-c',
        WARM_INTERPRETER_SOURCE,
      ];
      const child = spawn(BWRAP, args, bwrapSpawnOptions(this.options, bwrapEnvironment(), [snapshot.fd, runs.fd]));
      this.child = child;
      const ready = new Promise<void>((resolve, reject) => {
        this.readyWaiter = { resolve, reject };
      });
      // bwrapSpawnOptions pipes stdin, stdout and stderr.
      if (child.stdin === null || child.stdout === null || child.stderr === null) throw new Error(`${BWRAP} was spawned without pipes`);
      child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
      });
      child.stdin.on('error', () => undefined);
      child.on('error', (error) => this.die(`${BWRAP} could not be started: ${error.message}`));
      child.on('exit', (code, signal) => this.die(`the warm interpreter exited (${signal ?? `code ${code}`})${this.lastError()}`));
      const timer = setTimeout(() => this.die(`the warm interpreter was not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
      try {
        await ready;
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await snapshot?.close();
      await runs?.close();
    }
  }

  private lastError(): string {
    const line = this.stderrTail.trim().split('\n').at(-1);
    return line === undefined || line === '' ? '' : `: ${line.slice(0, 300)}`;
  }

  /** Runs one request; rejects with NotStartedError only when nothing of it ran. */
  run(request: WarmRunRequest): Promise<WarmResult> {
    const stdin = this.child?.stdin;
    if (this.dead || stdin === null || stdin === undefined) return Promise.reject(new NotStartedError('the warm interpreter is gone'));
    const run = this.nextRun;
    this.nextRun = this.nextRun >= 0xfffffff0 ? 1 : this.nextRun + 1;
    return new Promise<WarmResult>((resolve, reject) => {
      const hungTimer = setTimeout(() => {
        this.die(`the warm interpreter did not end a run ${HUNG_GRACE_MS} ms past its time limit`);
      }, request.timeoutMs + HUNG_GRACE_MS);
      this.inFlight.set(run, { request, resolve, reject, started: false, hungTimer });
      const line = JSON.stringify({
        run,
        dir: request.dir,
        file: request.file,
        cwd: SANDBOX_PATHS.snapshot,
        timeoutMs: request.timeoutMs,
        cap: request.maxOutputBytes,
        limits: this.options.limits,
      });
      stdin.write(`${line}\n`);
    });
  }

  /** Kills a run (its whole PID namespace) at once; its result still arrives. */
  kill(runDir: string): void {
    for (const [run, flight] of this.inFlight) {
      if (flight.request.dir === runDir) this.child?.stdin?.write(`${JSON.stringify({ run, kill: true })}\n`);
    }
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= HEADER_BYTES) {
      const length = this.buffer.readUInt16BE(5);
      if (this.buffer.length < HEADER_BYTES + length) break;
      const run = this.buffer.readUInt32BE(0);
      const kind = String.fromCharCode(this.buffer.readUInt8(4));
      const data = this.buffer.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.buffer = this.buffer.subarray(HEADER_BYTES + length);
      this.onFrame(run, kind, data);
    }
  }

  private onFrame(run: number, kind: string, data: Buffer): void {
    if (kind === 'R') {
      this.readyWaiter?.resolve();
      this.readyWaiter = undefined;
      return;
    }
    const flight = this.inFlight.get(run);
    if (flight === undefined) return;
    switch (kind) {
      case 'S':
        flight.started = true;
        flight.request.onStart();
        break;
      case 'O':
        flight.request.onStdout(Buffer.from(data));
        break;
      case 'E':
        flight.request.onStderr(Buffer.from(data));
        break;
      case 'X': {
        const exit = JSON.parse(data.toString('utf8')) as WarmExit;
        // The limit comes through a pipe the hook holds too: anything but a known name is none.
        const limit = LIMIT_NAMES.find((name) => name === exit.limit) ?? null;
        this.settle(run, flight, { kind: 'exit', exit: { ...exit, limit } });
        break;
      }
      case 'F':
        this.settle(run, flight, { kind: 'sandbox-error', reason: data.toString('utf8').slice(0, 400) });
        break;
      default:
        this.die(`the warm interpreter sent an unknown frame ${JSON.stringify(kind)}`);
    }
  }

  private settle(run: number, flight: InFlight, result: WarmResult): void {
    clearTimeout(flight.hungTimer);
    this.inFlight.delete(run);
    flight.resolve(result);
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    killGroup(this.child?.pid);
    this.readyWaiter?.reject(new Error(reason));
    this.readyWaiter = undefined;
    for (const [run, flight] of this.inFlight) {
      clearTimeout(flight.hungTimer);
      this.inFlight.delete(run);
      if (flight.started) flight.resolve({ kind: 'sandbox-error', reason });
      else flight.reject(new NotStartedError(reason));
    }
    void rm(this.runsDir, { recursive: true, force: true });
  }

  /** Stops the interpreter (and every run in it). */
  stop(): void {
    this.die('the warm interpreter was stopped');
  }

  describe(): string {
    return `${basename(this.runsDir)} for ${this.snapshotDir}`;
  }
}

/**
 * The warm interpreters of an executor: one per snapshot in use (a new snapshot gets a new
 * one; the old one stops once its last run ended). A dead one is replaced on the next run.
 */
export class WarmInterpreterPool {
  private current: WarmInterpreter | undefined;
  private starting: Promise<WarmInterpreter> | undefined;
  private readonly retired = new Set<WarmInterpreter>();

  constructor(
    private readonly tempRoot: string,
    private readonly options: SandboxOptions,
    private readonly interpreter: string,
  ) {}

  async get(snapshotDir: string): Promise<WarmInterpreter> {
    for (;;) {
      const current = this.current;
      if (current !== undefined && current.alive && current.snapshotDir === snapshotDir) return current;
      if (this.starting !== undefined) {
        const started = await this.starting.catch(() => undefined);
        if (started !== undefined && started.alive && started.snapshotDir === snapshotDir) return started;
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- another caller may have settled it during the await.
        if (this.starting !== undefined) continue;
      }
      if (current !== undefined) {
        this.current = undefined;
        if (current.alive && current.running > 0) this.retired.add(current);
        else current.stop();
      }
      this.starting = WarmInterpreter.start(snapshotDir, this.tempRoot, this.options, this.interpreter);
      try {
        this.current = await this.starting;
      } finally {
        this.starting = undefined;
      }
      return this.current;
    }
  }

  /** Stops retired interpreters whose runs have all ended. */
  sweep(): void {
    for (const warm of this.retired) {
      if (warm.running === 0 || !warm.alive) {
        warm.stop();
        this.retired.delete(warm);
      }
    }
  }

  /** Every live interpreter (the benchmark's RSS). */
  pids(): number[] {
    return [this.current, ...this.retired].flatMap((warm) => (warm?.pid === undefined ? [] : [warm.pid]));
  }

  stop(): void {
    this.current?.stop();
    this.current = undefined;
    for (const warm of this.retired) warm.stop();
    this.retired.clear();
  }
}
