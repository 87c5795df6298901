import type { z } from 'zod';
import { EVENT_TYPES } from './event-types.constant.js';
import { LIMITS } from './limits.constant.js';

/** One reason an event is invalid: which field, and why, in words a gateway engineer can act on. */
export interface EventIssue {
  /** Dotted path from the event root, e.g. "data.exit_code", "data.command[2]"; "" for the event itself. */
  readonly path: string;
  readonly message: string;
}

const PREVIEW_LENGTH = 64;
const PLAIN_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What a value is, for "got ..." (never the value itself: it may be huge or a secret). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A short, escaped quote of a string the sender gave (enum and type names only). */
export function preview(value: unknown): string {
  if (typeof value !== 'string') return describeValue(value);
  const cut = value.length > PREVIEW_LENGTH ? `${value.slice(0, PREVIEW_LENGTH)}…` : value;
  return JSON.stringify(cut).replace(/^"|"$/g, "'");
}

export function unknownTypeMessage(type: unknown): string {
  return `unknown event type ${preview(type)}; known: ${EVENT_TYPES.join(', ')}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_SEGMENT.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment).slice(0, PREVIEW_LENGTH))}]`;
  }
  return out;
}

function isIntegerSchema(inst: unknown): boolean {
  const def = (inst as { _zod?: { def?: { format?: unknown } } } | undefined)?._zod?.def;
  return typeof def?.format === 'string' && /int/.test(def.format);
}

/**
 * zod error map for every parse: zod's default messages say "expected number, received
 * string"; the gateway gets "expected integer, got string" and "required" instead.
 * Schema-level messages (id charset, env keys, date-time) take precedence over this.
 */
export const issueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'required';
      const expected = issue.expected === 'int' || isIntegerSchema(issue.inst) ? 'integer' : issue.expected;
      const got = typeof issue.input === 'number' && expected === 'integer' ? 'a non-integer number' : describeValue(issue.input);
      return `expected ${expected}, got ${got}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `too long: at most ${max} characters, got ${lengthOf(issue.input)}`;
      if (issue.origin === 'array') return `too many items: at most ${max}, got ${lengthOf(issue.input)}`;
      return `must be at most ${max}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min === 1 ? 'must not be empty' : `too short: at least ${min} characters`;
      if (issue.origin === 'array') return `too few items: at least ${min}`;
      return `must be at least ${min}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => preview(String(v))).join(' | ')}, got ${preview(issue.input)}`;
    case 'invalid_format':
      return `invalid ${issue.format}`;
    case 'unrecognized_keys':
      return 'unknown field (not in the contract)';
    // Not produced by the contracts' schemas, or carrying their own message: zod's default.
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
    case 'custom':
      return undefined;
  }
};

function lengthOf(value: unknown): number | string {
  return typeof value === 'string' || Array.isArray(value) ? value.length : '?';
}

/** zod issues -> EventIssues under a path prefix; an unknown-keys issue becomes one issue per key. */
export function toEventIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): EventIssue[] {
  const out: EventIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...prefix, ...issue.path, key]), message: issue.message });
    } else {
      out.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
    }
  }
  return out;
}

/** Bounds the report: a hostile event must not produce a response bigger than itself. */
export function capIssues(issues: readonly EventIssue[]): EventIssue[] {
  if (issues.length <= LIMITS.reportedIssues) return [...issues];
  const shown = issues.slice(0, LIMITS.reportedIssues);
  return [...shown, { path: '', message: `… and ${issues.length - shown.length} more issues` }];
}

export function issuesToReason(issues: readonly EventIssue[]): string {
  const first = issues.slice(0, 5).map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`));
  return issues.length > 5 ? `${first.join('; ')}; … ${issues.length - 5} more` : first.join('; ');
}
