import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@hookline/observability';
import { GitClient, type GitCredentials } from './git-client.js';
import { GitCommandError } from './git-command.error.js';
import { gitUrlProblem, parseGitUrl, redactUrl } from './git-url.js';
import { RunbookSnapshot } from './runbook-snapshot.js';
import { FIRST_FETCH_RETRY_MS } from './runbooks.constant.js';

export type FetchResult = 'success' | 'failure';

const INSTANCE_PREFIX = 'instance-';

/** Folders left by processes that died without closing (SIGKILL): their pid no longer runs. */
async function removeDeadInstances(workDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(workDir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^instance-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    await rm(join(workDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

export interface RunbookRepositoryLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface RunbookRepositoryOptions {
  readonly url: string;
  /** RUNBOOKS_GIT_ALLOW_INSECURE: a plain http URL is refused without it. */
  readonly allowInsecure?: boolean;
  /** Unset: the remote's default branch (its HEAD). */
  readonly branch?: string | undefined;
  readonly credentials?: GitCredentials;
  /** Where the fetched objects and the snapshots live; created if missing. */
  readonly workDir: string;
  readonly ttlMs: number;
  readonly fetchTimeoutMs: number;
  readonly logger?: RunbookRepositoryLogger;
  /** Told of every fetch's outcome (metrics). */
  readonly onFetch?: (result: FetchResult) => void;
}

/** The snapshot a run uses; `release` when the run is over. */
export interface SnapshotLease {
  readonly snapshot: RunbookSnapshot;
  release(): void;
}

/**
 * The runbooks repository, fetched in the background: hooks run from the last good
 * snapshot and never wait for git. A refresh starts once the snapshot is older than
 * the TTL; a failed fetch keeps the old snapshot, logs why (redacted) and is counted.
 */
export class RunbookRepository {
  private git: GitClient | undefined;
  private snapshot: RunbookSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private fetching: Promise<FetchResult> | undefined;
  private closed = false;
  private readonly readyWaiters = new Set<() => void>();
  private readonly instanceDir: string;
  private readonly mirrorDir: string;
  private readonly snapshotsDir: string;
  private readonly url: string;

  constructor(private readonly options: RunbookRepositoryOptions) {
    const urlOptions = { allowInsecure: options.allowInsecure === true };
    const parsed = parseGitUrl(options.url, urlOptions);
    if (parsed === undefined) throw new TypeError(`not a supported git URL (${gitUrlProblem(options.url, urlOptions) ?? ''}): ${redactUrl(options.url)}`);
    this.url = parsed.url;
    // A folder per process: instances sharing RUNBOOKS_DIR never fetch into the same repository.
    this.instanceDir = join(options.workDir, `${INSTANCE_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    this.mirrorDir = join(this.instanceDir, 'objects.git');
    this.snapshotsDir = join(this.instanceDir, 'snapshots');
  }

  /** Where runs keep their private folders: removed with this instance's, even after a crash. */
  get runsDir(): string {
    return join(this.instanceDir, 'runs');
  }

  /** The URL as it may be logged. */
  get displayUrl(): string {
    return redactUrl(this.url);
  }

  /** Starts fetching now and keeps the snapshot fresh in the background. */
  start(): void {
    void this.refreshAndSchedule();
  }

  current(): RunbookSnapshot | undefined {
    return this.snapshot;
  }

  /** Seconds since a fetch last confirmed the snapshot; undefined before the first. */
  snapshotAgeSeconds(now = Date.now()): number | undefined {
    return this.snapshot === undefined ? undefined : Math.max(0, (now - this.snapshot.confirmedAt) / 1000);
  }

  lease(): SnapshotLease | undefined {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return undefined;
    return { snapshot, release: snapshot.acquire() };
  }

  /** Resolves once a snapshot exists (false when closed first or `signal` aborted). */
  whenReady(signal?: AbortSignal): Promise<boolean> {
    if (this.snapshot !== undefined) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        this.readyWaiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve(this.snapshot !== undefined);
      };
      this.readyWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** One fetch now (the CLI; tests). Concurrent callers share the fetch in progress. */
  refresh(): Promise<FetchResult> {
    this.fetching ??= this.fetchOnce().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.fetching?.catch(() => undefined);
    for (const wake of [...this.readyWaiters]) wake();
    await this.git?.close();
    // A run still going keeps its folder; the next start removes it (its pid is gone by then).
    if (this.snapshot?.inUse !== true) await rm(this.instanceDir, { recursive: true, force: true });
  }

  private async refreshAndSchedule(): Promise<void> {
    const result = await this.refresh();
    if (this.closed) return;
    // Before the first snapshot, retry soon: the service is not ready until one exists.
    const delay = this.snapshot === undefined ? Math.min(this.options.ttlMs, FIRST_FETCH_RETRY_MS) : this.options.ttlMs;
    this.timer = setTimeout(() => void this.refreshAndSchedule(), result === 'success' ? this.options.ttlMs : delay);
    this.timer.unref();
  }

  private async fetchOnce(): Promise<FetchResult> {
    const started = Date.now();
    try {
      const git = await this.client();
      const ref = this.options.branch === undefined ? 'HEAD' : `refs/heads/${this.options.branch}`;
      const timeoutMs = this.options.fetchTimeoutMs;
      await git.run(['fetch', '--no-tags', '--depth=1', '--force', '--quiet', '--', this.url, ref], {
        timeoutMs,
        cwd: this.mirrorDir,
        extraEnv: { GIT_DIR: this.mirrorDir },
      });
      const commit = (await git.run(['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}'], { timeoutMs, extraEnv: { GIT_DIR: this.mirrorDir } })).trim();
      if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitCommandError(`git rev-parse gave no commit for ${ref}`);
      const current = this.snapshot;
      if (current !== undefined && current.commit === commit) {
        current.confirmedAt = Date.now();
      } else {
        const dir = await this.checkout(git, commit);
        if (this.closed) {
          await rm(dir, { recursive: true, force: true });
          return 'failure';
        }
        this.snapshot = new RunbookSnapshot(commit, dir, Date.now());
        current?.supersede();
        this.options.logger?.info({ url: this.displayUrl, commit, previous: current?.commit ?? null, ms: Date.now() - started }, 'runbooks snapshot ready');
        for (const wake of [...this.readyWaiters]) wake();
      }
      this.options.onFetch?.('success');
      return 'success';
    } catch (error) {
      const reason = error instanceof GitCommandError ? error.message : redactUrl(error instanceof Error ? error.message : String(error));
      this.options.logger?.warn(
        { url: this.displayUrl, reason, keptCommit: this.snapshot?.commit ?? null },
        this.snapshot === undefined ? 'runbooks fetch failed; no snapshot yet, hooks wait' : 'runbooks fetch failed; the last good snapshot stays in use',
      );
      this.options.onFetch?.('failure');
      return 'failure';
    }
  }

  private async client(): Promise<GitClient> {
    if (this.git !== undefined) return this.git;
    await removeDeadInstances(this.options.workDir);
    await mkdir(this.snapshotsDir, { recursive: true, mode: 0o700 });
    await mkdir(this.runsDir, { recursive: true, mode: 0o700 });
    await mkdir(this.mirrorDir, { recursive: true, mode: 0o700 });
    const git = await GitClient.create(this.instanceDir, this.options.credentials ?? {});
    await git.run(['init', '--bare', '--quiet', this.mirrorDir], { timeoutMs: this.options.fetchTimeoutMs });
    this.git = git;
    return git;
  }

  /** Checks `commit` out into a folder of its own (a fresh index, so nothing is shared with another snapshot). */
  private async checkout(git: GitClient, commit: string): Promise<string> {
    const dir = join(this.snapshotsDir, `${commit.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const index = `${dir}.index`;
    try {
      await git.run(['checkout', '--force', '--quiet', commit, '--', '.'], {
        timeoutMs: this.options.fetchTimeoutMs,
        extraEnv: { GIT_DIR: this.mirrorDir, GIT_WORK_TREE: dir, GIT_INDEX_FILE: index },
        cwd: dir,
      });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    } finally {
      await rm(index, { force: true });
    }
    return dir;
  }
}
