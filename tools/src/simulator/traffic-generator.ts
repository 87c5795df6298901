import { createHash, randomInt } from 'node:crypto';
import type {
  DbrolesJobFinishedData,
  EventType,
  IngestEventInput,
  MicrosoftTeamsReviewCreateData,
  SessionCloseData,
  SessionOpenData,
} from '@hookline/contracts';
import { SeededRandom } from './seeded-random.util.js';
import {
  COMMANDS_BY_KIND,
  DBROLES_ACCOUNT_ARNS,
  DBROLES_DATABASES,
  DBROLES_FAILURES,
  DBROLES_USER_ROLES,
  FAILURES_BY_KIND,
  INPUTS_BY_KIND,
  INPUT_ENV_KEYS,
  OUTPUTS_BY_KIND,
  PADDING_TEXT,
  REVIEW_URL_BASE,
  SIMULATED_CONNECTIONS,
  SIMULATED_ORG_IDS,
  SIMULATED_USERS,
  SIMULATOR_BOUNDS,
  SIMULATOR_DEFAULTS,
  SIMULATOR_SOURCE,
  type SimulatedUser,
} from './simulator.constant.js';

/** One ingest event, distributive over the type so checking `type` narrows `data`. */
export type SimulatedEvent = { [K in EventType]: IngestEventInput<K> & { id: string; time: string } }[EventType];

/** An event planned when its session starts; `time` is stamped when it is emitted. */
type PlannedEvent = { [K in EventType]: Omit<IngestEventInput<K>, 'time'> & { id: string } }[EventType];

interface OpenSession {
  readonly sid: string;
  readonly pending: PlannedEvent[];
}

export interface TrafficGeneratorOptions {
  /**
   * Same seed, same sequence (ids included). Default: random (read it back from `seed`),
   * because a fixed default would resend the same event ids on every run and downstream
   * would take a second demo run for retries of the first.
   */
  seed?: number;
  /** Share of sessions on a resource with reviews, 0..1. Default 0.2. */
  reviewRatio?: number;
  /** Share of emitted events that are dbroles jobs, 0..1. Default 0.05. */
  dbrolesRatio?: number;
  /** Grow each event (input / output) to about this many bytes of JSON; 0 = natural size. */
  eventBytes?: number;
  /** Sessions open at once (how much they interleave). Default 32. */
  concurrentSessions?: number;
  /** Organisations the traffic is spread over. */
  orgIds?: readonly string[];
  /** Epoch ms for `time` and the other timestamps; injectable so a test can pin it. */
  clock?: () => number;
}

/** Events one session can produce at most: review.create, open PENDING, open APPROVED, close. */
export const MAX_EVENTS_PER_SESSION = 4;

