#!/usr/bin/env node
// `npm run hook -- test session-close --payload event.json --repo <path or url>`: runs one
// hook once, locally, the way the service would, and prints exit code, output and duration.
// A local folder with files (a clone, or plain files) runs as it is on disk, uncommitted
// changes included; a URL, a bare repository or --branch runs a commit fetched with git.
import { execFileSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EventValidationError, validateIngestEvent, type EventIssue } from '@hookline/contracts';
import { ENV_NAME_PATTERN, HOOK_ENV_PREFIX, MAX_OUTPUT_CAP_BYTES, RESERVED_HOOK_ENV_NAMES } from '../config/hook-executor.constant.js';
import { buildHookPayload, preparePayload } from '../hooks/hook-payload.js';
import { HookRunner } from '../hooks/hook-runner.js';
import { DEFAULT_LIMITS, DEFAULT_SANDBOX_UID, probeSandbox, type SandboxOptions } from '../sandbox/sandbox.js';
import type { HookRunResult } from '../hooks/hook-run.types.js';
import { gitUrlProblem, parseGitUrl, redactUrl } from '../runbooks/git-url.js';
import { RunbookRepository } from '../runbooks/runbook-repository.js';
import { HOOK_FILES } from '../runbooks/runbooks.constant.js';

type HookArg = keyof typeof HOOK_FILES;
const EVENT_OF: Record<HookArg, 'session.open' | 'session.close'> = { 'session-open': 'session.open', 'session-close': 'session.close' };

interface TestOptions {
  payload: string;
  repo: string;
  branch?: string;
  timeout: number;
  maxOutputBytes: number;
  interpreter: string;
  env: string[];
  json?: boolean;
  sandbox: 'on' | 'off';
  network: 'keep' | 'none';
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a number > 0');
  return value;
}

function outputCap(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1024 || value > MAX_OUTPUT_CAP_BYTES)
    throw new InvalidArgumentError(`expected a whole number 1024-${MAX_OUTPUT_CAP_BYTES}`);
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** RUNBOOKS_GIT_ALLOW_INSECURE from the environment, read as the service reads it. */
function allowInsecureFromEnv(): boolean {
  return /^(true|1|yes|on)$/i.test(process.env.RUNBOOKS_GIT_ALLOW_INSECURE ?? '');
}

/** A path becomes a file:// URL; a URL is checked as the service would check RUNBOOKS_GIT_URL. */
export function repositoryUrl(repo: string, allowInsecure = allowInsecureFromEnv()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || (!repo.startsWith('/') && !repo.startsWith('.') && parseGitUrl(repo)?.kind === 'ssh')) {
    const problem = gitUrlProblem(repo, { allowInsecure });
    if (problem !== undefined) throw new Error(`--repo ${redactUrl(repo)} cannot be used: ${problem}`);
    return repo;
  }
  return pathToFileURL(isAbsolute(repo) ? repo : resolve(repo)).href;
}

/** What --repo holds on disk: run from its files (not from git) when this is set. */
interface WorkingTree {
  readonly folder: string;
  /** The commit the files sit on, when the folder is a git work tree of its own. */
  readonly commit: string | undefined;
  readonly uncommitted: boolean;
}

