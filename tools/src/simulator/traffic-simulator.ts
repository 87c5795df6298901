import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_EVENTS_PER_SESSION, TrafficGenerator, type SimulatedEvent, type TrafficGeneratorOptions } from './traffic-generator.js';
import { INGEST_PATH, MAX_ERROR_MESSAGE_CHARS, RETRY_TIMING, SIMULATOR_BOUNDS, SIMULATOR_DEFAULTS } from './simulator.constant.js';

export interface TrafficSimulatorOptions {
  /** Producer base URL (or the full ingest URL). Default http://127.0.0.1:8081. */
  url?: string;
  /** Bearer token of the producer's ingest API. */
  token: string;
  /** Events per second. Default 50. */
  rate?: number;
  /** Seconds to send for; 0 = until stop(). Default 60. */
  durationSec?: number;
  /** Events per POST. Default 50. */
  batchSize?: number;
  /** POSTs in flight at once. Default 4. */
  concurrency?: number;
  /** Stop after this many events; default rate × duration (unbounded when duration is 0). */
  maxEvents?: number;
  /** Resends of one batch before it is given up. Default 20. */
  maxRetries?: number;
  requestTimeoutMs?: number;
  /** The traffic to send; default a new TrafficGenerator(generatorOptions). */
  generator?: TrafficGenerator;
  generatorOptions?: TrafficGeneratorOptions;
  progressIntervalMs?: number;
  /** Called every progressIntervalMs while running. */
  onProgress?: (progress: SimulationProgress) => void;
  /** Called for every failed request (rejected, throttled, unreachable). */
  onError?: (error: SimulationError) => void;
}

export interface SimulationCounters {
  /** Distinct events sent at least once. */
  sent: number;
  /** Events the producer acknowledged (2xx). */
  accepted: number;
  /** Events of batches the producer refused for good (4xx other than 429). */
  rejected: number;
  /** Events sent but never acknowledged: retries exhausted or the run was stopped while waiting. */
  unacknowledged: number;
  /** Resent batches (503/429 Retry-After, network error, other 5xx). */
  retries: number;
  requests: number;
}

export interface SimulationProgress extends SimulationCounters {
  elapsedSec: number;
  inFlight: number;
  /** Events accepted per second over the last interval. */
  rate: number;
}

export interface SimulationError {
  /** HTTP status, or null when no response came (network error, timeout). */
  status: number | null;
  message: string;
  events: number;
  /** True when the batch will be resent. */
  retrying: boolean;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface SimulationSummary extends SimulationCounters {
  url: string;
  seed: number;
  elapsedSec: number;
  /** Events accepted per second over the whole run. */
  rate: number;
  /** Failed requests by HTTP status ("network" when no response came). */
  errors: Record<string, number>;
  lastError: string | null;
  /** Request round trips in milliseconds, or null when none completed. */
  latencyMs: LatencySummary | null;
  /** True when stop() ended the run before its count or duration did. */
  stopped: boolean;
}

type Attempt =
  { kind: 'accepted' } | { kind: 'rejected'; status: number; message: string } | { kind: 'retry'; status: number | null; message: string; waitMs: number };

function positive(value: number, name: string, max: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'number'} up to ${max}, got ${value}`);
  }
  return value;
}

/** The ingest endpoint under a base URL; a URL that already names it is kept. */
export function ingestUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`url must be http(s), got ${base}`);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(INGEST_PATH) ? path : `${path}${INGEST_PATH}`;
  return url.toString();
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), RETRY_TIMING.maxRetryAfterMs);
}

/** The server's own words from an error body: NestJS `{message}`, `{error}`, or the raw text. */
export function serverMessage(body: string): string {
  let message = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const fields = parsed as Record<string, unknown>;
      const chosen = fields.message ?? fields.error ?? fields.detail;
      if (typeof chosen === 'string') message = chosen;
      else if (Array.isArray(chosen)) message = chosen.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('; ');
      const issues = fields.issues;
      if (Array.isArray(issues) && issues.length > 0) message += ` ${JSON.stringify(issues.slice(0, 5))}`;
    }
  } catch {
    // Not JSON: the raw text is the message.
  }
  return message.length > MAX_ERROR_MESSAGE_CHARS ? `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : message || '(empty body)';
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

/**
 * Sends generated gateway traffic to a producer's `POST /v1/events` in batches, paced to a
 * rate and bounded in count and time. A batch answered 503/429 is resent unchanged after
 * Retry-After (same event ids, so downstream sees a retry, not new events); a 4xx is
 * counted as rejected and never resent.
 */
export class TrafficSimulator {
  private readonly url: string;
  private readonly token: string;
  private readonly rate: number;
  private readonly durationSec: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxEvents: number;
  private readonly maxRetries: number;
  private readonly requestTimeoutMs: number;
  private readonly progressIntervalMs: number;
  private readonly generator: TrafficGenerator;
  private readonly onProgress: ((progress: SimulationProgress) => void) | undefined;
  private readonly onError: ((error: SimulationError) => void) | undefined;

