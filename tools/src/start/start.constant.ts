/** Environment variables `npm start` itself reads (the services' own come from their settings). */
export const START_ENV = {
  rate: 'SIMULATE_RATE',
  duration: 'HOOKLINE_START_DURATION',
  /** Where a run keeps its state; default `.cache` at the repository root. */
  dir: 'HOOKLINE_START_DIR',
  producerPort: 'PRODUCER_PORT',
  hookExecutorPort: 'HOOK_EXECUTOR_PORT',
  relayPort: 'RELAY_PORT',
  auditPort: 'AUDIT_PORT',
  siemReceiverPort: 'SIEM_RECEIVER_PORT',
} as const;

/** Exit codes: 0 stopped cleanly, 1 something failed while running, 2 bad usage or refused to start. */
export const START_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const START_DEFAULTS = {
  siemReceiverPort: 8099,
  /** The hook-executor refetches the runbooks this often, so a commit shows up quickly. */
  runbooksTtlSeconds: 30,
  /** Svix attempts reach the audit record this quickly under `npm start`. */
  attemptPollSeconds: 2,
  readyTimeoutMs: 90_000,
  /** A service that has not exited this long after SIGTERM is killed. */
  stopGraceMs: 10_000,
  summaryIntervalMs: 2_000,
  quietSummaryIntervalMs: 10_000,
  simulatorProgressMs: 10_000,
} as const;

/** The file holding the pid of the `npm start` that owns a state directory. */
export const START_LOCK_FILE = 'npm-start.lock';
