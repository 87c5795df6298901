import { ATTEMPT_STATUSES, EVENT_TYPES, HOOK_NAMES, HOOK_OUTCOMES } from '@hookline/contracts';
import { z } from 'zod';
import { QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT } from '../audit.constant.js';
import { decodePageCursor, type PageCursor } from './page-cursor.js';
import { ApiError } from '@hookline/observability';

const time = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T10:00:00Z' })
  .transform((text) => new Date(text));
const limit = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(QUERY_MAX_LIMIT, `must be at most ${QUERY_MAX_LIMIT}`))
  .default(QUERY_DEFAULT_LIMIT);
const cursor = z
  .string()
  .max(512)
  .transform((text, context): PageCursor => {
    const decoded = decodePageCursor(text);
    if (decoded === undefined) {
      context.addIssue({ code: 'custom', message: 'is not a cursor this API returned (use next_cursor as it is)' });
      return z.NEVER;
    }
    return decoded;
  });
const id = z.string().min(1).max(256);

// Svix's numbers (0-4) or their names.
const status = z
  .string()
  .transform((text) => (/^\d$/.test(text) ? Number(text) : ATTEMPT_STATUSES.indexOf(text as (typeof ATTEMPT_STATUSES)[number])))
  .pipe(
    z
      .number()
      .int()
      .min(0, `must be one of ${ATTEMPT_STATUSES.join(', ')} (or 0-4)`)
      .max(ATTEMPT_STATUSES.length - 1, `must be one of ${ATTEMPT_STATUSES.join(', ')} (or 0-4)`),
  );

const window = { since: time.optional(), until: time.optional() };

export const attemptsQuerySchema = z.strictObject({
  endpoint: id.optional(),
  status: status.optional(),
  event_type: z.enum(EVENT_TYPES).optional(),
  ...window,
  limit,
  cursor: cursor.optional(),
});

export const hookExecutionsQuerySchema = z.strictObject({
  hook: z.enum(HOOK_NAMES).optional(),
  outcome: z.enum(HOOK_OUTCOMES).optional(),
  sid: id.optional(),
  ...window,
  limit,
  cursor: cursor.optional(),
});

export const endpointsSummaryQuerySchema = z.strictObject({ ...window });

export const sidSchema = id;

export type AttemptsQuery = z.infer<typeof attemptsQuerySchema>;
export type HookExecutionsQuery = z.infer<typeof hookExecutionsQuerySchema>;
export type EndpointsSummaryQuery = z.infer<typeof endpointsSummaryQuerySchema>;

/** Parses query parameters, or a 400 naming each bad parameter. A repeated parameter is refused. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, unknown>): z.infer<S> {
  const repeated = Object.entries(query).filter(([, value]) => typeof value !== 'string' && value !== undefined);
  if (repeated.length > 0) {
    throw new ApiError(400, 'invalid_query', 'query parameters may be given once each', {
      details: repeated.map(([path]) => ({ path, message: 'given more than once' })),
    });
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 20).map((issue) => ({
      path: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(query)'),
      message: issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message,
    }));
    throw new ApiError(400, 'invalid_query', `invalid query: ${details.map((detail) => `${detail.path} ${detail.message}`).join('; ')}`, { details });
  }
  const value = parsed.data as { since?: Date; until?: Date };
  if (value.since !== undefined && value.until !== undefined && value.since > value.until) {
    throw new ApiError(400, 'invalid_query', 'invalid query: since must not be after until', { details: [{ path: 'since', message: 'after until' }] });
  }
  return parsed.data;
}