  private readonly counters: SimulationCounters = { sent: 0, accepted: 0, rejected: 0, unacknowledged: 0, retries: 0, requests: 0 };
  private readonly errors: Record<string, number> = {};
  private readonly latencies: number[] = [];
  private readonly abort = new AbortController();
  /** Wakes the send loop when a request slot frees up or stop() is called. */
  private wake: (() => void) | null = null;
  private lastError: string | null = null;
  private inFlight = 0;
  private started = false;

  constructor(options: TrafficSimulatorOptions) {
    if (typeof options.token !== 'string' || options.token === '') throw new RangeError('token is required');
    this.url = ingestUrl(options.url ?? SIMULATOR_DEFAULTS.url);
    this.token = options.token;
    this.rate = positive(options.rate ?? SIMULATOR_DEFAULTS.rate, 'rate', SIMULATOR_BOUNDS.maxRate, false);
    this.durationSec = options.durationSec ?? SIMULATOR_DEFAULTS.durationSec;
    if (!Number.isFinite(this.durationSec) || this.durationSec < 0) {
      throw new RangeError(`durationSec must be 0 (until stopped) or a positive number, got ${this.durationSec}`);
    }
    const batchSize = positive(options.batchSize ?? SIMULATOR_DEFAULTS.batchSize, 'batchSize', SIMULATOR_BOUNDS.maxBatchSize, true);
    // At least one POST a second: at rate 10 a batch of 50 would go out as a burst every 5 s.
    this.batchSize = Math.max(1, Math.min(batchSize, Math.ceil(this.rate)));
    this.concurrency = positive(options.concurrency ?? SIMULATOR_DEFAULTS.concurrency, 'concurrency', SIMULATOR_BOUNDS.maxConcurrency, true);
    this.maxEvents = options.maxEvents ?? (this.durationSec > 0 ? Math.max(1, Math.round(this.rate * this.durationSec)) : Number.POSITIVE_INFINITY);
    if (!(this.maxEvents === Number.POSITIVE_INFINITY || (Number.isInteger(this.maxEvents) && this.maxEvents > 0))) {
      throw new RangeError(`maxEvents must be a positive integer, got ${this.maxEvents}`);
    }
    this.maxRetries = options.maxRetries ?? SIMULATOR_DEFAULTS.maxRetries;
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) throw new RangeError(`maxRetries must be an integer ≥ 0, got ${this.maxRetries}`);
    this.requestTimeoutMs = options.requestTimeoutMs ?? SIMULATOR_DEFAULTS.requestTimeoutMs;
    this.progressIntervalMs = options.progressIntervalMs ?? SIMULATOR_DEFAULTS.progressIntervalMs;
    this.generator = options.generator ?? new TrafficGenerator(options.generatorOptions);
    this.onProgress = options.onProgress;
    this.onError = options.onError;
    // Every waiting batch (up to `concurrency`) listens on the abort signal; that is no leak.
    setMaxListeners(this.concurrency + 8, this.abort.signal);
  }

  /** One progress line, as the CLI prints it each second. */
  static formatProgress(p: SimulationProgress): string {
    return (
      `simulate ${p.elapsedSec.toFixed(0)}s: sent=${p.sent} accepted=${p.accepted} rejected=${p.rejected} ` +
      `retries=${p.retries} unacked=${p.unacknowledged} in-flight=${p.inFlight} rate=${p.rate.toFixed(1)}/s`
    );
  }

  /** Ends the run: no new batch starts, batches waiting to be resent are given up, requests in flight finish. */
  stop(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.wakeUp();
  }

