import { z } from 'zod';
import { TOKEN_CHARACTERS, TOKEN_MIN_LENGTH } from './config.constant.js';
import type { Setting, SettingOptions, ValueOf } from './setting.js';

/** pino's levels; `silent` turns logging off (tests, one-off scripts). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const digits = z.string().regex(/^\d+$/);

function build<T, O extends SettingOptions<T>>(
  schema: z.ZodType<T, string>,
  expected: string,
  options: O,
  format: (value: T) => string = String,
): Setting<ValueOf<T, O>> {
  const value = options.default;
  return {
    schema,
    expected,
    description: options.description,
    sensitive: options.sensitive === true,
    optional: options.optional === true,
    ...(value === undefined ? {} : { default: value, defaultText: format(value) }),
  };
}

/**
 * Builders for the kinds of setting hookline's services have. Each parses the
 * variable's text, so `loadConfig` hands out numbers, lists and booleans, and each
 * knows how to say what it expected when the text is wrong.
 */
/** Comma-separated text as its trimmed, non-empty items (settings, query parameters). */
export const commaSeparated = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

export const setting = {
  /** A TCP port, 1-65535. */
  port<const O extends SettingOptions<number>>(options: O): Setting<ValueOf<number, O>> {
    return build(digits.transform(Number).pipe(z.number().int().min(1).max(65535)), 'an integer 1-65535', options);
  },

  /** A whole number >= 1 (batch sizes, concurrency, retry counts). */
  positiveInt<const O extends SettingOptions<number>>(options: O): Setting<ValueOf<number, O>> {
    return build(digits.transform(Number).pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)), 'a whole number >= 1', options);
  },

  /** A duration in seconds, fractions allowed ("30", "0.5"); zero is refused as it is almost always a mistake. */
  seconds<const O extends SettingOptions<number>>(options: O): Setting<ValueOf<number, O>> {
    return build(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number)
        .pipe(z.number().positive()),
      'a number of seconds > 0',
      options,
    );
  },

  /** Comma-separated values, trimmed, empty items dropped; at least one item. */
  list<const O extends SettingOptions<readonly string[]>>(options: O): Setting<ValueOf<readonly string[], O>> {
    const schema: z.ZodType<readonly string[], string> = commaSeparated.pipe(z.array(z.string()).min(1));
    return build(schema, 'a comma-separated list of one or more items', options, (items) => items.join(','));
  },

  /** Bearer tokens, comma-separated (rotate by listing old and new): each TOKEN_MIN_LENGTH or more visible ASCII characters. */
  tokens<const O extends SettingOptions<string[]>>(options: O): Setting<ValueOf<string[], O>> {
    const token = new RegExp(`^[${TOKEN_CHARACTERS}]{${TOKEN_MIN_LENGTH},}$`);
    const schema = commaSeparated.pipe(z.array(z.string().regex(token)).min(1));
    return build(schema, `a comma-separated list of tokens, each at least ${TOKEN_MIN_LENGTH} visible ASCII characters`, options, (items) => items.join(','));
  },

  /** An absolute URL, kept as text; `protocols` limits the schemes (without the colon). */
  url<const O extends SettingOptions<string>>(options: O & { readonly protocols?: readonly string[] }): Setting<ValueOf<string, O>> {
    const protocols = options.protocols ?? ['http', 'https'];
    const schema = z.string().refine((text) => URL.canParse(text) && protocols.includes(new URL(text).protocol.slice(0, -1)));
    return build(schema, `a URL (${protocols.join(', ')})`, options);
  },

  /** One of a fixed set of words. */
  oneOf<const V extends readonly [string, ...string[]], const O extends SettingOptions<V[number]>>(values: V, options: O): Setting<ValueOf<V[number], O>> {
    const schema = z.string().refine((text): text is V[number] => (values as readonly string[]).includes(text));
    return build(schema as z.ZodType<V[number], string>, `one of ${values.join(', ')}`, options);
  },

  /** true/false, also accepting 1/0, yes/no, on/off in any case. */
  flag<const O extends SettingOptions<boolean>>(options: O): Setting<ValueOf<boolean, O>> {
    const schema = z
      .string()
      .transform((text) => text.toLowerCase())
      .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
      .transform((word) => word === 'true' || word === '1' || word === 'yes' || word === 'on');
    return build(schema, 'true or false', options);
  },

  /** pino log level, `info` unless told otherwise. */
  /**
   * MANAGEMENT_PORT: where /metrics and /docs are served instead of PORT (PORT then answers
   * 404 for them). Unset: PORT serves them, as before.
   */
  managementPort(): Setting<number | undefined> {
    return setting.port({
      description:
        'Port of a second listener (on HOST) that alone serves /metrics and /docs (and /health); PORT then answers them 404. Unset: PORT serves them to anyone who reaches it.',
      optional: true,
    });
  },
  logLevel(options?: { readonly description?: string; readonly default?: LogLevel }): Setting<LogLevel> {
    return setting.oneOf(LOG_LEVELS, {
      description: options?.description ?? 'Lowest level that is logged.',
      default: options?.default ?? 'info',
    });
  },

  /** Free text, e.g. a client id or a secret (mark it `sensitive: true`). */
  text<const O extends SettingOptions<string>>(options: O): Setting<ValueOf<string, O>> {
    return build(z.string().min(1), 'a non-empty string', options);
  },

  /**
   * Any other kind: a zod schema from the variable's text to the value, and the
   * phrase shown when it fails ("expected <expected>, got '...'").
   */
  custom<T, const O extends SettingOptions<T>>(
    schema: z.ZodType<T, string>,
    expected: string,
    options: O,
    format?: (value: T) => string,
  ): Setting<ValueOf<T, O>> {
    return build(schema, expected, options, format);
  },
};
