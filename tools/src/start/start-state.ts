import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where one `npm start` keeps its state, under its state directory. `--fresh` removes all
 * of it; the Kafka jars (the cache's kafka/<version>) are not in here and stay.
 */
export function startStatePaths(stateDir: string) {
  return {
    logs: join(stateDir, 'logs'),
    kafkaData: join(stateDir, 'kafka', 'data-start'),
    runbooksCopy: join(stateDir, 'runbooks-example'),
    runbooksDir: join(stateDir, 'hook-executor'),
    // The embedded PostgreSQL of the relay and audit.
    database: join(stateDir, 'postgres'),
    // Where earlier versions kept an embedded database each: only --fresh still removes them.
    formerRelayDatabase: join(stateDir, 'svix-relay-db'),
    formerAuditDatabase: join(stateDir, 'audit'),
  } as const;
}

export type StartStatePaths = ReturnType<typeof startStatePaths>;

/** Forgets the previous run: backlog (the broker's data), endpoints and records (the databases), runbooks, logs. */
export function wipeStartState(paths: StartStatePaths): void {
  for (const path of Object.values(paths)) rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}

export function ensureStartState(paths: StartStatePaths): void {
  mkdirSync(paths.logs, { recursive: true });
}
