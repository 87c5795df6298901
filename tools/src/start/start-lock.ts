import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '@hookline/observability';
import { START_LOCK_FILE } from './start.constant.js';

/** Another `npm start` (a live process) owns the state directory. */
export class StartLockHeld extends Error {
  override readonly name = 'StartLockHeld';

  constructor(
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(
      `another npm start (pid ${pid}) is running on ${lockFile.slice(0, -START_LOCK_FILE.length - 1)}: stop it first (Ctrl-C there), ` +
        `or give this one its own HOOKLINE_START_DIR and ports`,
    );
  }
}

function ownerOf(lockFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the state directory for this process: a lock file holding its pid, created
 * exclusively so two starts cannot both win. A lock left by a dead process (or unreadable)
 * is taken over. Returns the function that releases it.
 */
export function acquireStartLock(stateDir: string, pid = process.pid): () => void {
  const lockFile = join(stateDir, START_LOCK_FILE);
  // Bounded: a second start racing for a stale lock either wins the exclusive create or finds the winner alive.
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(lockFile, `${pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(lockFile);
      if (owner !== undefined && owner !== pid && processAlive(owner)) throw new StartLockHeld(owner, lockFile);
      if (attempt >= 3) throw new Error(`cannot take ${lockFile}: it keeps coming back; remove it if no npm start runs`, { cause: error });
      rmSync(lockFile, { force: true });
    }
  }
  return () => {
    if (ownerOf(lockFile) === pid) rmSync(lockFile, { force: true });
  };
}
