import { PermanentError } from '../errors/permanent.error.js';

export type ErrorClass = 'transient' | 'permanent';

/**
 * PermanentError (by class, or by its `kind` when it crossed a module boundary)
 * is permanent; everything else, TransientError and unknown errors included, is
 * retried: wrongly retrying costs time, wrongly dead-lettering loses work.
 */
export function defaultClassify(error: unknown): ErrorClass {
  if (error instanceof PermanentError) return 'permanent';
  if (typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'permanent') return 'permanent';
  return 'transient';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