function ratio(value: number, flag: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${flag} must be between 0 and 1, got ${value}`);
  return value;
}

/**
 * Deterministic gateway traffic: interleaved sessions (with and without reviews) and
 * dbroles jobs, every event valid against @hookline/contracts. Each event carries a
 * gateway-style id, so a resend of it is recognisable downstream.
 */
export class TrafficGenerator {
  readonly seed: number;
  private readonly random: SeededRandom;
  private readonly reviewRatio: number;
  private readonly dbrolesRatio: number;
  private readonly eventBytes: number;
  private readonly concurrentSessions: number;
  private readonly orgIds: readonly string[];
  private readonly clock: () => number;
  private readonly open: OpenSession[] = [];
  private pendingCount = 0;
  private windingDown = false;
  private emittedCount = 0;

  constructor(options: TrafficGeneratorOptions = {}) {
    this.seed = options.seed ?? randomInt(0, 0xffff_ffff);
    if (!Number.isSafeInteger(this.seed)) throw new RangeError(`seed must be an integer, got ${this.seed}`);
    this.random = new SeededRandom(this.seed);
    this.reviewRatio = ratio(options.reviewRatio ?? SIMULATOR_DEFAULTS.reviewRatio, 'reviewRatio');
    this.dbrolesRatio = ratio(options.dbrolesRatio ?? SIMULATOR_DEFAULTS.dbrolesRatio, 'dbrolesRatio');
    this.eventBytes = options.eventBytes ?? SIMULATOR_DEFAULTS.eventBytes;
    if (!Number.isInteger(this.eventBytes) || this.eventBytes < 0 || this.eventBytes > SIMULATOR_BOUNDS.maxEventBytes) {
      throw new RangeError(`eventBytes must be an integer between 0 and ${SIMULATOR_BOUNDS.maxEventBytes}, got ${this.eventBytes}`);
    }
    this.concurrentSessions = options.concurrentSessions ?? SIMULATOR_DEFAULTS.concurrentSessions;
    if (!Number.isInteger(this.concurrentSessions) || this.concurrentSessions < 1) {
      throw new RangeError(`concurrentSessions must be a positive integer, got ${this.concurrentSessions}`);
    }
    this.orgIds = options.orgIds ?? SIMULATED_ORG_IDS;
    if (this.orgIds.length === 0) throw new RangeError('orgIds must not be empty');
    this.clock = options.clock ?? Date.now;
  }

  /** Events already planned for the sessions now open (what `drain()` would emit). */
  get pendingEvents(): number {
    return this.pendingCount;
  }

  get emitted(): number {
    return this.emittedCount;
  }

  get isWindingDown(): boolean {
    return this.windingDown;
  }

  /**
   * From now on no session starts: the open ones run to their close, and once none is
   * left only dbroles jobs (complete in one event) are emitted. A bounded run calls this
   * near its end so every session it opened is also closed.
   */
  windDown(): void {
    this.windingDown = true;
  }

  next(): SimulatedEvent {
    if (this.windingDown) {
      return this.pendingCount > 0 ? this.advanceSession() : this.emit(this.dbrolesJob());
    }
    if (this.random.chance(this.dbrolesRatio)) return this.emit(this.dbrolesJob());
    // Below the target, start a session half the time: sessions begin and end at random
    // moments instead of in lock-step waves.
    if (this.open.length < this.concurrentSessions && (this.open.length === 0 || this.random.chance(0.5))) {
      this.startSession();
    }
    return this.advanceSession();
  }

  take(count: number): SimulatedEvent[] {
    const events: SimulatedEvent[] = [];
    for (let i = 0; i < count; i++) events.push(this.next());
    return events;
  }

  /** Winds down and emits the rest of every open session, so each one ends with its close. */
  drain(): SimulatedEvent[] {
    this.windDown();
    const events: SimulatedEvent[] = [];
    while (this.pendingCount > 0) events.push(this.advanceSession());
    return events;
  }

  *[Symbol.iterator](): Iterator<SimulatedEvent> {
    for (;;) yield this.next();
  }

  private advanceSession(): SimulatedEvent {
    const index = this.random.int(0, this.open.length - 1);
    const session = this.open[index];
    const planned = session?.pending.shift();
    if (session === undefined || planned === undefined) throw new Error('no open session to advance');
    this.pendingCount--;
    if (session.pending.length === 0) {
      // Swap-remove: order in `open` is irrelevant, the pick is random anyway.
      const last = this.open.pop();
      if (last !== undefined && last !== session) this.open[index] = last;
    }
    return this.emit(planned);
  }

  private emit(planned: PlannedEvent): SimulatedEvent {
    this.emittedCount++;
    const event: SimulatedEvent = { ...planned, time: new Date(this.clock()).toISOString() };
    if (this.eventBytes > 0) this.pad(event);
    return event;
  }

  private startSession(): void {
    const r = this.random;
    const sid = r.uuid();
    const orgId = r.pick(this.orgIds);
    const user = r.pick(SIMULATED_USERS);
    const connection = r.pick(SIMULATED_CONNECTIONS);
    const reviewed = r.chance(this.reviewRatio);
    // Reviews guard one-off executions mostly; interactive sessions are the rest.
    const verb = reviewed || r.chance(0.6) ? 'exec' : 'connect';
    const input = verb === 'exec' ? r.pick(INPUTS_BY_KIND[connection.inputKind]) : '';
    const reviewType = r.chance(0.7) ? 'onetime' : 'jit';
    const reviewers = reviewed ? connection.reviewers : [];
    const inputEnvKeys = verb === 'exec' ? r.subset(INPUT_ENV_KEYS, 2) : [];
    const command = r.pick(COMMANDS_BY_KIND[connection.inputKind]);

    const open = (status: 'PENDING' | 'APPROVED' | null): PlannedEvent => {
      const data: SessionOpenData = {
        sid,
        org_id: orgId,
        verb,
        connection_name: connection.name,
        connection_type: connection.type,
        connection_subtype: connection.subtype,
        user_id: userId(user),
        user_email: user.email,
        connection_reviewers: [...reviewers],
        input,
        is_input_truncated: false,
        input_size: Buffer.byteLength(input),
        input_env_keys: [...inputEnvKeys],
        connection_env_keys: [...connection.envKeys],
        command: [...command],
        review: status === null ? null : { type: reviewType, status, owner_email: user.email },
      };
      return { type: 'session.open', id: r.uuid(), source: SIMULATOR_SOURCE, data };
    };

    const pending: PlannedEvent[] = [];
    if (reviewed) {
      const reviewId = r.uuid();
      const data: MicrosoftTeamsReviewCreateData = {
        sid,
        org_id: orgId,
        review_id: reviewId,
        status: 'PENDING',
        created_by: { name: user.name, email: user.email },
        approval_groups: [...reviewers],
        session_time: reviewType === 'jit' ? new Date(this.clock() + r.int(5, 120) * 60_000).toISOString() : null,
        connection_name: connection.name,
        connection_type: connection.type,
        input,
        session_url: `${REVIEW_URL_BASE}${reviewId}`,
      };
      pending.push({ type: 'microsoftteams.review.create', id: r.uuid(), source: SIMULATOR_SOURCE, data });
      pending.push(open('PENDING'), open('APPROVED'));
    } else {
      pending.push(open(null));
    }

    const failed = r.chance(0.1);
    const output = failed ? '' : r.pick(OUTPUTS_BY_KIND[connection.inputKind]);
    const close: SessionCloseData = {
      sid,
      org_id: orgId,
      exit_code: failed ? 1 : 0,
      exit_err: failed ? r.pick(FAILURES_BY_KIND[connection.inputKind]) : null,
      output,
      is_output_truncated: false,
      output_size: Buffer.byteLength(output),
    };
    pending.push({ type: 'session.close', id: r.uuid(), source: SIMULATOR_SOURCE, data: close });

    this.open.push({ sid, pending });
    this.pendingCount += pending.length;
  }

  private dbrolesJob(): PlannedEvent {
    const r = this.random;
    const now = this.clock();
    const database = r.pick(DBROLES_DATABASES);
    const failed = r.chance(0.1);
    const roles = DBROLES_USER_ROLES.slice(0, r.int(1, DBROLES_USER_ROLES.length));
    const createdAt = now - r.int(5, 120) * 1000;
    const failure = r.pick(DBROLES_FAILURES);
    // Padding goes into the hook output, so with eventBytes a hook always "ran".
    const hookRan = r.chance(0.7) || this.eventBytes > 0;
    const hookExit = r.chance(0.9) ? 0 : 1;
    const hookSeconds = r.int(100, 5000) / 1000;
    const data: DbrolesJobFinishedData = {
      org_id: r.pick(this.orgIds),
      id: r.uuid(),
      created_at: new Date(createdAt).toISOString(),
      completed_at: new Date(now).toISOString(),
      spec: {
        account_arn: r.pick(DBROLES_ACCOUNT_ARNS),
        db_arn: database.arn,
        db_name: database.name,
        db_engine: database.engine,
        db_tags: database.tags.map((tag) => ({ ...tag })),
      },
      status: {
        phase: failed ? 'failed' : 'completed',
        message: failed ? `${roles.length - 1} of ${roles.length} roles provisioned` : 'all roles provisioned',
        result: roles.map((role, i) => ({
          user_role: role,
          phase: failed && i === roles.length - 1 ? 'failed' : 'completed',
          message: failed && i === roles.length - 1 ? failure : 'role created',
          completed_at: new Date(now - (roles.length - i) * 1000).toISOString(),
        })),
      },
      hook_status: hookRan
        ? { exit_code: hookExit, output: hookExit === 0 ? 'notified #dba channel\n' : 'slack: invalid_auth\n', execution_time_sec: hookSeconds }
        : null,
    };
    return { type: 'dbroles.job.finished', id: r.uuid(), source: SIMULATOR_SOURCE, data };
  }

  /** Grows the event's big text field until its JSON is eventBytes long (or as close as it gets). */
  private pad(event: SimulatedEvent): void {
    const field = paddableField(event);
    const base = field.get();
    let padLength = 0;
    // Each pass corrects the size; only the *_size digits move under it, so two passes settle.
    for (let pass = 0; pass < 4; pass++) {
      const diff = this.eventBytes - Buffer.byteLength(JSON.stringify(event));
      if (diff === 0 || (diff < 0 && padLength === 0)) return;
      padLength = Math.max(0, padLength + diff);
      field.set(base + filler(padLength));
    }
  }
}

function filler(length: number): string {
  return PADDING_TEXT.repeat(Math.ceil(length / PADDING_TEXT.length)).slice(0, length);
}

interface PaddableField {
  get(): string;
  set(value: string): void;
}

/** A text field whose byte size another field of the event states. */
function sizedText<T extends string, S extends string>(data: Record<T, string> & Record<S, number>, text: T, size: S): PaddableField {
  const texts: Record<T, string> = data;
  const sizes: Record<S, number> = data;
  return {
    get: () => texts[text],
    set: (value) => {
      texts[text] = value;
      sizes[size] = Buffer.byteLength(value);
    },
  };
}

function paddableField(event: SimulatedEvent): PaddableField {
  switch (event.type) {
    case 'session.open':
      return sizedText(event.data, 'input', 'input_size');
    case 'session.close':
      return sizedText(event.data, 'output', 'output_size');
    case 'microsoftteams.review.create': {
      const data = event.data;
      return { get: () => data.input, set: (value) => (data.input = value) };
    }
    case 'dbroles.job.finished': {
      const data = event.data;
      return {
        get: () => data.hook_status?.output ?? '',
        set: (value) => {
          if (data.hook_status !== null) data.hook_status.output = value;
        },
      };
    }
  }
}

const userIds = new Map<string, string>();

/** Stable per user across seeds (an auth0-style subject), like a real identity provider's. */
function userId(user: SimulatedUser): string {
  let id = userIds.get(user.email);
  if (id === undefined) {
    id = `auth0|${createHash('sha256').update(user.email).digest('hex').slice(0, 24)}`;
    userIds.set(user.email, id);
  }
  return id;
}
