// Runbooks repositories for the tests: a bare repository (what a git server holds)
// and a working clone to commit hooks from, with the real git CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'runbook author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'runbook author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

export class RunbooksFixture {
  /** Folder holding the bare repository (a git server's project root). */
  readonly root: string;
  readonly bare: string;
  private readonly work: string;

  private constructor(readonly name: string) {
    this.root = mkdtempSync(join(tmpdir(), 'hookline-runbooks-fixture-'));
    this.bare = join(this.root, `${name}.git`);
    this.work = join(this.root, 'work');
    git(this.root, 'init', '--quiet', '--bare', '--initial-branch=main', this.bare);
    git(this.root, 'init', '--quiet', '--initial-branch=main', this.work);
    git(this.work, 'remote', 'add', 'origin', this.bare);
  }

  static create(name = 'runbooks'): RunbooksFixture {
    return new RunbooksFixture(name);
  }

  get fileUrl(): string {
    return pathToFileURL(this.bare).href;
  }

  /** Writes `files` (path -> content; null deletes), commits, pushes; returns the commit. */
  commit(files: Record<string, string | null>, message = 'update hooks'): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    git(this.work, 'add', '--all');
    git(this.work, 'commit', '--quiet', '--allow-empty', '-m', message);
    git(this.work, 'push', '--quiet', 'origin', 'main');
    return git(this.work, 'rev-parse', 'HEAD');
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
