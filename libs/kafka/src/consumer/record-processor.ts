import { performance } from 'node:perf_hooks';
import type { KafkaLogger } from '../client/kafka-logger.interface.js';
import type { KafkaRecord } from '../record/kafka-record.js';
import type { DeadLetterPublisher } from './dead-letter.publisher.js';
import { errorMessage, type ErrorClass } from './error-classifier.js';
import type { KeyConcurrencyLimiter } from './key-concurrency.limiter.js';
import { retryDelayMs, sleep, type RetryPolicy } from './retry-policy.js';

/** What a handler gets besides its payload. */
export interface RecordContext {
  record: KafkaRecord;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the runner abandons this handler (shutdown deadline passed, partition lost). */
  signal: AbortSignal;
  /** Extra heartbeat for handlers that want one; kafkajs already heartbeats while the runner fetches on. */
  heartbeat: () => Promise<void>;
  /**
   * Lets the handler return before its last step (a produce's acknowledgement, say) is done:
   * the record counts as done, and its offset may be committed, only once `step` resolves,
   * but its handler slot and its key are free at once. If `step` rejects, the record is
   * handled again like any transient failure, possibly after its key's next records: only
   * for a last step whose repetition is harmless (idempotent).
   */
  settleAfter: (step: Promise<unknown>) => void;
}

export type RecordOutcome = 'processed' | 'dead-lettered' | 'skipped';

/** Hooks for metrics; the lib does not depend on prom-client. */
export interface ConsumerObserver {
  recordSettled?(event: { topic: string; outcome: RecordOutcome; attempts: number; seconds: number }): void;
  attemptFailed?(event: { topic: string; errorClass: ErrorClass; attempt: number }): void;
}

export type RecordHandler<T> = (payload: T, context: RecordContext) => Promise<void>;

/** 'done': the record may be committed; 'halted': it was given up and belongs to the next owner. */
export type Progress = 'done' | 'halted';

export interface RecordProcessorOptions<T> {
  handler: RecordHandler<T>;
  decode?: (record: KafkaRecord) => T | Promise<T>;
  policy: RetryPolicy;
  classify: (error: unknown) => ErrorClass;
  limiter: KeyConcurrencyLimiter;
  /** Absent: permanent failures are logged and skipped. */
  deadLetters?: DeadLetterPublisher;
  logger?: KafkaLogger;
  observer?: ConsumerObserver;
}

/** Where one record runs: when it is abandoned, when it may no longer start, how to heartbeat. */
export interface RecordScope {
  /** Aborted when the record is given up on (partition lost, shutdown deadline): its result no longer counts. */
  signal: AbortSignal;
  /** Aborted when a record not yet started (or waiting to retry) must be left for the next owner. */
  startable: AbortSignal;
  heartbeat: () => Promise<void>;
  /** Lets the record's key go on (its handler returned; a step given to settleAfter is still pending). */
  release?: () => void;
}

/**
 * One record's life, the same under every driver (the kafkajs runner, the in-memory
 * broker): decode, handle within the concurrency bound, classify a failure, retry it with
 * backoff or dead-letter it, observe the outcome. Ordering and committing are the caller's.
 */
export class RecordProcessor<T> {
  constructor(private readonly options: RecordProcessorOptions<T>) {}

  get handlersInFlight(): number {
    return this.options.limiter.inFlight;
  }

  async process(record: KafkaRecord, scope: RecordScope): Promise<Progress> {
    const { limiter, policy } = this.options;
    const started = performance.now();
    const settled = (outcome: RecordOutcome, attempts: number): Progress => {
      this.observe(() => this.options.observer?.recordSettled?.({ topic: record.topic, outcome, attempts, seconds: (performance.now() - started) / 1000 }));
      return 'done';
    };
    const deadLettered = async (reason: string, attempts: number): Promise<Progress> =>
      (await this.deadLetter(scope.startable, record, reason)) === 'done'
        ? settled(this.options.deadLetters ? 'dead-lettered' : 'skipped', attempts)
        : 'halted';

    let payload: T | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (!(await limiter.acquire(scope.startable))) return 'halted';
      // Decoded once it has a slot, not when fetched: a fetch of a thousand records decoded at
      // once holds the event loop for tens of ms, delaying every handler's I/O meanwhile.
      if (payload === undefined) {
        try {
          payload = this.options.decode ? await this.options.decode(record) : (record as unknown as T);
        } catch (error) {
          limiter.release();
          return deadLettered(`undecodable record: ${errorMessage(error)}`, 0);
        }
      }
      let failure: { error: unknown } | undefined;
      let lastStep: Promise<unknown> | undefined;
      const settleAfter = (step: Promise<unknown>): void => {
        // Handled now (awaited below), so an early rejection is not reported as unhandled.
        step.catch(() => undefined);
        lastStep = lastStep === undefined ? step : Promise.all([lastStep, step]);
      };
      try {
        await this.options.handler(payload, { record, attempt, signal: scope.signal, heartbeat: scope.heartbeat, settleAfter });
      } catch (error) {
        failure = { error };
      } finally {
        limiter.release();
      }
      if (failure === undefined && lastStep !== undefined) {
        scope.release?.();
        try {
          await lastStep;
        } catch (error) {
          failure = { error };
        }
      }
      if (scope.signal.aborted) return 'halted';
      if (failure === undefined) return settled('processed', attempt);

      const errorClass = this.options.classify(failure.error);
      this.observe(() => this.options.observer?.attemptFailed?.({ topic: record.topic, errorClass, attempt }));
      const reason = errorMessage(failure.error);
      if (errorClass === 'permanent' || attempt >= policy.maxAttempts) {
        return deadLettered(errorClass === 'permanent' ? reason : `gave up after ${attempt} attempts: ${reason}`, attempt);
      }
      const delay = retryDelayMs(policy, attempt);
      this.options.logger?.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, attempt, retryInMs: delay, err: reason },
        'transient failure; retrying record',
      );
      if (!(await sleep(delay, scope.startable))) return 'halted';
    }
  }

  /** Dead-letters a record, retrying the produce itself with backoff: the record must not be lost. */
  private async deadLetter(signal: AbortSignal, record: KafkaRecord, reason: string): Promise<Progress> {
    const { deadLetters, logger, policy } = this.options;
    if (deadLetters === undefined) {
      logger?.error({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'permanent failure; record skipped (dlq disabled)');
      return 'done';
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await deadLetters.publish(record, reason);
        logger?.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'record dead-lettered');
        return 'done';
      } catch (error) {
        logger?.error({ topic: record.topic, offset: record.offset, attempt, err: errorMessage(error) }, 'dead-letter produce failed; retrying');
        if (!(await sleep(retryDelayMs(policy, attempt), signal))) return 'halted';
      }
    }
  }

  private observe(call: () => void): void {
    try {
      call();
    } catch {
      // Metrics must never break consuming.
    }
  }
}
