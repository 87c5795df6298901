import { execFile, type SpawnOptions } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { chmod, chown, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, sep } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_LANG, DEFAULT_PATH } from '../config/hook-executor.constant.js';
import type { HookExecutorConfig } from '../config/hook-executor.settings.js';

const run = promisify(execFile);

/** The bubblewrap program; Debian's `bubblewrap` package. */
export const BWRAP = 'bwrap';

/** Where a run sees things inside the sandbox. */
export const SANDBOX_PATHS = {
  /** The snapshot, read-only: the hook's working directory. */
  snapshot: '/runbooks',
  /** The run's own folder (payload.json, env.json), read-only. */
  run: '/run/hook',
  /** The warm interpreter's folder of run folders (each run sees only its own at /run/hook). */
  runs: '/run/hookline/runs',
  /** TMPDIR and HOME: a private tmpfs per run. */
  tmp: '/tmp',
} as const;

/** PATH inside the sandbox: the system's folders only (the service's PATH may name folders the sandbox does not have). */
export const SANDBOX_PATH = DEFAULT_PATH;

export interface HookLimits {
  readonly memoryMb: number;
  readonly maxProcesses: number;
  readonly cpuSeconds: number;
  readonly fileSizeMb: number;
  readonly openFiles: number;
  readonly tmpMb: number;
}

export interface SandboxOptions {
  readonly enabled: boolean;
  readonly network: 'keep' | 'none';
  readonly limits: HookLimits;
  /** Uid/gid the sandbox runs as when the executor is root; undefined: the executor's own. */
  readonly uid: number | undefined;
}

/** nobody/nogroup on Debian. */
export const DEFAULT_SANDBOX_UID = 65534;

export const DEFAULT_LIMITS: HookLimits = { memoryMb: 512, maxProcesses: 64, cpuSeconds: 30, fileSizeMb: 16, openFiles: 256, tmpMb: 64 };

export function sandboxOptions(
  config: Pick<
    HookExecutorConfig,
    | 'HOOK_SANDBOX'
    | 'HOOK_NETWORK'
    | 'HOOK_MEMORY_MB'
    | 'HOOK_MAX_PROCESSES'
    | 'HOOK_CPU_SECONDS'
    | 'HOOK_FILE_SIZE_MB'
    | 'HOOK_OPEN_FILES'
    | 'HOOK_TMP_MB'
    | 'HOOK_SANDBOX_UID'
  >,
): SandboxOptions {
  return {
    enabled: config.HOOK_SANDBOX === 'on',
    network: config.HOOK_NETWORK,
    limits: {
      memoryMb: config.HOOK_MEMORY_MB,
      maxProcesses: config.HOOK_MAX_PROCESSES,
      cpuSeconds: config.HOOK_CPU_SECONDS,
      fileSizeMb: config.HOOK_FILE_SIZE_MB,
      openFiles: config.HOOK_OPEN_FILES,
      tmpMb: config.HOOK_TMP_MB,
    },
    uid: process.getuid?.() === 0 ? config.HOOK_SANDBOX_UID : undefined,
  };
}

/**
 * The only parts of /etc a hook needs: name resolution, TLS trust, users (no shadow),
 * the dynamic linker's cache, time zones, python's own configuration.
 */
const ETC_ENTRIES = [
  'resolv.conf',
  'hosts',
  'host.conf',
  'nsswitch.conf',
  'gai.conf',
  'services',
  'protocols',
  'passwd',
  'group',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'timezone',
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'alternatives',
  'mime.types',
  'os-release',
];

let systemArgs: readonly string[] | undefined;

/** /usr read-only, the top-level links or folders that point into it, the /etc entries above. */
function systemMounts(): readonly string[] {
  if (systemArgs !== undefined) return systemArgs;
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const path = `/${top}`;
    try {
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
      else if (stats.isDirectory()) args.push('--ro-bind', path, path);
    } catch {
      // not on this system
    }
  }
  let pythonEtc: string[] = [];
  try {
    pythonEtc = readdirSync('/etc').filter((name) => /^python3(\.\d+)?$/.test(name));
  } catch {
    // no /etc?
  }
  for (const name of [...ETC_ENTRIES, ...pythonEtc]) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
  systemArgs = args;
  return args;
}

/**
 * bwrap arguments common to every sandbox: fresh user, PID, IPC, UTS and cgroup namespaces
 * (network too with HOOK_NETWORK=none), uid/gid 65534 inside, a read-only root with
 * only /usr and a few /etc entries, its own /proc and /dev, dies with the executor.
 * `binds`: [fd index in stdio, destination, writable].
 */
