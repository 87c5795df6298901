// Runs the hook-executor as a child process (node services/hook-executor/dist/main.js,
// exactly as deployed, so its environment is the real one), plus what its integration
// tests share: producing session events, reading hook-execution records, metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hookline/kafka-broker';
import {
  buildEvent,
  encodeEvent,
  getEventContract,
  hookExecutionRecordCodec,
  TOPICS,
  type HookExecutionRecord,
  type IngestEventInput,
} from '@hookline/contracts';
import { createKafkaClient, ensureTopics, silentKafkaLogger } from '@hookline/kafka';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { after, afterEach, before } from 'node:test';
import { CleanupSteps, closeAll } from '../support/close-all.js';
import { firstMetricValue } from '../support/metrics.js';
import { pollUntil } from '@hookline/kafka/testing';
import { RunbooksFixture } from './runbooks-fixture.js';

export const NO_BROKER_SKIP = 'KAFKA_BROKERS is not set: the hook-executor integration tests need a real Kafka broker';
export const brokersFromEnv: string | undefined = process.env.KAFKA_BROKERS?.trim() || undefined;

const MAIN = fileURLToPath(new URL('../../../services/hook-executor/dist/main.js', import.meta.url));

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function testKafka(): Kafka {
  if (brokersFromEnv === undefined) throw new Error(NO_BROKER_SKIP);
  return createKafkaClient({ brokers: brokersFromEnv, clientId: uniqueId('hook-test'), logger: silentKafkaLogger, logLevel: 'nothing' });
}

/** Topics exist before a group is positioned on them. */
export async function ensureTestTopics(admin: Admin): Promise<void> {
  await ensureTopics(admin, [
    { topic: TOPICS.gatewaySessions, numPartitions: 6 },
    { topic: TOPICS.hookExecutions, numPartitions: 6, withDeadLetterTopic: false, configs: { 'max.message.bytes': String(8 * 1024 * 1024) } },
  ]);
}

/**
 * Commits a new group's offsets at the topic's end, so the executor under test only
 * sees the events its test produces (the topic is shared with every other test).
 */
export async function positionGroupAtEnd(admin: Admin, groupId: string): Promise<void> {
  const offsets = await topicOffsets(admin, TOPICS.gatewaySessions);
  await admin.setOffsets({ groupId, topic: TOPICS.gatewaySessions, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })) });
}

/** End offsets; a topic created a moment ago may not have a leader in the metadata yet. */
async function topicOffsets(admin: Admin, topic: string): Promise<{ partition: number; high: string }[]> {
  return pollUntil(() => admin.fetchTopicOffsets(topic), { timeoutMs: 15_000, intervalMs: 200, what: `end offsets of ${topic}` });
}

export interface RunningExecutor {
  readonly url: string;
  readonly groupId: string;
  readonly child: ChildProcess;
  /** Every JSON log line so far (and any non-JSON line as { raw }). */
  readonly logs: Record<string, unknown>[];
  /** Raw stdout + stderr text so far. */
  output(): string;
  exited(): Promise<number | null>;
  stop(): Promise<void>;
}

export interface ExecutorOptions {
  readonly env: Record<string, string>;
  readonly groupId?: string;
  /** Do not wait for /health/live (the process may refuse to start). */
  readonly noWait?: boolean;
}

export async function startExecutor(options: ExecutorOptions): Promise<RunningExecutor> {
  if (brokersFromEnv === undefined) throw new Error(NO_BROKER_SKIP);
  const port = await freePort();
  const groupId = options.groupId ?? uniqueId('hook-test-group');
  const runbooksDir = mkdtempSync(join(tmpdir(), 'hookline-executor-test-'));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: process.env.HOME ?? '/tmp',
      KAFKA_BROKERS: brokersFromEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      KAFKA_GROUP_ID: groupId,
      RUNBOOKS_DIR: runbooksDir,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const piece = chunk.toString('utf8');
    text += piece;
    partial += piece;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const running: RunningExecutor = {
    url,
    groupId,
    child,
    logs,
    output: () => text,
    exited: () => exit,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(runbooksDir, { recursive: true, force: true });
    },
  };
  if (options.noWait !== true) {
    try {
      await pollUntil(async () => child.exitCode === null && (await fetch(`${url}/health/live`)).ok, { timeoutMs: 30_000, what: 'hook-executor /health/live' });
    } catch (error) {
      await running.stop();
      throw new Error(`${(error as Error).message}\n${text.slice(-2000)}`, { cause: error });
    }
  }
  return running;
}

export async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

/** Produces events (ingest shape, one per call order) to gateway.sessions.v1; returns their ids. */
export class EventSender {
  private constructor(private readonly producer: Producer) {}

  static async connect(kafka: Kafka): Promise<EventSender> {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new EventSender(producer);
  }

