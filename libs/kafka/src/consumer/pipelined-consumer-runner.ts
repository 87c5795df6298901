import { performance } from 'node:perf_hooks';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { resolveKafkaClient } from '../client/kafka-client-input.js';
import { CONSUMER_DEFAULTS } from '../kafka.constant.js';
import { EventProducer } from '../producer/event-producer.js';
import { toKafkaRecord, type KafkaRecord } from '../record/kafka-record.js';
import type { ConsumerRunnerOptions, RecordOutcome } from './consumer-runner.js';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { defaultClassify, errorMessage, type ErrorClass } from './error-classifier.js';
import { KeyConcurrencyLimiter } from './key-concurrency.limiter.js';
import { retryDelayMs, retryPolicy, sleep, type RetryPolicy } from './retry-policy.js';

export interface PipelinedConsumerRunnerOptions<T = KafkaRecord> extends ConsumerRunnerOptions<T> {
  /**
   * Records of one partition fetched and not yet done before the partition is paused (resumed
   * at half). Default 1000. A resumed partition is fetched with the next fetch only, and a fetch
   * of partitions that have nothing new waits up to `maxWaitTimeMs` on the broker: keep half of
   * this above what the handlers work off in that time, or lower `maxWaitTimeMs`.
   */
  maxBufferedPerPartition?: number;
}

type Progress = 'done' | 'halted';

const DEFAULT_MAX_BUFFERED_PER_PARTITION = 1_000;

/** One partition's records in this generation of the group: what is fetched, what is done, what may be committed. */
class PartitionWork {
  /** Aborted when the partition may have moved (rebalance) or the runner gives up on it (stop). */
  readonly abandon = new AbortController();
  private readonly pending: bigint[] = [];
  private readonly done = new Set<bigint>();
  private highestSeen: bigint | undefined;
  /** One past the highest offset below which everything is done. */
  committable: string | undefined;
  lastCommitted: string | undefined;
  lastCommitAt = performance.now();
  commitChain: Promise<void> = Promise.resolve();
  paused = false;

  /** Aborted with `abandon` or the runner's drain: a record not started by then is the next owner's. One per partition, not per record. */
  readonly startable: AbortSignal;

  constructor(
    readonly topic: string,
    readonly partition: number,
    public payload: EachBatchPayload,
    drain: AbortSignal,
  ) {
    this.startable = AbortSignal.any([this.abandon.signal, drain]);
  }

  get buffered(): number {
    return this.pending.length;
  }

  owned(): boolean {
    return !this.abandon.signal.aborted && this.payload.isRunning() && !this.payload.isStale();
  }

  /** False for an offset this work has already taken (a re-delivery). */
  add(offset: string): boolean {
    const value = BigInt(offset);
    if (this.highestSeen !== undefined && value <= this.highestSeen) return false;
    this.highestSeen = value;
    this.pending.push(value);
    return true;
  }

  markDone(offset: string): void {
    this.done.add(BigInt(offset));
    while (this.pending.length > 0 && this.done.has(this.pending[0]!)) {
      const first = this.pending.shift()!;
      this.done.delete(first);
      this.committable = (first + 1n).toString();
    }
  }
}

/**
 * ConsumerRunner's guarantees (per-key order, bounded concurrency, commit only after the
 * work, retries with backoff, dead letters) without its head-of-line wait: kafkajs runs one
 * fetch loop per broker and fetches again only when every batch of the last fetch has been
 * handled, so with ConsumerRunner a record arriving while any long handler runs waits for
 * it. Here a batch's records are scheduled (each key chained behind its previous record,
 * across batches) and eachBatch returns at once, so the next fetch starts immediately; a
 * partition with too many records in flight is paused until it drains. Offsets are
 * committed (highest contiguous done + 1) as work finishes. On a rebalance the work of the
 * old generation is abandoned uncommitted and its handlers' signals abort; a key's chain is
 * global, so a re-delivered record never runs beside an older handler of its key in this
 * process.
 *
 * The contract that differs from ConsumerRunner: kafkajs rejoins the group at once (no
 * batch holds it back), so a partition may move to another member while handlers of the
 * old generation still run. A handler must stop promptly when its signal aborts (its
 * record is re-delivered to the new owner); one that ignores it may overlap with the new
 * owner's handler of the same key.
 */
