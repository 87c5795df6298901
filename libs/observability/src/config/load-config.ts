import { REDACTED } from './config.constant.js';
import { ConfigError, type ConfigIssue } from './config.error.js';
import type { ConfigOf, Setting, SettingsDefinition } from './setting.js';

/** A row of the settings table a README or `.env.example` is generated from. */
export interface SettingDescription {
  readonly name: string;
  readonly description: string;
  /** The default as it would be written in a .env file; undefined when there is none. */
  readonly default: string | undefined;
  readonly sensitive: boolean;
  readonly required: boolean;
  /** What is accepted, e.g. "an integer 1-65535". */
  readonly expected: string;
}

// Which settings of a loaded config are secrets; kept off the object so it stays a plain frozen record.
const definitions = new WeakMap<object, SettingsDefinition>();

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
// Long values are cut in messages: the point is to show what was there, not to dump it.
const MAX_SHOWN = 60;

/**
 * Declares a service's settings. Checks at startup what the types cannot: names
 * are environment-variable names, no secret has a default, and every setting a rule
 * reads is defined.
 */
export function defineSettings<const D extends SettingsDefinition>(definition: D): D {
  for (const [name, item] of Object.entries(definition)) {
    if (!ENV_NAME.test(name)) throw new TypeError(`setting ${name}: name must be UPPER_SNAKE_CASE`);
    if (item.sensitive && item.default !== undefined) throw new TypeError(`setting ${name}: a sensitive setting cannot have a default`);
    for (const rule of item.rules ?? []) {
      for (const read of rule.settings ?? [])
        if (!(read in definition)) throw new TypeError(`setting ${name}: a rule reads ${read}, but ${read} is not a setting`);
    }
  }
  return Object.freeze(definition);
}

/**
 * Reads and validates every setting from `env`. Returns a frozen, typed object, or
 * throws one ConfigError listing all the bad settings.
 */
export function loadConfig<const D extends SettingsDefinition>(definition: D, env: NodeJS.ProcessEnv = process.env): ConfigOf<D> {
  const values: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [name, item] of Object.entries(definition)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      if (item.default !== undefined) values[name] = deepFreeze(item.default);
      else if (item.optional) values[name] = undefined;
      else issues.push({ setting: name, problem: 'required' });
      continue;
    }
    const parsed = item.schema.safeParse(raw);
    if (parsed.success) values[name] = deepFreeze(parsed.data);
    else issues.push({ setting: name, problem: describeProblem(item, raw) });
  }
  // A rule attached to two settings (a spread group used twice) runs once.
  const rules = new Set(Object.values(definition).flatMap((item) => item.rules ?? []));
  for (const rule of rules) issues.push(...rule(values));
  if (issues.length > 0) throw new ConfigError(issues);
  const config = Object.freeze(values) as ConfigOf<D>;
  definitions.set(config, definition);
  return config;
}

/** The settings as rows {name, description, default, sensitive, required}, in declaration order. */
export function describeSettings(definition: SettingsDefinition): SettingDescription[] {
  return Object.entries(definition).map(([name, item]) => ({
    name,
    description: item.description,
    default: item.defaultText,
    sensitive: item.sensitive,
    required: item.default === undefined && !item.optional,
    expected: item.expected,
  }));
}

/**
 * A copy of a config returned by `loadConfig`, fit for logging: sensitive values
 * that are set become "[redacted]".
 */
export function redactedConfig<C extends object>(config: C): { readonly [K in keyof C]: unknown } {
  const definition = definitions.get(config);
  if (definition === undefined) throw new TypeError('redactedConfig() takes an object returned by loadConfig()');
  return Object.fromEntries(
    Object.entries(config).map(([name, value]: [string, unknown]) => [name, definition[name]?.sensitive === true && value !== undefined ? REDACTED : value]),
  ) as {
    readonly [K in keyof C]: unknown;
  };
}

/**
 * `loadConfig` for a service's main.ts: on a ConfigError it prints one line naming
 * the bad settings to stderr and exits with code 1, so the service refuses to start
 * with a message instead of a stack trace. Other errors are rethrown.
 */
export function loadConfigOrExit<const D extends SettingsDefinition>(
  definition: D,
  options: { readonly service?: string; readonly env?: NodeJS.ProcessEnv } = {},
): ConfigOf<D> {
  try {
    return loadConfig(definition, options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${options.service ?? 'service'} refuses to start: ${error.message}\n`);
    process.exit(1);
  }
}

function describeProblem(item: Setting<unknown>, raw: string): string {
  if (item.sensitive) return `expected ${item.expected} (value not shown: sensitive)`;
  const shown = raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}...` : raw;
  return `expected ${item.expected}, got '${shown}'`;
}

function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
    return Object.freeze(value);
  }
  return value;
}
