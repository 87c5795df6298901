import type { z } from 'zod';
import { ApiError } from '@hookline/observability';

const MAX_DETAILS = 20;

/** Validates a body or query with zod; a 400 that names every bad field otherwise. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, where: 'body' | 'query'): T {
  if (where === 'body' && (input === undefined || input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new ApiError(400, 'bad_request', 'the request body must be a JSON object (Content-Type: application/json)');
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.slice(0, MAX_DETAILS).map((issue) => ({
    path: issue.path.length === 0 ? where : `${where}.${issue.path.map(String).join('.')}`,
    message: issue.message,
  }));
  throw new ApiError(400, 'validation', `invalid ${where}: ${details.map((detail) => `${detail.path}: ${detail.message}`).join('; ')}`, { details });
}
