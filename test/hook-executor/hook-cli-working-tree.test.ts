// `npm run hook -- test … --repo <folder>`: a folder runs as it is on disk (the README's
// command on examples/runbooks, a clone's uncommitted edit), git's own folder never reaches
// the hook, and --branch still runs the committed hook.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startSiemReceiver, type SiemReceiver } from '@hookline/tools/siem-receiver';
import { RunbooksFixture } from './runbooks-fixture.js';
import { closeAll } from '../support/close-all.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'services/hook-executor/dist/cli/hook.cli.js');
const PAYLOAD = 'examples/events/session-close.json';

function hook(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'test', 'session-close', '--payload', PAYLOAD, ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: ROOT },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      },
    );
  });
}

const printing = (text: string): string => `print(${JSON.stringify(text)})\n`;

void describe('hook test CLI on a working tree', () => {
  let fixture: RunbooksFixture;
  let clone: string;
  let receiver: SiemReceiver;

  before(async () => {
    fixture = RunbooksFixture.create();
    fixture.commit({ 'hoop-hooks/session-close.runbook.py': printing('committed hook') });
    clone = join(fixture.root, 'clone');
    execFileSync('git', ['clone', '--quiet', fixture.bare, clone], { stdio: 'ignore' });
    receiver = await startSiemReceiver({ port: 0, token: 'siem-token-for-the-readme', print: () => undefined });
  });

  after(async () => {
    await closeAll(receiver, fixture);
  });

  void it("the README's command runs examples/runbooks (not a git repository of its own) against npm start's SIEM receiver", async () => {
    const result = await hook(['--repo', 'examples/runbooks', '--env', `SIEM_URL=${receiver.collectorUrl}`, '--env', 'SIEM_TOKEN=siem-token-for-the-readme']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^hook +hoop-hooks\/session-close\.runbook\.py @ working tree .*examples\/runbooks$/m);
    assert.match(result.stdout, /^outcome +success$/m);
    assert.deepEqual(receiver.counts, { hooks: 1, svix: 0, refused: 0 }, 'the example hook forwarded the event with the token');
  });

  void it("a clone's uncommitted edit runs; --branch runs the committed hook", async () => {
    writeFileSync(join(clone, 'hoop-hooks/session-close.runbook.py'), printing('edited, not committed'));
    const edited = await hook(['--repo', clone]);
    assert.equal(edited.code, 0, edited.stdout + edited.stderr);
    assert.match(edited.stdout, /^edited, not committed$/m);
    assert.match(edited.stdout, /@ working tree .* \([0-9a-f]{12} with uncommitted changes\)$/m);

    const json = JSON.parse((await hook(['--repo', clone, '--json'])).stdout) as {
      commit: string;
      working_tree: string;
      uncommitted: boolean;
      outcome: string;
    };
    assert.equal(json.working_tree, clone);
    assert.equal(json.uncommitted, true);
    assert.match(json.commit, /^[0-9a-f]{40}$/);

    const committed = await hook(['--repo', clone, '--branch', 'main']);
    assert.equal(committed.code, 0, committed.stdout + committed.stderr);
    assert.match(committed.stdout, /^committed hook$/m);
  });

  void it("hostile: the working tree's .git (with a credential in its config) is not in the hook's snapshot", async () => {
    execFileSync('git', ['-C', clone, 'config', 'http.extraHeader', 'Authorization: Bearer do-not-leak-0123']);
    writeFileSync(
      join(clone, 'hoop-hooks/session-close.runbook.py'),
      'import os\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\nprint("git folder:", os.path.exists(os.path.join(root, ".git")))\nprint(sorted(os.listdir(root)))\n',
    );
    const result = await hook(['--repo', clone]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^git folder: False$/m);
    assert.ok(!result.stdout.includes('do-not-leak-0123'));
  });

  void it('hostile: a --repo that is a file, or a folder that does not exist, fails with exit 2 naming git', async () => {
    const file = join(fixture.root, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const repo of [file, join(fixture.root, 'missing')]) {
      const result = await hook(['--repo', repo]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /git: git fetch failed/);
    }
  });

  void it('a folder without the hook file runs nothing and says so', async () => {
    const empty = join(fixture.root, 'empty-runbooks');
    mkdirSync(empty);
    const result = await hook(['--repo', empty]);
    assert.match(result.stdout, /^outcome +skipped/m, result.stdout + result.stderr);
  });
});