function gitOutput(folder: string, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: folder, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** --repo as a working tree: an existing local folder that is not a bare repository, when no --branch is asked for. */
export function workingTreeOf(repo: string, branch: string | undefined): WorkingTree | undefined {
  if (branch !== undefined || repositoryUrl(repo) !== pathToFileURL(isAbsolute(repo) ? repo : resolve(repo)).href) return undefined;
  const folder = isAbsolute(repo) ? repo : resolve(repo);
  try {
    if (!statSync(folder).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  if (gitOutput(folder, 'rev-parse', '--is-bare-repository') === 'true') return undefined;
  const topLevel = gitOutput(folder, 'rev-parse', '--show-toplevel');
  // A folder inside another repository (examples/runbooks in this one) is plain files, not that repository.
  if (topLevel === undefined || realpathSync(topLevel) !== realpathSync(folder)) return { folder, commit: undefined, uncommitted: true };
  const commit = gitOutput(folder, 'rev-parse', '--verify', '--quiet', 'HEAD');
  return { folder, commit: commit === '' ? undefined : commit, uncommitted: (gitOutput(folder, 'status', '--porcelain') ?? '') !== '' || commit === undefined };
}

function describeTree(tree: WorkingTree): string {
  if (tree.commit === undefined) return `working tree ${tree.folder}`;
  return `working tree ${tree.folder} (${tree.commit.slice(0, 12)}${tree.uncommitted ? ' with uncommitted changes' : ''})`;
}

/** A snapshot of the working tree's files (git's own folder left out), so the hook sees them fixed, as in the service. */
async function snapshotOf(tree: WorkingTree, workDir: string): Promise<string> {
  const dir = join(workDir, 'working-tree');
  await mkdir(dir, { mode: 0o755 });
  await cp(tree.folder, dir, { recursive: true, filter: (source) => !source.slice(tree.folder.length).split(/[\\/]/).includes('.git') });
  return dir;
}

function hookEnvironment(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [variable, value] of Object.entries(process.env)) {
    if (variable.startsWith(HOOK_ENV_PREFIX) && value !== undefined) env[variable.slice(HOOK_ENV_PREFIX.length)] = value;
  }
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env ${pair.split('=')[0]}: expected NAME=value`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  for (const name of Object.keys(env)) {
    if (!ENV_NAME_PATTERN.test(name)) throw new Error(`hook variable ${name}: expected letters, digits and _`);
    if (RESERVED_HOOK_ENV_NAMES.includes(name)) throw new Error(`hook variable ${name} is set by the executor itself`);
  }
  return env;
}

function issuesText(issues: readonly EventIssue[]): string {
  return issues.map((issue) => `${issue.path === '' ? '(event)' : issue.path}: ${issue.message}`).join('; ');
}

/** The event in --payload: the ingest shape ({type, data}) as in examples/events/. */
async function readEvent(file: string, hook: HookArg) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--payload ${file}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message}`, { cause: error });
  }
  const result = validateIngestEvent(json);
  if (!result.ok) throw new Error(`--payload ${file} is not a valid event: ${issuesText(result.issues)}`);
  const event = result.event;
  if (event.type !== EVENT_OF[hook]) {
    throw new Error(`--payload ${file} is a ${event.type} event; hook ${hook} runs on ${EVENT_OF[hook]}`);
  }
  return event;
}

function print(result: HookRunResult, hookPath: string, source: string): void {
  const out = process.stdout;
  out.write(`hook      ${hookPath} @ ${source}\n`);
  out.write(`outcome   ${result.outcome}${result.skipped_reason ? ` (${result.skipped_reason})` : ''}${result.error ? ` (${result.error})` : ''}\n`);
  out.write(`exit code ${result.exit_code ?? '-'}${result.signal ? ` (signal ${result.signal})` : ''}${result.timed_out ? ' (timed out)' : ''}\n`);
  out.write(`duration  ${result.duration_ms.toFixed(1)} ms\n`);
  if (result.payload_truncated) out.write('payload   input/output cut in HOOP_RUNBOOK_HOOK_PAYLOAD; the payload file had all of it\n');
  for (const [name, stream] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    out.write(`--- ${name} (${stream.bytes} bytes${stream.truncated ? ', truncated' : ''}) ---\n`);
    if (stream.text !== '') out.write(stream.text.endsWith('\n') ? stream.text : `${stream.text}\n`);
  }
}

/** `--json` has printed the run's own fields in camelCase since it was added; scripts read them so. */
function camelKeys(result: HookRunResult): Record<string, unknown> {
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()), value]));
}

interface HookInput {
  readonly event: Awaited<ReturnType<typeof readEvent>>;
  readonly hookEnv: Record<string, string>;
}

/** Runs the hook from a snapshot folder and prints the result; the exit code of the command. */
async function runFrom(
  hook: HookArg,
  options: TestOptions,
  input: HookInput,
  snapshotDir: string,
  source: { shown: string; json: Record<string, unknown> },
): Promise<number> {
  const { event, hookEnv } = input;
  const sandbox: SandboxOptions = {
    enabled: options.sandbox === 'on',
    network: options.network,
    limits: DEFAULT_LIMITS,
    uid: process.getuid?.() === 0 ? DEFAULT_SANDBOX_UID : undefined,
  };
  if (sandbox.enabled) {
    const problem = await probeSandbox(sandbox, options.interpreter);
    if (problem !== undefined) throw new Error(`the sandbox does not work here: ${problem} (--sandbox off runs the hook unconfined)`);
  }
  const runner = new HookRunner(sandbox);
  try {
    const result = await runner.run({
      hook,
      snapshotDir,
      hookPath: HOOK_FILES[hook],
      payload: preparePayload(buildHookPayload(event)),
      interpreter: options.interpreter,
      timeoutMs: options.timeout * 1000,
      maxOutputBytes: options.maxOutputBytes,
      hookEnv,
    });
    if (options.json === true) process.stdout.write(`${JSON.stringify({ ...source.json, hook_path: HOOK_FILES[hook], ...camelKeys(result) })}\n`);
    else print(result, HOOK_FILES[hook], source.shown);
    if (result.outcome === 'success') return 0;
    return result.exit_code ?? 1;
  } finally {
    runner.close();
  }
}

