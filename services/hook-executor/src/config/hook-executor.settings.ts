import { kafkaSecuritySettings } from '@hookline/kafka';
import {
  ConfigError,
  defineSettings,
  kafkaClientSettings,
  listenSettings,
  loadConfig,
  setting,
  withRules,
  type ConfigIssue,
  type ConfigOf,
} from '@hookline/observability';
import { z } from 'zod';
import { DEFAULT_PORT, ENV_NAME_PATTERN, HOOK_ENV_PREFIX, MAX_OUTPUT_CAP_BYTES, RESERVED_HOOK_ENV_NAMES } from './hook-executor.constant.js';
import { gitUrlKind, gitUrlProblem } from '../runbooks/git-url.js';
import { defaultRunbooksDir } from '../runbooks/runbooks-dir.js';

const outputCap = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1024).max(MAX_OUTPUT_CAP_BYTES));

/** Every environment variable the hook-executor reads (besides HOOK_ENV_*); validated before Nest starts. */
export const hookExecutorSettings = defineSettings({
  ...listenSettings(DEFAULT_PORT, '/health and /metrics'),
  ...kafkaClientSettings('hookline-hook-executor'),
  ...kafkaSecuritySettings,
  KAFKA_GROUP_ID: setting.text({
    description: 'Consumer group on gateway.sessions.v1; its own, so every event reaches the hooks.',
    default: 'hookline-hook-executor',
  }),
  KAFKA_SESSION_TIMEOUT_MS: setting.positiveInt({
    description:
      'How long the group waits for a silent instance (crashed, killed) before its partitions move to another; the broker allows 6000-300000 by default.',
    default: 30_000,
  }),
  KAFKA_TOPIC_PARTITIONS: setting.positiveInt({
    description: 'Partitions of gateway.sessions.v1 and hookline.hook-executions.v1 when this service creates them.',
    default: 6,
  }),
  // Checked by runbooksRepositoryRule (with RUNBOOKS_GIT_ALLOW_INSECURE), which names what is wrong with it.
  RUNBOOKS_GIT_URL: withRules(
    setting.custom(z.string().min(1), 'a git URL: https://, ssh://, login@host:path or file:// (credentials go in GIT_USER/GIT_PASSWORD, not in the URL)', {
      description:
        'The runbooks repository (https, ssh or file; no user info: credentials go in GIT_USER/GIT_PASSWORD); required when GIT_HOOK_CONFIG_TTL is set. Logged with user info, query and fragment removed.',
      // Sensitive so a mistyped URL with a password in it is never echoed back; logs show it redacted.
      sensitive: true,
      optional: true,
    }),
    runbooksRepositoryRule,
  ),
  RUNBOOKS_GIT_ALLOW_INSECURE: setting.flag({
    description: 'Allows a plain http:// RUNBOOKS_GIT_URL (runbooks and GIT_PASSWORD travel unencrypted); for a local test server only.',
    default: false,
  }),
  RUNBOOKS_GIT_BRANCH: setting.custom(z.string().regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/), 'a branch name', {
    description: "Branch the hooks come from; unset: the remote's default branch.",
    optional: true,
  }),
  GIT_USER: setting.text({ description: 'User name for an https runbooks repository.', optional: true }),
  GIT_PASSWORD: setting.text({ description: 'Password or access token for an https runbooks repository.', sensitive: true, optional: true }),
  GIT_SSH_KEY: setting.text({ description: 'Private key (PEM/OpenSSH text) for an ssh runbooks repository.', sensitive: true, optional: true }),
  GIT_SSH_KEY_PASSPHRASE: setting.text({ description: 'Passphrase of GIT_SSH_KEY, if it has one.', sensitive: true, optional: true }),
  GIT_SSH_KNOWN_HOSTS: setting.text({
    description: 'known_hosts lines (or the path of a known_hosts file) for an ssh repository; host keys are verified against it.',
    optional: true,
  }),
  GIT_HOOK_CONFIG_TTL: setting.seconds({
    description: 'Seconds a fetched runbooks snapshot is used before it is fetched again; unset: hooks are off.',
    optional: true,
  }),
  GIT_FETCH_TIMEOUT_SECONDS: setting.seconds({ description: 'Longest one git fetch may take before it is killed and counted as failed.', default: 60 }),
  RUNBOOKS_DIR: setting.text({
    // No literal default: the system temp folder differs between machines, and the docs are generated.
    description:
      "Directory for the fetched repository, its snapshots (one folder per commit) and runs' private folders; created 0700 if missing, refused (the service does not start) when another user owns it or it is group- or world-writable. Unset: runbooks in the service's state directory ($STATE_DIRECTORY, else $XDG_STATE_HOME/hookline/hook-executor, else /var/lib/hookline/hook-executor when run as root, else ~/.local/state/hookline/hook-executor).",
    optional: true,
  }),
  HOOK_TIMEOUT_SECONDS: setting.seconds({
    description: 'Time limit of one hook run; then everything the run started is killed (its whole PID namespace in the sandbox).',
    default: 30,
  }),
  HOOK_MAX_OUTPUT_BYTES: setting.custom(outputCap, `a whole number of bytes, 1024-${MAX_OUTPUT_CAP_BYTES}`, {
    description: 'Bytes of stdout and of stderr kept per run (the rest is counted, not kept).',
    default: 64 * 1024,
  }),
  HOOK_CONCURRENCY: setting.positiveInt({ description: 'Hooks running at once (each on a different session).', default: 8 }),
  HOOK_INTERPRETER: setting.text({
    description:
      'Program that runs a hook file, found on the PATH inside the sandbox. A python3 runs on the warm interpreter (forked per run); any other is started once per run.',
    default: 'python3',
  }),
  HOOK_SANDBOX: setting.oneOf(['on', 'off'], {
    description:
      'on: every hook runs in a bubblewrap sandbox (own PID, mount and user namespaces, unprivileged uid, no_new_privs, limits); with hooks on and no working sandbox the service refuses to start. off: hooks run unconfined as the service user (logged at every start, shown in /health/ready and hookline_hook_sandbox_enabled).',
    default: 'on',
  }),
  HOOK_NETWORK: setting.oneOf(['keep', 'none'], {
    description: "keep: hooks share the executor's network (to forward to a SIEM); none: a run has no network at all.",
    default: 'keep',
  }),
  HOOK_MEMORY_MB: setting.positiveInt({
    description: 'Address space of each hook process (RLIMIT_AS), in MiB; past it allocations fail (outcome memory_limit).',
    default: 512,
  }),
  HOOK_MAX_PROCESSES: setting.positiveInt({
    description: 'Processes and threads one run may have at once (RLIMIT_NPROC, counted per run); past it fork fails (outcome process_limit).',
    default: 64,
  }),
  HOOK_CPU_SECONDS: setting.positiveInt({
    description: 'CPU seconds each hook process may use (RLIMIT_CPU); then it is killed (outcome timeout).',
    default: 30,
  }),
  HOOK_FILE_SIZE_MB: setting.positiveInt({ description: 'Largest file a hook may write (RLIMIT_FSIZE), in MiB.', default: 16 }),
  HOOK_OPEN_FILES: setting.positiveInt({ description: 'Open files per hook process (RLIMIT_NOFILE).', default: 256 }),
  HOOK_TMP_MB: setting.positiveInt({
    description: "Size of a run's private /tmp (its TMPDIR and HOME, memory-backed, gone after the run), in MiB.",
    default: 64,
  }),
  HOOK_SANDBOX_UID: setting.positiveInt({
    description: 'Uid (and gid) hooks run as when the executor runs as root; unused otherwise (the sandbox then runs as the service user).',
    default: 65534,
  }),
  LOG_LEVEL: setting.logLevel(),
});