export class PipelinedConsumerRunner<T = KafkaRecord> {
  private readonly client: Kafka;
  private readonly consumerRef: Consumer;
  private readonly limiter: KeyConcurrencyLimiter;
  private readonly policy: RetryPolicy;
  private readonly classify: (error: unknown) => ErrorClass;
  private readonly deadLetters: DeadLetterPublisher | undefined;
  private readonly ownsDeadLetterProducer: boolean;
  private readonly deadLetterProducer: EventProducer | undefined;
  private readonly maxBuffered: number;
  private readonly works = new Map<string, PartitionWork>();
  private readonly keyTails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private commitTimer: NodeJS.Timeout | undefined;
  /** Aborted by stop(): records not yet started are left for the next owner. */
  private readonly drain = new AbortController();
  private running = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: PipelinedConsumerRunnerOptions<T>) {
    if (options.topics.length === 0) throw new Error('PipelinedConsumerRunner: at least one topic is required');
    this.client = resolveKafkaClient(options.client);
    this.limiter = new KeyConcurrencyLimiter(options.keyConcurrency ?? CONSUMER_DEFAULTS.keyConcurrency);
    this.policy = retryPolicy(options.retry);
    this.classify = options.classify ?? defaultClassify;
    this.maxBuffered = options.maxBufferedPerPartition ?? DEFAULT_MAX_BUFFERED_PER_PARTITION;
    this.consumerRef = this.client.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? CONSUMER_DEFAULTS.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? CONSUMER_DEFAULTS.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs ?? CONSUMER_DEFAULTS.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? CONSUMER_DEFAULTS.maxWaitTimeMs,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: options.maxBytesPerPartition }),
    });
    if (options.dlq ?? true) {
      this.ownsDeadLetterProducer = options.deadLetterProducer === undefined;
      this.deadLetterProducer = options.deadLetterProducer ?? new EventProducer({ client: this.client });
      this.deadLetters = new DeadLetterPublisher(this.deadLetterProducer);
    } else {
      this.ownsDeadLetterProducer = false;
    }
    // A new generation may have moved any partition: the old work must neither commit nor go on.
    this.consumerRef.on(this.consumerRef.events.REBALANCING, () => this.abandonAll());
  }

  get consumer(): Consumer {
    return this.consumerRef;
  }

  /** Handlers running now. */
  get handlersInFlight(): number {
    return this.limiter.inFlight;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.stopping !== undefined) throw new Error('PipelinedConsumerRunner: cannot start again after stop()');
    this.running = true;
    await this.consumerRef.connect();
    for (const topic of this.options.topics) {
      await this.consumerRef.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    const intervalMs = this.options.commitIntervalMs ?? CONSUMER_DEFAULTS.commitIntervalMs;
    this.commitTimer = setInterval(() => {
      for (const work of this.works.values()) void this.commit(work, true);
    }, intervalMs);
    this.commitTimer.unref();
    await this.consumerRef.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.schedule(payload),
    });
  }

  /** Stops fetching, lets scheduled work finish within `shutdownTimeoutMs`, abandons the rest uncommitted, commits, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    this.drain.abort();
    try {
      this.consumerRef.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet: nothing to pause.
    }
    const shutdownTimeoutMs = this.options.shutdownTimeoutMs ?? CONSUMER_DEFAULTS.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    clearInterval(this.commitTimer);
    await Promise.allSettled([...this.works.values()].map((work) => this.commit(work, true)));
    for (const work of this.works.values()) this.abandon(work);
    await this.consumerRef.disconnect();
    if (this.ownsDeadLetterProducer) await this.deadLetterProducer?.disconnect();
  }

  private abandonAll(): void {
    for (const work of this.works.values()) this.abandon(work);
    this.works.clear();
  }

  /** Gives up on a partition's work uncommitted; a paused partition is resumed, or it would never be fetched again. */
  private abandon(work: PartitionWork): void {
    work.abandon.abort();
    if (work.paused) this.resume(work);
  }

  private workFor(payload: EachBatchPayload): PartitionWork {
    const { topic, partition } = payload.batch;
    const id = `${topic}\u0000${partition}`;
    let work = this.works.get(id);
    if (work === undefined || work.abandon.signal.aborted || payload.isStale()) {
      if (work !== undefined) this.abandon(work);
      work = new PartitionWork(topic, partition, payload, this.drain.signal);
      this.works.set(id, work);
    }
    work.payload = payload;
    return work;
  }

  private schedule(payload: EachBatchPayload): Promise<void> {
    // While stopping, leave the batch unresolved for the next owner.
    if (!this.running || payload.batch.messages.length === 0) return Promise.resolve();
    const work = this.workFor(payload);
    let last: KafkaMessage | undefined;
    for (const message of payload.batch.messages) {
      last = message;
      if (!work.add(message.offset)) continue;
      this.chain(work, message);
    }
    // Fetch on from here: what is scheduled is tracked and committed as it finishes.
    if (last !== undefined) payload.resolveOffset(last.offset);
    if (work.buffered >= this.maxBuffered && !work.paused) {
      work.paused = true;
      this.consumerRef.pause([{ topic: work.topic, partitions: [work.partition] }]);
    }
    return Promise.resolve();
  }

  /** Runs the record after the previous record of its key (a null key has no order to keep). */
  private chain(work: PartitionWork, message: KafkaMessage): void {
    const keyId = message.key === null || message.key === undefined ? undefined : `${work.topic}\u0000${message.key.toString('base64')}`;
    const previous = keyId === undefined ? Promise.resolve() : (this.keyTails.get(keyId) ?? Promise.resolve());
    const run: Promise<void> = previous.then(() => this.runRecord(work, message));
    this.inFlight.add(run);
    if (keyId !== undefined) this.keyTails.set(keyId, run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (keyId !== undefined && this.keyTails.get(keyId) === run) this.keyTails.delete(keyId);
    });
  }

  private async runRecord(work: PartitionWork, message: KafkaMessage): Promise<void> {
    if (work.abandon.signal.aborted || this.drain.signal.aborted) return;
    let progress: Progress;
    try {
      progress = await this.processRecord(work, toKafkaRecord(work.topic, work.partition, message));
    } catch (error) {
      // processRecord handles handler errors; this is a bug or a dead-letter loop cut short.
      this.options.logger?.error({ topic: work.topic, partition: work.partition, offset: message.offset, err: errorMessage(error) }, 'record processing failed');
      progress = 'halted';
    }
    if (progress === 'halted' || work.abandon.signal.aborted) return;
    work.markDone(message.offset);
    if (work.paused && work.buffered <= this.maxBuffered / 2) this.resume(work);
    // Idle partition: commit now, so a quiet stream is not left uncommitted until the timer.
    await this.commit(work, work.buffered === 0);
  }

  private resume(work: PartitionWork): void {
    work.paused = false;
    try {
      this.consumerRef.resume([{ topic: work.topic, partitions: [work.partition] }]);
    } catch {
      // Consumer stopped.
    }
  }

  private async processRecord(work: PartitionWork, record: KafkaRecord): Promise<Progress> {
    const started = performance.now();
    const signal = work.abandon.signal;
    const settled = (outcome: RecordOutcome, attempts: number): Progress => {
      this.observe(() => this.options.observer?.recordSettled?.({ topic: record.topic, outcome, attempts, seconds: (performance.now() - started) / 1000 }));
      return 'done';
    };
    // Waiting for a slot ends on stop too: a record not started by then is the next owner's.
    const startable = work.startable;
    let payload: T | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (!(await this.limiter.acquire(startable))) return 'halted';
      // Decoded once it has a slot, not when fetched: a fetch of a thousand records decoded at
      // once holds the event loop for tens of ms, delaying every handler's I/O meanwhile.
      if (payload === undefined) {
        try {
          payload = this.options.decode ? await this.options.decode(record) : (record as unknown as T);
        } catch (error) {
          this.limiter.release();
          const dead = await this.deadLetter(signal, record, `undecodable record: ${errorMessage(error)}`);
          return dead === 'done' ? settled(this.deadLetters ? 'dead-lettered' : 'skipped', 0) : 'halted';
        }
      }
      let failure: { error: unknown } | undefined;
      try {
        await this.options.handler(payload, { record, attempt, signal, heartbeat: () => work.payload.heartbeat(), consumer: this.consumerRef });
      } catch (error) {
        failure = { error };
      } finally {
        this.limiter.release();
      }
      if (signal.aborted) return 'halted';
      if (failure === undefined) return settled('processed', attempt);
      const errorClass = this.classify(failure.error);
      this.observe(() => this.options.observer?.attemptFailed?.({ topic: record.topic, errorClass, attempt }));
      const reason = errorMessage(failure.error);
      if (errorClass === 'permanent' || attempt >= this.policy.maxAttempts) {
        const why = errorClass === 'permanent' ? reason : `gave up after ${attempt} attempts: ${reason}`;
        const dead = await this.deadLetter(signal, record, why);
        return dead === 'done' ? settled(this.deadLetters ? 'dead-lettered' : 'skipped', attempt) : 'halted';
      }
      const delay = retryDelayMs(this.policy, attempt);
      this.options.logger?.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, attempt, retryInMs: delay, err: reason },
        'transient failure; retrying record',
      );
      if (!(await sleep(delay, startable))) return 'halted';
    }
  }

  private async deadLetter(signal: AbortSignal, record: KafkaRecord, reason: string): Promise<Progress> {
    if (this.deadLetters === undefined) {
      this.options.logger?.error({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'permanent failure; record skipped (dlq disabled)');
      return 'done';
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deadLetters.publish(record, reason);
        this.options.logger?.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'record dead-lettered');
        return 'done';
      } catch (error) {
        this.options.logger?.error({ topic: record.topic, offset: record.offset, attempt, err: errorMessage(error) }, 'dead-letter produce failed; retrying');
        if (!(await sleep(retryDelayMs(this.policy, attempt), signal))) return 'halted';
      }
    }
  }

  /** Commits the partition's contiguous done offset: when `force`, else at most every `commitIntervalMs`. */
  private commit(work: PartitionWork, force: boolean): Promise<void> {
    const next = work.commitChain.then(async () => {
      const offset = work.committable;
      if (offset === undefined || offset === work.lastCommitted || !work.owned()) return;
      const intervalMs = this.options.commitIntervalMs ?? CONSUMER_DEFAULTS.commitIntervalMs;
      if (!force && performance.now() - work.lastCommitAt < intervalMs) return;
      try {
        await work.payload.commitOffsetsIfNecessary({ topics: [{ topic: work.topic, partitions: [{ partition: work.partition, offset }] }] });
        work.lastCommitted = offset;
        work.lastCommitAt = performance.now();
      } catch (error) {
        // Lost the generation (rebalance): the next owner re-processes from the last commit.
        this.options.logger?.warn({ topic: work.topic, partition: work.partition, offset, err: errorMessage(error) }, 'offset commit failed');
        this.abandon(work);
      }
    });
    work.commitChain = next;
    return next;
  }

  private observe(call: () => void): void {
    try {
      call();
    } catch {
      // Metrics must never break consuming.
    }
  }
}