async function testHook(hook: HookArg, options: TestOptions): Promise<number> {
  // Bad input is reported before anything is fetched or copied.
  const input: HookInput = { event: await readEvent(options.payload, hook), hookEnv: hookEnvironment(options.env) };
  const workDir = await mkdtemp(join(tmpdir(), 'hookline-hook-test-'));
  try {
    const tree = workingTreeOf(options.repo, options.branch);
    if (tree !== undefined) {
      const snapshotDir = await snapshotOf(tree, workDir);
      return await runFrom(hook, options, input, snapshotDir, {
        shown: describeTree(tree),
        json: { commit: tree.commit ?? null, working_tree: tree.folder, uncommitted: tree.uncommitted },
      });
    }
    const repository = new RunbookRepository({
      url: repositoryUrl(options.repo),
      allowInsecure: allowInsecureFromEnv(),
      branch: options.branch,
      credentials: {
        user: process.env.GIT_USER,
        password: process.env.GIT_PASSWORD,
        sshKey: process.env.GIT_SSH_KEY,
        sshKeyPassphrase: process.env.GIT_SSH_KEY_PASSPHRASE,
        sshKnownHosts: process.env.GIT_SSH_KNOWN_HOSTS,
      },
      workDir,
      ttlMs: Number.MAX_SAFE_INTEGER,
      fetchTimeoutMs: 60_000,
      logger: { info: () => undefined, warn: (object) => process.stderr.write(`git: ${(object as { reason?: string }).reason ?? 'fetch failed'}\n`) },
    });
    try {
      if ((await repository.refresh()) === 'failure') return 2;
      const lease = repository.lease();
      if (lease === undefined) return 2;
      try {
        return await runFrom(hook, options, input, lease.snapshot.dir, { shown: lease.snapshot.commit.slice(0, 12), json: { commit: lease.snapshot.commit } });
      } finally {
        lease.release();
      }
    } finally {
      await repository.close();
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const program = new Command('hook').description('Runbook hooks, locally: try a hook before pushing it.').showHelpAfterError();
program
  .command('test')
  .description('Run one hook once from a runbooks repository with an event, and print exit code, output and duration.')
  .addArgument(program.createArgument('<hook>', 'session-open or session-close').choices(Object.keys(HOOK_FILES)))
  .requiredOption('--payload <file>', 'the event, as JSON {type, data} (see examples/events/)')
  .requiredOption(
    '--repo <path-or-url>',
    'the runbooks: a local folder (run as it is on disk, uncommitted changes included), a bare repository, file://, https:// or ssh URL (credentials from GIT_USER/GIT_PASSWORD or GIT_SSH_KEY/GIT_SSH_KNOWN_HOSTS)',
  )
  .option('--branch <name>', "branch to use, committed (default: the repository's default branch; a local folder's files as they are)")
  .addOption(new Option('--timeout <seconds>', 'time limit').argParser(positiveNumber).default(30))
  .addOption(new Option('--max-output-bytes <n>', 'bytes of stdout and of stderr kept').argParser(outputCap).default(64 * 1024))
  .option('--interpreter <program>', 'program that runs the hook file', 'python3')
  .option('--env <NAME=value>', 'a variable for the hook (repeatable; HOOK_ENV_<NAME> from the environment also count)', collect, [])
  .option('--json', 'print the result as one JSON line')
  .addOption(new Option('--sandbox <on|off>', 'run the hook in the bubblewrap sandbox, as the service does').choices(['on', 'off']).default('on'))
  .addOption(new Option('--network <keep|none>', 'the network inside the sandbox').choices(['keep', 'none']).default('keep'))
  .action(async (hook: HookArg, options: TestOptions) => {
    process.exitCode = await testHook(hook, options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof EventValidationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`hook: ${message}\n`);
  process.exitCode = 2;
}
