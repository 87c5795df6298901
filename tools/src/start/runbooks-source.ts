import { execFileSync } from 'node:child_process';
import { cpSync, realpathSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { hookExecutorSettings } from '@hookline/hook-executor';
import { gitUrlProblem, parseGitUrl, redactUrl } from '@hookline/hook-executor/git-url';
import { StartUsageError } from './start-options.js';

/** The runbooks repository the hook-executor fetches, and what the banner says about it. */
export interface RunbooksSource {
  /** RUNBOOKS_GIT_URL for the hook-executor. */
  readonly url: string;
  /** Where it is, for the banner (a URL without credentials). */
  readonly shown: string;
  readonly howToChange: string;
}

type HookExecutorSetting = keyof typeof hookExecutorSettings;
const RUNBOOKS_GIT_URL: HookExecutorSetting = 'RUNBOOKS_GIT_URL';
const RUNBOOKS_GIT_ALLOW_INSECURE: HookExecutorSetting = 'RUNBOOKS_GIT_ALLOW_INSECURE';

function isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || (!text.startsWith('/') && !text.startsWith('.') && parseGitUrl(text)?.kind === 'ssh');
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=hookline', '-c', 'user.email=hookline@localhost', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'ignore'],
    encoding: 'utf8',
  });
}

/** The folder's own git work tree top level (not a repository it merely sits in), or undefined. */
function ownRepository(folder: string): boolean {
  try {
    return realpathSync(git(folder, 'rev-parse', '--show-toplevel').trim()) === realpathSync(folder);
  } catch {
    return false;
  }
}

/** A folder of runbooks that is not a repository of its own, committed to a fresh local repository. */
function committedCopy(folder: string, copy: string): string {
  rmSync(copy, { recursive: true, force: true });
  cpSync(folder, copy, { recursive: true, filter: (source) => !source.split(/[\\/]/).includes('.git') });
  git(copy, 'init', '-q', '--initial-branch=main');
  git(copy, 'add', '-A');
  git(copy, 'commit', '-qm', 'runbooks', '--allow-empty');
  return copy;
}

/**
 * The runbooks `npm start` runs: --runbooks, else RUNBOOKS_GIT_URL, else examples/runbooks.
 * A git URL is used as it is; a folder that is a repository of its own is fetched from (commit
 * there to change the hooks); any other folder is copied once into a local repository.
 */
export function resolveRunbooks(choice: string | undefined, options: { env: NodeJS.ProcessEnv; root: string; copyDir: string }): RunbooksSource {
  const chosen = choice ?? (options.env[RUNBOOKS_GIT_URL]?.trim() || undefined);
  const what = choice !== undefined ? '--runbooks' : RUNBOOKS_GIT_URL;
  if (chosen === undefined) {
    const examples = join(options.root, 'examples', 'runbooks');
    const repository = committedCopy(examples, options.copyDir);
    return { url: pathToFileURL(repository).href, shown: repository, howToChange: 'commit there to change the hooks' };
  }
  if (isUrl(chosen)) {
    const problem = gitUrlProblem(chosen, { allowInsecure: /^(true|1|yes|on)$/i.test(options.env[RUNBOOKS_GIT_ALLOW_INSECURE] ?? '') });
    if (problem !== undefined) throw new StartUsageError(`${what} ${redactUrl(chosen)} cannot be used: ${problem}`);
    return { url: chosen, shown: redactUrl(chosen), howToChange: 'push there to change the hooks' };
  }
  // npm runs scripts from the repository root; a relative path means where npm was started.
  const folder = isAbsolute(chosen) ? chosen : resolve(options.env['INIT_CWD'] ?? process.cwd(), chosen);
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new StartUsageError(`${what} ${chosen}: no such folder (give a runbooks folder or a git URL)`);
  }
  if (!isFolder) throw new StartUsageError(`${what} ${chosen}: not a folder (give a runbooks folder or a git URL)`);
  if (ownRepository(folder)) return { url: pathToFileURL(folder).href, shown: folder, howToChange: 'commit there to change the hooks' };
  const repository = committedCopy(folder, options.copyDir);
  return { url: pathToFileURL(repository).href, shown: `${repository} (a copy of ${folder})`, howToChange: 'commit there, or restart, to change the hooks' };
}
