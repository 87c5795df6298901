import { ConfigError, type ConfigIssue } from './config.error.js';
import type { Setting } from './setting.js';

/**
 * The one way to declare a rule across settings: a function of the values that parsed
 * (a setting that is unset or failed is undefined), returning one issue per problem,
 * worded without any value of a sensitive setting. Attached to a setting with
 * `withRules`, so a group of settings defined once (and spread into each service's
 * definition) brings its rules along; `loadConfig` runs each rule once and reports every
 * issue of every setting and rule in one ConfigError.
 */
export interface SettingsRule {
  (values: Readonly<Record<string, unknown>>): readonly ConfigIssue[];
  /** The settings the rule reads; `defineSettings` refuses a definition that lacks one. */
  readonly settings?: readonly string[];
}

/** `setting` with `rules` added to the ones it already has. */
export function withRules<S extends Setting<unknown>>(setting: S, ...rules: readonly SettingsRule[]): S {
  return { ...setting, rules: [...(setting.rules ?? []), ...rules] };
}

/**
 * Settings holding credentials of different roles (e.g. ADMIN_TOKENS and AUDITOR_TOKENS):
 * a value listed in two of them is an issue naming the settings, never the value.
 */
export function distinctValues(...names: readonly string[]): SettingsRule {
  const rule = (values: Readonly<Record<string, unknown>>): ConfigIssue[] => {
    const issues: ConfigIssue[] = [];
    for (const [index, first] of names.entries()) {
      const seen = entriesOf(values[first]);
      for (const second of names.slice(index + 1)) {
        if ([...entriesOf(values[second])].some((value) => seen.has(value))) {
          issues.push({
            setting: `${first}, ${second}`,
            problem: `the same value is listed in ${first} and ${second} (value not shown); each role needs its own credentials`,
          });
        }
      }
    }
    return issues;
  };
  return Object.assign(rule, { settings: names });
}

/** Runs `rules` on `values` outside loadConfig (a component built from a partial config); throws one ConfigError. */
export function enforceRules(values: object, ...rules: readonly SettingsRule[]): void {
  const issues = rules.flatMap((rule) => rule(values as Readonly<Record<string, unknown>>));
  if (issues.length > 0) throw new ConfigError(issues);
}

function entriesOf(value: unknown): Set<unknown> {
  if (value === undefined) return new Set();
  return new Set(Array.isArray(value) ? value : [value]);
}
