import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LANG, DEFAULT_PATH } from '../config/hook-executor.constant.js';
import { GitCommandError } from './git-command.error.js';
import { redactUrl } from './git-url.js';
import { GIT_ALLOWED_PROTOCOLS, GIT_STDERR_MAX_BYTES } from './runbooks.constant.js';

/** Credentials for the runbooks repository; never put on a command line or in a message. */
export interface GitCredentials {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly sshKey?: string | undefined;
  readonly sshKeyPassphrase?: string | undefined;
  /** known_hosts lines, or the path of a known_hosts file. */
  readonly sshKnownHosts?: string | undefined;
}

// Answers git's and ssh's prompts from the process environment, so secrets never
// touch argv (visible in `ps`) or a file other than this 0700 directory's own.
const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$HOOKLINE_GIT_USER" ;;
  Password*) printf '%s\\n' "$HOOKLINE_GIT_PASSWORD" ;;
  *) printf '%s\\n' "$HOOKLINE_SSH_PASSPHRASE" ;;
esac
`;

/**
 * Runs the real git CLI with a clean environment: no system or user git config (no
 * credential helpers, hooks, aliases), no terminal prompts, only https/http/ssh/file,
 * credentials through an askpass helper or an ssh key file, host keys checked.
 */
export class GitClient {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly secrets: readonly string[],
    private readonly credentialsDir: string,
  ) {}

  static async create(workDir: string, credentials: GitCredentials): Promise<GitClient> {
    const credentialsDir = await mkdtemp(join(workDir, 'credentials-'));
    await chmod(credentialsDir, 0o700);
    const home = join(credentialsDir, 'home');
    const askpass = join(credentialsDir, 'askpass.sh');
    await writeFile(askpass, ASKPASS_SCRIPT, { mode: 0o700 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? DEFAULT_PATH,
      HOME: home,
      LANG: DEFAULT_LANG,
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ALLOW_PROTOCOL: GIT_ALLOWED_PROTOCOLS,
      GIT_ASKPASS: askpass,
      HOOKLINE_GIT_USER: credentials.user ?? (credentials.password === undefined ? '' : 'git'),
      HOOKLINE_GIT_PASSWORD: credentials.password ?? '',
    };
    if (credentials.sshKey !== undefined) {
      const keyFile = join(credentialsDir, 'id_key');
      await writeFile(keyFile, credentials.sshKey.endsWith('\n') ? credentials.sshKey : `${credentials.sshKey}\n`, { mode: 0o600 });
      const knownHosts = await knownHostsFile(credentialsDir, credentials.sshKnownHosts);
      const options = [
        '-F /dev/null',
        `-i ${shellQuote(keyFile)}`,
        '-o IdentitiesOnly=yes',
        '-o StrictHostKeyChecking=yes',
        `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
        '-o GlobalKnownHostsFile=/dev/null',
        '-o ConnectTimeout=15',
      ];
      if (credentials.sshKeyPassphrase === undefined) options.push('-o BatchMode=yes');
      else Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'none', HOOKLINE_SSH_PASSPHRASE: credentials.sshKeyPassphrase });
      env.GIT_SSH_COMMAND = `ssh ${options.join(' ')}`;
    }
    const secrets = [credentials.password, credentials.sshKeyPassphrase].filter((value): value is string => value !== undefined && value !== '');
    return new GitClient(env, secrets, credentialsDir);
  }

  /** The ssh command git uses (no secret in it: the key is a 0600 file, a passphrase comes from askpass). */
  get sshCommand(): string | undefined {
    return this.env.GIT_SSH_COMMAND;
  }

  /** Runs `git <args>`; resolves with stdout, rejects with a GitCommandError whose text is redacted. */
  run(args: readonly string[], options: { timeoutMs: number; extraEnv?: NodeJS.ProcessEnv; cwd?: string }): Promise<string> {
    const fullArgs = ['-c', 'core.hooksPath=/dev/null', '-c', 'credential.helper=', '-c', 'core.fsmonitor=false', ...args];
    return new Promise((resolve, reject) => {
      const child = spawn('git', fullArgs, {
        env: { ...this.env, ...options.extraEnv },
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a timeout also stops git-remote-https and ssh.
        detached: true,
      });
      const stdout: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < GIT_STDERR_MAX_BYTES) stderr += chunk.toString('utf8');
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, options.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new GitCommandError(this.redact(`git could not be started: ${error.message}`)));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) {
          resolve(Buffer.concat(stdout).toString('utf8'));
          return;
        }
        const why = timedOut ? `timed out after ${options.timeoutMs} ms` : signal !== null ? `killed by ${signal}` : `exit code ${code}`;
        const detail = stderr.trim().split('\n').filter(isTellingLine).slice(-3).join(' | ');
        reject(new GitCommandError(this.redact(`git ${args[0] ?? ''} failed (${why})${detail === '' ? '' : `: ${detail}`}`)));
      });
    });
  }

  /** Text fit for logs: no URL user info, no password, token or passphrase. */
  redact(text: string): string {
    let out = redactUrl(text);
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  async close(): Promise<void> {
    await rm(this.credentialsDir, { recursive: true, force: true });
  }
}

async function knownHostsFile(dir: string, knownHosts: string | undefined): Promise<string> {
  if (knownHosts === undefined) return '/dev/null';
  // A single line without spaces is a path; known_hosts entries always have spaces.
  if (!/\s/.test(knownHosts.trim())) return knownHosts.trim();
  const file = join(dir, 'known_hosts');
  await writeFile(file, knownHosts.endsWith('\n') ? knownHosts : `${knownHosts}\n`, { mode: 0o600 });
  return file;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

// git's own closing advice and ssh's warning banner push the cause ("Host key verification
// failed.", "Permission denied (publickey).") out of the last lines: they are left out.
const UNTELLING_LINES = [
  /^@/,
  /^Please make sure you have the correct access rights/,
  /^and the repository exists\.?$/,
  /^IT IS POSSIBLE THAT SOMEONE/,
  /^Someone could be eavesdropping/,
  /^It is also possible that a host key/,
];

function isTellingLine(line: string): boolean {
  const text = line.trim();
  return text !== '' && !UNTELLING_LINES.some((pattern) => pattern.test(text));
}