export function bwrapArgs(
  options: SandboxOptions,
  binds: readonly (readonly [number, string, boolean])[],
  extra: readonly string[] = [],
  chdir: string = SANDBOX_PATHS.snapshot,
): string[] {
  const args = [
    '--unshare-user',
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(options.network === 'none' ? ['--unshare-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'hook',
    ...systemMounts(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(options.limits.tmpMb * 1024 * 1024),
    '--tmpfs',
    SANDBOX_PATHS.tmp,
    '--tmpfs',
    '/run',
    ...extra,
  ];
  for (const [fd, destination, writable] of binds) args.push('--dir', destination, writable ? '--bind-fd' : '--ro-bind-fd', String(fd), destination);
  args.push('--remount-ro', '/', '--chdir', chdir);
  return args;
}

/** Spawn options of a bwrap process: a clean environment, its own process group, the sandbox uid when root. */
export function bwrapSpawnOptions(options: SandboxOptions, env: NodeJS.ProcessEnv, extraFds: readonly number[]): SpawnOptions {
  return {
    env,
    stdio: ['pipe', 'pipe', 'pipe', ...extraFds],
    detached: true,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  };
}

/** Hands a file or folder the executor created to the sandbox uid (no-op when not root). */
export async function giveToSandbox(options: SandboxOptions, path: string): Promise<void> {
  if (options.uid !== undefined) await chown(path, options.uid, options.uid);
}

const reachable = new Set<string>();

/** The executor user's home and every folder above it: never widened behind the operator's back. */
function isHomeOrAbove(dir: string): boolean {
  const home = homedir();
  return dir === home || home.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/**
 * bwrap runs as the sandbox uid and resolves the folders it mounts by path, so every
 * folder above them must let that uid pass (o+x: pass, not list). Folders the executor
 * owns below its home get o+x; one it does not own, or its home (e.g. /root) and what is
 * above it, that blocks the way is an error naming it: the operator moves RUNBOOKS_DIR
 * (STATE_DIRECTORY) or allows passage, hookline never widens them itself.
 * Nothing to do when the executor is not root (the sandbox then runs as its own uid).
 */
export async function makeReachable(options: SandboxOptions, path: string): Promise<void> {
  if (options.uid === undefined || reachable.has(path)) return;
  const me = process.getuid?.();
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stats = await stat(dir);
    if ((stats.mode & 0o001) === 0) {
      if (stats.uid !== me || isHomeOrAbove(dir)) {
        throw new Error(
          `${dir} does not let the sandbox's uid ${options.uid} pass (o+x) and hookline does not change it: set STATE_DIRECTORY (or RUNBOOKS_DIR) to a folder outside it, e.g. /var/lib/hookline/hook-executor, or chmod o+x ${dir}`,
        );
      }
      await chmod(dir, (stats.mode & 0o7777) | 0o001);
    }
    if (dir === dirname(dir)) break;
  }
  reachable.add(path);
}

/** The environment bwrap itself is started with (the hook's comes from the run). */
export function bwrapEnvironment(): NodeJS.ProcessEnv {
  return { PATH: SANDBOX_PATH, LANG: process.env.LANG ?? DEFAULT_LANG };
}

/**
 * Starts a throw-away sandbox running `python3 -c` that checks what the hooks rely on
 * (PID namespace, non-zero uid, no_new_privs, the namespaces of the warm interpreter's
 * slots). Resolves undefined when it works, else the reason in one line.
 */
export async function probeSandbox(options: SandboxOptions, interpreter: string): Promise<string | undefined> {
  const check = [
    'import ctypes, os, sys',
    'assert os.getpid() <= 3, "no PID namespace (pid %d)" % os.getpid()',
    'assert os.getuid() != 0, "uid 0 inside"',
    'status = open("/proc/self/status").read()',
    'assert "NoNewPrivs:\\t1" in status, "no_new_privs is not set"',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'pid = os.fork()',
    'if pid == 0:',
    '    os._exit(0 if libc.unshare(0x10000000 | 0x00020000 | 0x20000000 | 0x08000000) == 0 else 3)',
    '_, code = os.waitpid(pid, 0)',
    'assert code == 0, "a run cannot have namespaces of its own inside the sandbox (unshare failed)"',
  ].join('\n');
  const python = /python/.test(interpreter) ? interpreter : 'python3';
  try {
    await run(BWRAP, [...bwrapArgs(options, [], [], '/'), python, '-c', check], {
      env: bwrapEnvironment(),
      timeout: 20_000,
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    return undefined;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') return `${BWRAP} is not installed (Debian package bubblewrap)`;
    const stderr = (failure.stderr ?? '')
      .trim()
      .split('\n')
      .filter((line) => line !== '');
    const last = stderr.at(-1) ?? failure.message.split('\n')[0] ?? 'failed';
    return `${BWRAP} could not start a sandbox: ${last.replace(/^AssertionError: /, '')}`.slice(0, 400);
  }
}