export type HookExecutorConfig = ConfigOf<typeof hookExecutorSettings>;

/** RUNBOOKS_DIR, or its default in the service's state directory. */
export function runbooksDir(config: Pick<HookExecutorConfig, 'RUNBOOKS_DIR'>, env: NodeJS.ProcessEnv = process.env): string {
  return config.RUNBOOKS_DIR ?? defaultRunbooksDir(env);
}

/** Variables an operator passes to hooks: HOOK_ENV_<NAME>=v becomes <NAME>=v. */
export type HookEnvironment = Readonly<Record<string, string>>;

export interface LoadedHookExecutorConfig {
  readonly config: HookExecutorConfig;
  readonly hookEnv: HookEnvironment;
}

/**
 * Reads the settings, the HOOK_ENV_* variables and checks what spans several settings
 * (hooks on need a repository; ssh needs a key and known hosts). Throws one
 * ConfigError naming every problem; values of HOOK_ENV_* are never shown (they are
 * usually tokens).
 */
export function loadHookExecutorConfig(env: NodeJS.ProcessEnv = process.env): LoadedHookExecutorConfig {
  const issues: ConfigIssue[] = [];
  let config: HookExecutorConfig | undefined;
  try {
    config = loadConfig(hookExecutorSettings, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  const hookEnv: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(HOOK_ENV_PREFIX) || value === undefined) continue;
    const name = variable.slice(HOOK_ENV_PREFIX.length);
    if (!ENV_NAME_PATTERN.test(name)) issues.push({ setting: variable, problem: `expected ${HOOK_ENV_PREFIX}<NAME> with NAME of letters, digits and _` });
    else if (RESERVED_HOOK_ENV_NAMES.includes(name)) issues.push({ setting: variable, problem: `${name} is set by the executor itself and cannot be passed` });
    else if (value.includes('\0')) issues.push({ setting: variable, problem: 'contains a NUL byte (value not shown)' });
    else hookEnv[name] = value;
  }
  if (issues.length > 0 || config === undefined) throw new ConfigError(issues);
  return { config, hookEnv: Object.freeze(hookEnv) };
}

