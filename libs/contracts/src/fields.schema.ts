import { z } from 'zod';
import { LIMITS } from './limits.constant.js';

// Reusable field schemas. No coercion anywhere: a number sent as "1" is an error, so the
// gateway learns about its bug instead of hookline guessing.

/**
 * Visible ASCII only (no space, CR, LF or other control chars): ids travel as Kafka keys
 * and CloudEvents headers, where a newline would be a header-injection vector.
 */
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

export function identifier(description: string) {
  return z
    .string()
    .min(1)
    .max(LIMITS.idLength)
    .regex(VISIBLE_ASCII, { error: 'must be visible ASCII characters only (no spaces, CR, LF or control characters)' })
    .describe(description);
}

export function name(description: string, options: { allowEmpty?: boolean } = {}) {
  return z
    .string()
    .min(options.allowEmpty === true ? 0 : 1)
    .max(LIMITS.nameLength)
    .describe(description);
}

export function text(description: string, max: number = LIMITS.textLength) {
  return z.string().max(max).describe(description);
}

export function stringList(description: string, maxItems: number, itemMax: number = LIMITS.nameLength) {
  return z.array(z.string().max(itemMax)).max(maxItems).describe(description);
}

export function isoDateTime(description: string) {
  // offset: true accepts Z or ±hh:mm; a time without a timezone is ambiguous, so it is refused.
  return z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with timezone, e.g. 2025-01-31T12:00:00Z' }).describe(description);
}

export function size(description: string) {
  return z.int().min(0).describe(description);
}

/** Env var names the gateway knows ("envvar:PASS", "HOME"); never KEY=VALUE. */
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

export function envKeyList(description: string) {
  return z
    .array(
      z
        .string()
        .min(1)
        .max(LIMITS.nameLength)
        .regex(ENV_KEY, {
          // The one mistake that matters: a value leaking into a SIEM through this list.
          error: (issue) =>
            typeof issue.input === 'string' && issue.input.includes('=')
              ? 'looks like KEY=VALUE: send the variable name only, never its value'
              : 'expected an environment variable name (letters, digits, _ . : -)',
        }),
    )
    .max(LIMITS.envKeys)
    .describe(description);
}
