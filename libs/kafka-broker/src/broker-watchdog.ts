/**
 * A detached process that outlives nothing: when the process that started the broker
 * dies (even by SIGKILL, where no exit handler runs), it stops the JVM and removes the
 * broker's throw-away data folder. argv: <owner pid> <jvm pid> [data dir to remove]
 */
import { rmSync } from 'node:fs';
import { processAlive as alive } from '@hookline/observability/process-alive';

const [ownerArg, jvmArg, dataDir] = process.argv.slice(2);
const owner = Number(ownerArg);
const jvm = Number(jvmArg);
const POLL_MS = 500;
const GRACE_MS = 20_000;

function cleanUpAndExit(): never {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

if (!Number.isInteger(owner) || !Number.isInteger(jvm) || owner <= 0 || jvm <= 0) process.exit(2);

const timer = setInterval(() => {
  if (!alive(jvm)) {
    clearInterval(timer);
    process.exit(0);
  }
  if (alive(owner)) return;
  clearInterval(timer);
  try {
    process.kill(jvm, 'SIGTERM');
  } catch {
    cleanUpAndExit();
  }
  const deadline = Date.now() + GRACE_MS;
  const waitJvm = setInterval(() => {
    if (!alive(jvm)) {
      clearInterval(waitJvm);
      cleanUpAndExit();
    }
    if (Date.now() > deadline) {
      try {
        process.kill(jvm, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }, POLL_MS);
}, POLL_MS);