  async run(): Promise<SimulationSummary> {
    if (this.started) throw new Error('a TrafficSimulator runs once; create a new one');
    this.started = true;
    const start = performance.now();
    const deadline = this.durationSec > 0 ? start + this.durationSec * 1000 : Number.POSITIVE_INFINITY;
    const inFlight = new Set<Promise<void>>();

    let lastAccepted = 0;
    let lastTick = start;
    const ticker = setInterval(() => {
      const now = performance.now();
      const rate = ((this.counters.accepted - lastAccepted) * 1000) / Math.max(1, now - lastTick);
      lastAccepted = this.counters.accepted;
      lastTick = now;
      this.onProgress?.({ ...this.counters, elapsedSec: (now - start) / 1000, inFlight: this.inFlight, rate });
    }, this.progressIntervalMs);
    ticker.unref();

    try {
      let scheduled = 0;
      while (!this.aborted() && scheduled < this.maxEvents) {
        // Batch k may start once the events before it are due: sent(t) ≤ rate·t + one batch.
        const due = start + (scheduled * 1000) / this.rate;
        if (!(await this.sleep(due - performance.now()))) break;
        if (performance.now() >= deadline) break;
        while (inFlight.size >= this.concurrency && !this.aborted()) {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
        if (this.aborted()) break;
        const batch = this.nextBatch(Math.min(this.batchSize, this.maxEvents - scheduled), this.maxEvents - scheduled);
        scheduled += batch.length;
        const sending: Promise<void> = this.send(batch).finally(() => {
          inFlight.delete(sending);
          this.wakeUp();
        });
        inFlight.add(sending);
      }
      await Promise.all(inFlight);
    } finally {
      clearInterval(ticker);
    }
    return this.summary((performance.now() - start) / 1000);
  }

  /** Read through a call: the flag changes across the awaits in the send loop, which narrowing does not see. */
  private aborted(): boolean {
    return this.abort.signal.aborted;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Takes the next events; near the end of a bounded run, open sessions are wound down so each gets its close. */
  private nextBatch(size: number, remaining: number): SimulatedEvent[] {
    const events: SimulatedEvent[] = [];
    for (let i = 0; i < size; i++) {
      if (!this.generator.isWindingDown && remaining - i <= this.generator.pendingEvents + MAX_EVENTS_PER_SESSION) {
        this.generator.windDown();
      }
      events.push(this.generator.next());
    }
    return events;
  }

  private async send(events: readonly SimulatedEvent[]): Promise<void> {
    const body = JSON.stringify(events);
    this.counters.sent += events.length;
    this.inFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) this.counters.retries++;
        const outcome = await this.post(body, attempt);
        if (outcome.kind === 'accepted') {
          this.counters.accepted += events.length;
          return;
        }
        const retrying = outcome.kind === 'retry' && attempt < this.maxRetries && !this.abort.signal.aborted;
        this.recordError(outcome.status, outcome.message, events.length, retrying);
        if (outcome.kind === 'rejected') {
          this.counters.rejected += events.length;
          return;
        }
        if (!retrying || !(await this.sleep(outcome.waitMs))) {
          this.counters.unacknowledged += events.length;
          return;
        }
      }
    } finally {
      this.inFlight--;
    }
  }

  private async post(body: string, attempt: number): Promise<Attempt> {
    const began = performance.now();
    this.counters.requests++;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      // Read the whole body: an unread body keeps the keep-alive connection from being reused.
      const text = await response.text();
      this.latencies.push(performance.now() - began);
      const { status } = response;
      if (status >= 200 && status < 300) return { kind: 'accepted' };
      if (status === 503 || status === 429) {
        const waitMs = parseRetryAfter(response.headers.get('retry-after')) ?? RETRY_TIMING.defaultRetryAfterMs;
        return { kind: 'retry', status, message: serverMessage(text), waitMs };
      }
      if (status >= 500) return { kind: 'retry', status, message: serverMessage(text), waitMs: this.backoff(attempt) };
      return { kind: 'rejected', status, message: serverMessage(text) };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}${causeOf(error)}` : String(error);
      return { kind: 'retry', status: null, message, waitMs: this.backoff(attempt) };
    }
  }

  private backoff(attempt: number): number {
    return Math.min(RETRY_TIMING.backoffMaxMs, RETRY_TIMING.backoffBaseMs * 2 ** attempt);
  }

  private recordError(status: number | null, message: string, events: number, retrying: boolean): void {
    const key = status === null ? 'network' : String(status);
    this.errors[key] = (this.errors[key] ?? 0) + 1;
    this.lastError = `${status ?? 'network'}: ${message}`;
    this.onError?.({ status, message, events, retrying });
  }

  /** Waits ms; false when stop() cut the wait short. */
  private async sleep(ms: number): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    if (ms <= 0) return true;
    try {
      await delay(ms, undefined, { signal: this.abort.signal });
      return true;
    } catch {
      return false;
    }
  }

  private summary(elapsedSec: number): SimulationSummary {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      url: this.url,
      seed: this.generator.seed,
      ...this.counters,
      elapsedSec: Math.round(elapsedSec * 1000) / 1000,
      rate: Math.round((this.counters.accepted / Math.max(elapsedSec, 0.001)) * 10) / 10,
      errors: { ...this.errors },
      lastError: this.lastError,
      latencyMs:
        sorted.length === 0 ? null : { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: percentile(sorted, 100) },
      stopped: this.abort.signal.aborted,
    };
  }
}

/** undici hides the useful part ("ECONNREFUSED 127.0.0.1:8081") in error.cause. */
function causeOf(error: Error): string {
  const cause: unknown = error.cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
