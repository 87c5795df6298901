// makeReachable widens only the executor's own folders below its home (o+x), never the home
// itself or what is above it; the default state directory of a root executor is in /var/lib.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SYSTEM_STATE_DIR, defaultRunbooksDir } from '../runbooks/runbooks-dir.js';
import { DEFAULT_LIMITS, DEFAULT_SANDBOX_UID, makeReachable, type SandboxOptions } from './sandbox.js';

const root = process.getuid?.() === 0;
const sandbox: SandboxOptions = { enabled: true, network: 'keep', limits: DEFAULT_LIMITS, uid: DEFAULT_SANDBOX_UID };

void describe('makeReachable', { skip: root ? false : 'only a root executor switches the sandbox to another uid' }, () => {
  const made: string[] = [];
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  void it("gives pass (o+x, never read or write) to the executor's own private folders on the way", async () => {
    const top = mkdtempSync(join(tmpdir(), 'hookline-reach-'));
    made.push(top);
    const snapshot = join(top, 'runbooks', 'snapshots', 'abc');
    mkdirSync(snapshot, { recursive: true, mode: 0o700 });
    await makeReachable(sandbox, snapshot);
    for (const dir of [top, join(top, 'runbooks'), join(top, 'runbooks', 'snapshots')]) {
      assert.equal(statSync(dir).mode & 0o777, 0o701, dir);
    }
  });

  void it("refuses to widen the executor's home or a folder above it, naming the folder and the way out", async (t) => {
    const home = homedir();
    const before = statSync(home).mode & 0o7777;
    if ((before & 0o001) !== 0) {
      t.skip(`${home} already lets others pass`);
      return;
    }
    const inside = mkdtempSync(join(home, '.hookline-reach-'));
    made.push(inside);
    chmodSync(inside, 0o700);
    await assert.rejects(makeReachable(sandbox, join(inside, 'snapshot')), (error: Error) => {
      assert.match(error.message, new RegExp(`^${home.replace(/[/.]/g, '\\$&')} does not let the sandbox's uid ${DEFAULT_SANDBOX_UID} pass`));
      assert.match(error.message, /STATE_DIRECTORY/);
      return true;
    });
    assert.equal(statSync(home).mode & 0o7777, before, `${home} is unchanged`);
  });

  void it("puts a root executor's default state in /var/lib, not in its home", () => {
    assert.equal(defaultRunbooksDir({}), join(SYSTEM_STATE_DIR, 'runbooks'));
    assert.equal(defaultRunbooksDir({ STATE_DIRECTORY: '/srv/state' }), '/srv/state/runbooks');
    assert.equal(defaultRunbooksDir({ XDG_STATE_HOME: '/x' }), '/x/hookline/hook-executor/runbooks');
  });
});
