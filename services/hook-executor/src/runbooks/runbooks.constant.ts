/** Hook file of each hook, relative to the root of the runbooks repository. */
export const HOOK_FILES = {
  'session-open': 'hoop-hooks/session-open.runbook.py',
  'session-close': 'hoop-hooks/session-close.runbook.py',
} as const;

/** Before the first snapshot exists, a failed fetch is retried this often (or every TTL, if shorter). */
export const FIRST_FETCH_RETRY_MS = 2_000;

/** git's stderr kept for an error message. */
export const GIT_STDERR_MAX_BYTES = 8 * 1024;

/** Protocols git may use at all (ext:: and fd:: would run commands). */
export const GIT_ALLOWED_PROTOCOLS = 'https:http:ssh:file';

export const RUNBOOKS_METRICS = {
  fetches: 'hookline_runbooks_fetch_total',
  snapshotAge: 'hookline_runbooks_snapshot_age_seconds',
} as const;
