import type { HookExecutionRecord, HookName } from '@hookline/contracts';
import type { PreparedPayload } from './hook-payload.js';

export type CapturedStream = HookExecutionRecord['stdout'];

/** What one hook run is asked to do. */
export interface HookRunRequest {
  readonly hook: HookName;
  /** Snapshot folder: the hook's working directory. */
  readonly snapshotDir: string;
  /** Hook file relative to the snapshot. */
  readonly hookPath: string;
  readonly payload: PreparedPayload;
  readonly interpreter: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** HOOK_ENV_<NAME> values, already stripped of the prefix. */
  readonly hookEnv: Readonly<Record<string, string>>;
  /** Parent of the run's private folder (payload file, TMPDIR); the system temp folder when absent. */
  readonly tempRoot?: string;
  /** Aborting kills the run's process group at once (its result is then meaningless). */
  readonly signal?: AbortSignal;
  /** Told the moment the hook process has been started (queue-wait metric, benchmark). */
  readonly onSpawn?: (startedAtMs: number) => void;
}

/**
 * How one hook run went: the record's own fields, less those of the event and the snapshot
 * that the service adds around it.
 */
export type HookRunResult = Omit<HookExecutionRecord, 'event_id' | 'event_type' | 'event_time' | 'sid' | 'org_id' | 'hook' | 'hook_path' | 'git_commit'>;
