import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CLI_DEFAULTS, CLI_ENV, CLI_EXIT } from '../cli.constant.js';
import { CliError } from '../http/cli.error.js';

/** What `hookline login` stores (mode 0600: it holds a token). */
const configFileSchema = z.strictObject({
  apiUrl: z.url().optional(),
  relayUrl: z.url().optional(),
  auditUrl: z.url().optional(),
  token: z.string().min(1).optional(),
  org: z.string().min(1).optional(),
});

export type CliConfigFile = z.infer<typeof configFileSchema>;

/** The settings every command runs with. */
export interface CliSettings {
  readonly relayUrl: string;
  readonly auditUrl: string;
  readonly token: string | undefined;
  readonly org: string | undefined;
}

export interface SettingFlags {
  readonly apiUrl?: string | undefined;
  readonly relayUrl?: string | undefined;
  readonly auditUrl?: string | undefined;
  readonly token?: string | undefined;
  readonly org?: string | undefined;
}

export function configFilePath(env: NodeJS.ProcessEnv): string {
  const explicit = env[CLI_ENV.configFile];
  if (explicit !== undefined && explicit !== '') return explicit;
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'hookline', 'config.json');
}

export async function readConfigFile(path: string): Promise<CliConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read the config file ${path}: ${(err as Error).message}`, CLI_EXIT.usage);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`the config file ${path} is not JSON; fix it or run \`hookline login\` again`, CLI_EXIT.usage);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new CliError(`the config file ${path} is invalid (${issues}); run \`hookline login\` again`, CLI_EXIT.usage);
  }
  return parsed.data;
}

/** Written atomically with mode 0600, so the token is never readable by other users, even briefly. */
export async function writeConfigFile(path: string, config: CliConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const staging = `${path}.${process.pid}.tmp`;
  await writeFile(staging, `${JSON.stringify(configFileSchema.parse(config), null, 2)}\n`, { mode: 0o600 });
  await chmod(staging, 0o600);
  await rename(staging, path);
}

function nonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.find((value) => value !== undefined && value !== '');
}

function checkedUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${name} is not a URL: ${JSON.stringify(value)}`, CLI_EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`${name} must be an http or https URL, got ${url.protocol}`, CLI_EXIT.usage);
  }
  if (url.username !== '' || url.password !== '') {
    throw new CliError(`${name} must not carry credentials; use --token or ${CLI_ENV.token}`, CLI_EXIT.usage);
  }
  return value.replace(/\/+$/, '');
}

/** Flags, then environment, then the config file, then the local defaults. */
export async function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv): Promise<CliSettings> {
  const file = await readConfigFile(configFilePath(env));
  const apiUrl = nonEmpty(flags.apiUrl, env[CLI_ENV.apiUrl], file.apiUrl);
  const relayUrl = nonEmpty(flags.relayUrl, env[CLI_ENV.relayUrl], flags.apiUrl, env[CLI_ENV.apiUrl], file.relayUrl, apiUrl) ?? CLI_DEFAULTS.relayUrl;
  const auditUrl = nonEmpty(flags.auditUrl, env[CLI_ENV.auditUrl], flags.apiUrl, env[CLI_ENV.apiUrl], file.auditUrl, apiUrl) ?? CLI_DEFAULTS.auditUrl;
  return {
    relayUrl: checkedUrl('the relay URL', relayUrl),
    auditUrl: checkedUrl('the audit URL', auditUrl),
    token: nonEmpty(flags.token, env[CLI_ENV.token], file.token),
    org: nonEmpty(flags.org, env[CLI_ENV.org], file.org),
  };
}