  async send(inputs: readonly IngestEventInput[]): Promise<string[]> {
    const events = inputs.map((input) => buildEvent({ id: uniqueId('evt'), ...input }));
    const encoded = events.map(encodeEvent);
    await this.producer.send({ topic: TOPICS.gatewaySessions, acks: -1, messages: encoded.map((e) => ({ key: e.key, value: e.value, headers: e.headers })) });
    return events.map((event) => event.id);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

export function sessionOpen(sid: string, fields: Record<string, unknown> = {}): IngestEventInput {
  const example = structuredClone(getEventContract('session.open').example) as Record<string, unknown>;
  return { type: 'session.open', data: { ...example, sid, ...fields } as IngestEventInput['data'] };
}

export function sessionClose(sid: string, fields: Record<string, unknown> = {}): IngestEventInput {
  const example = structuredClone(getEventContract('session.close').example) as Record<string, unknown>;
  return { type: 'session.close', data: { ...example, sid, ...fields } as IngestEventInput['data'] };
}

/** Reads hookline.hook-executions.v1 from its end at `start()`: every record, by event id. */
export class ResultReader {
  readonly byEventId = new Map<string, HookExecutionRecord[]>();
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, admin: Admin): Promise<ResultReader> {
    const offsets = await topicOffsets(admin, TOPICS.hookExecutions);
    const consumer = kafka.consumer({ groupId: uniqueId('hook-test-reader'), maxWaitTimeInMs: 100 });
    const reader = new ResultReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.hookExecutions, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const record = hookExecutionRecordCodec.decode(message.value);
        const list = reader.byEventId.get(record.event_id) ?? [];
        list.push(record);
        reader.byEventId.set(record.event_id, list);
        return Promise.resolve();
      },
    });
    try {
      // On a fresh broker the group may still be forming (kafkajs restarts run() until the
      // coordinator answers); seek once it exists.
      await pollUntil(
        () => {
          for (const { partition, high } of offsets) consumer.seek({ topic: TOPICS.hookExecutions, partition, offset: high });
          return true;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'the result reader to seek' },
      );
    } catch (error) {
      await consumer.disconnect();
      throw error;
    }
    return reader;
  }

  /** The first record of each id, once all are there. */
  async waitFor(ids: readonly string[], timeoutMs = 30_000): Promise<HookExecutionRecord[]> {
    return pollUntil(() => (ids.every((id) => this.byEventId.has(id)) ? ids.map((id) => this.byEventId.get(id)![0]!) : undefined), {
      timeoutMs,
      what: `hook records of ${ids.length} event(s) (have ${ids.filter((id) => this.byEventId.has(id)).length})`,
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** The value of one series on /metrics (0 when absent). */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await firstMetricValue(url, name, labels)) ?? 0;
}

/** Live (not zombie) processes of this machine whose command line contains `marker`. */
export function hostProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The broker side of an executor test: a client, an admin (test topics made), a reader of hook records from their current end, and a sender of events. */
export interface HookStage {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly reader: ResultReader;
  readonly sender: EventSender;
  close(): Promise<void>;
}

/** A `HookStage` with a runbooks repository holding the given hooks, committed once. */
export interface HookStageWithRunbooks extends HookStage {
  readonly fixture: RunbooksFixture;
  /** The commit of the hooks. */
  readonly commit: string;
}

export async function startHookStage(): Promise<HookStage>;
export async function startHookStage(runbooks: { files: Record<string, string>; message?: string }): Promise<HookStageWithRunbooks>;
export async function startHookStage(runbooks?: { files: Record<string, string>; message?: string }): Promise<HookStage | HookStageWithRunbooks> {
  const kafka = testKafka();
  const admin = kafka.admin();
  let reader: ResultReader | undefined;
  let sender: EventSender | undefined;
  let fixture: RunbooksFixture | undefined;
  try {
    await admin.connect();
    await ensureTestTopics(admin);
    reader = await ResultReader.start(kafka, admin);
    sender = await EventSender.connect(kafka);
    const opened = { reader, sender };
    if (runbooks === undefined) return { kafka, admin, ...opened, close: () => closeAll(opened.reader, opened.sender, admin) };
    const created = RunbooksFixture.create();
    fixture = created;
    const commit = created.commit(runbooks.files, runbooks.message);
    return { kafka, admin, ...opened, fixture: created, commit, close: () => closeAll(opened.reader, opened.sender, admin, created) };
  } catch (error) {
    await closeAll(reader, sender, admin, fixture).catch(() => undefined);
    throw error;
  }
}

/** Starts an executor in a new group (`prefix-…`) positioned at the topics' end, so it sees only what comes next; `cleanup`, when given, stops it (say after each test). */
export async function startExecutorAtEnd(
  admin: Admin,
  prefix: string,
  options: Omit<ExecutorOptions, 'groupId'>,
  cleanup?: CleanupSteps,
): Promise<RunningExecutor> {
  const groupId = uniqueId(prefix);
  await positionGroupAtEnd(admin, groupId);
  const executor = await startExecutor({ groupId, ...options });
  cleanup?.push(() => executor.stop());
  return executor;
}

/** A suite whose tests each start their own executors on one shared stage. */
export interface ExecutorSuite {
  /** The stage, once the suite's `before` has opened it. */
  readonly stage: HookStage;
  /** Steps run after each test (the executors it started, and what the test adds). */
  readonly cleanup: CleanupSteps;
  /** An executor reading from the end of the topics, stopped after the test; `env` over the suite's. */
  executorFor(env: Record<string, string>, options?: { noWait?: boolean }): Promise<RunningExecutor>;
}

/** Call inside `describe`: opens the stage before the suite and closes it after. */
export function executorSuite(prefix: string, suiteEnv: Record<string, string>): ExecutorSuite {
  let stage: HookStage | undefined;
  const cleanup = new CleanupSteps();
  before(async () => {
    stage = await startHookStage();
  });
  // Every executor consumes every event produced after it started: stop each test's own.
  afterEach(() => cleanup.run());
  after(() => closeAll(stage));
  const opened = (): HookStage => {
    if (stage === undefined) throw new Error('the suite has no stage yet: use it inside a test');
    return stage;
  };
  return {
    get stage() {
      return opened();
    },
    cleanup,
    executorFor: (env, options = {}) => startExecutorAtEnd(opened().admin, prefix, { env: { ...suiteEnv, ...env }, ...options }, cleanup),
  };
}