/** Hooks on need a repository; ssh needs a key and known hosts; a password needs https. */
function runbooksRepositoryRule(values: Readonly<Record<string, unknown>>): ConfigIssue[] {
  const config = values as Partial<HookExecutorConfig>;
  const allowInsecure = config.RUNBOOKS_GIT_ALLOW_INSECURE === true;
  const issues: ConfigIssue[] = [];
  const url = config.RUNBOOKS_GIT_URL;
  if (config.GIT_HOOK_CONFIG_TTL !== undefined && url === undefined) {
    issues.push({ setting: 'RUNBOOKS_GIT_URL', problem: 'required when GIT_HOOK_CONFIG_TTL is set (hooks on)' });
  }
  if (url === undefined) return issues;
  // The problem names what is wrong, never the URL (it may hold a token).
  const problem = gitUrlProblem(url, { allowInsecure });
  if (problem !== undefined) return [...issues, { setting: 'RUNBOOKS_GIT_URL', problem }];
  const kind = gitUrlKind(url, { allowInsecure });
  if (kind === 'ssh') {
    if (config.GIT_SSH_KNOWN_HOSTS === undefined) {
      issues.push({ setting: 'GIT_SSH_KNOWN_HOSTS', problem: 'required for an ssh repository: host keys are verified, never trusted blindly' });
    }
    if (config.GIT_SSH_KEY === undefined) issues.push({ setting: 'GIT_SSH_KEY', problem: 'required for an ssh repository' });
  }
  if (config.GIT_PASSWORD !== undefined && kind !== 'https' && kind !== 'http') {
    issues.push({ setting: 'GIT_PASSWORD', problem: `only used with an https repository; RUNBOOKS_GIT_URL is ${kind}` });
  }
  return issues;
}

/** `loadHookExecutorConfig` for main.ts and the CLI: one line on stderr and exit 1 on a bad setting. */
export function loadHookExecutorConfigOrExit(env: NodeJS.ProcessEnv = process.env): LoadedHookExecutorConfig {
  try {
    return loadHookExecutorConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`hook-executor refuses to start: ${error.message}\n`);
    process.exit(1);
  }
}
