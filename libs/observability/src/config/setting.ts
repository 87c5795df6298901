import type { SettingsRule } from './settings-rule.js';
import type { z } from 'zod';

/**
 * One environment variable a service reads: how to parse its text, what it is for,
 * its default and whether it is a secret. Built with the `setting` helpers.
 */
export interface Setting<T> {
  /** Parses the variable's (trimmed, non-empty) text into its typed value. */
  readonly schema: z.ZodType<T, string>;
  readonly description: string;
  readonly sensitive: boolean;
  /** Value used when the variable is unset or empty. Secrets never have one. */
  readonly default?: T;
  /** The default written as it would be in a .env file. */
  readonly defaultText?: string;
  /** Unset is fine: the value is then `undefined`. */
  readonly optional: boolean;
  /** Human phrase for what is accepted, e.g. "an integer 1-65535". */
  readonly expected: string;
  /** Rules across this setting and others (see SettingsRule); attach them with `withRules`. */
  readonly rules?: readonly SettingsRule[];
}

/** A service's settings keyed by environment variable name. */
export type SettingsDefinition = Readonly<Record<string, Setting<unknown>>>;

/** The typed configuration object `loadConfig` returns for a definition. */
export type ConfigOf<D extends SettingsDefinition> = {
  readonly [K in keyof D]: D[K] extends Setting<infer T> ? T : never;
};

/**
 * The options every setting builder takes. The union forbids a default on a
 * sensitive setting at compile time (secrets are never defaulted) and a default on
 * an optional one (it would never be undefined).
 */
export type SettingOptions<T> =
  | { readonly description: string; readonly sensitive?: false; readonly default?: T; readonly optional?: false }
  | { readonly description: string; readonly sensitive?: false; readonly optional: true; readonly default?: never }
  | { readonly description: string; readonly sensitive: true; readonly optional?: boolean; readonly default?: never };

/** The value type a setting has once its options are known: optional ones may be undefined. */
export type ValueOf<T, O> = O extends { readonly optional: true } ? T | undefined : T;
