import { CONSUMER_DEFAULTS } from '../kafka.constant.js';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Each retry waits `factor` times longer than the previous one. */
  factor: number;
  /** 0..1: a delay is drawn uniformly from [delay × (1 − jitter), delay]. */
  jitter: number;
  /** Attempts before a transiently failing record is dead-lettered; Infinity = never give up. */
  maxAttempts: number;
}

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...CONSUMER_DEFAULTS.retry, ...overrides };
  if (policy.jitter < 0 || policy.jitter > 1) throw new RangeError(`retry.jitter must be within 0..1, got ${policy.jitter}`);
  if (policy.factor < 1) throw new RangeError(`retry.factor must be >= 1, got ${policy.factor}`);
  return policy;
}

// Hand-written rather than a retry library: the wait must be cut short by the batch's
// drain signal and keep the consumer's heartbeat going, which the libraries' own loops
// do not allow. This is only the delay formula.
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const exponential = policy.initialDelayMs * policy.factor ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
