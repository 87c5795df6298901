import type { KafkaLogger } from '../client/kafka-logger.interface.js';
import { errorMessage } from './error-classifier.js';
import { sleep } from './retry-policy.js';

export interface UntilStartedOptions {
  /** Aborted when the service stops: no more tries, and a pause between tries ends at once. */
  signal: AbortSignal;
  /** Pause between tries. */
  retryMs: number;
  logger?: KafkaLogger;
  /** How a failure is told in the log (its message by default); must not reveal secrets. */
  describeError?: (error: unknown) => string;
}

/**
 * Runs a start-up step (topics, joining the group, a dependency's set-up) until it succeeds
 * or the service stops, so a service serves while Kafka is unreachable and catches up once
 * it is back. Resolves true once the step succeeded, false when stopped first.
 */
export async function untilStarted(what: string, step: () => Promise<void>, options: UntilStartedOptions): Promise<boolean> {
  // A function, not the property: the signal aborts while `step` runs, which narrowing cannot see.
  const stopped = (): boolean => options.signal.aborted;
  while (!stopped()) {
    try {
      await step();
      return true;
    } catch (error) {
      if (stopped()) return false;
      const err = (options.describeError ?? errorMessage)(error);
      options.logger?.warn({ err, retryInMs: options.retryMs }, `${what} not ready; retrying`);
      await sleep(options.retryMs, options.signal);
    }
  }
  return false;
}
