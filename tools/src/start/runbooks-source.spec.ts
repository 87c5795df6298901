import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { resolveRunbooks } from './runbooks-source.js';
import { StartUsageError } from './start-options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'hookline-runbooks-source-'));
const copyDir = join(scratch, 'copy');
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { cwd, encoding: 'utf8' }).trim();

function plainFolder(name: string): string {
  const folder = join(scratch, name);
  mkdirSync(join(folder, 'hoop-hooks'), { recursive: true });
  writeFileSync(join(folder, 'hoop-hooks', 'session-open.runbook.py'), 'print("hi")\n');
  return folder;
}

describe('the runbooks npm start runs', () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('by default: the examples, committed to a local repository', () => {
    const source = resolveRunbooks(undefined, { env: {}, root, copyDir });
    assert.equal(source.url, pathToFileURL(copyDir).href);
    assert.equal(git(copyDir, 'status', '--porcelain'), '');
    assert.ok(existsSync(join(copyDir, 'hoop-hooks', 'session-close.runbook.py')));
  });

  it('RUNBOOKS_GIT_URL when set; --runbooks over it', () => {
    const fromEnv = resolveRunbooks(undefined, { env: { RUNBOOKS_GIT_URL: 'https://git.example.com/team/runbooks.git' }, root, copyDir });
    assert.equal(fromEnv.url, 'https://git.example.com/team/runbooks.git');
    const fromOption = resolveRunbooks('ssh://git@git.example.com/team/other.git', {
      env: { RUNBOOKS_GIT_URL: 'https://git.example.com/team/runbooks.git' },
      root,
      copyDir,
    });
    assert.equal(fromOption.url, 'ssh://git@git.example.com/team/other.git');
  });

  it('a repository of its own is fetched from where it is; a plain folder is copied and committed', () => {
    const repository = plainFolder('own-repository');
    git(repository, 'init', '-q');
    git(repository, 'add', '-A');
    git(repository, 'commit', '-qm', 'hooks');
    assert.equal(resolveRunbooks(repository, { env: {}, root, copyDir }).url, pathToFileURL(repository).href);

    const plain = plainFolder('plain');
    const copied = resolveRunbooks(plain, { env: {}, root, copyDir });
    assert.equal(copied.url, pathToFileURL(copyDir).href);
    assert.ok(existsSync(join(copyDir, 'hoop-hooks', 'session-open.runbook.py')));
    assert.match(copied.shown, /a copy of .*plain/);
  });

  it('a relative path is where npm was started (INIT_CWD)', () => {
    plainFolder('relative');
    const source = resolveRunbooks('relative', { env: { INIT_CWD: scratch }, root, copyDir });
    assert.match(source.shown, /a copy of .*relative/);
  });

  it('hostile: a missing folder, a file, an http URL and a URL with a password are refused with one line, no secret', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    for (const [choice, problem] of [
      [join(scratch, 'missing'), /no such folder/],
      [file, /not a folder/],
      ['http://git.example.com/runbooks.git', /cannot be used/],
      ['https://user:hunter2-secret@git.example.com/runbooks.git', /cannot be used/],
    ] as const) {
      assert.throws(
        () => resolveRunbooks(choice, { env: {}, root, copyDir }),
        (error: unknown) => {
          assert.ok(error instanceof StartUsageError);
          assert.match(error.message, problem);
          assert.ok(!error.message.includes('hunter2-secret'));
          return true;
        },
      );
    }
  });
});
