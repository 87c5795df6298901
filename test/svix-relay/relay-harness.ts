// Starts the svix-relay (in-process, or as a child process like production) against the
// real broker (KAFKA_BROKERS), a throw-away PostgreSQL database and a Svix stand-in, and
// the helpers the relay's integration tests share.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildEvent, dlqTopic, encodeEvent, getEventContract, TOPICS, type EventType, type GatewayEvent } from '@hookline/contracts';
import { createKafkaClient, EventProducer, silentKafkaLogger } from '@hookline/kafka';
import { loadConfig } from '@hookline/observability';
import { createRelayApp, CONSUMED_TOPICS, relaySettings, type RelayAppOptions, type RelayConfig } from '@hookline/svix-relay';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import type { SvixTarget } from '../fixtures/svix-server/index.js';
import { SvixStandIn, WebhookReceiver, type SvixStandInOptions } from '@hookline/tools/svix-stand-in';
import { closeAll } from '../support/close-all.js';
import { listenOnLoopback, type RunningApp } from '../support/running-app.js';
import { pollUntil } from '@hookline/kafka/testing';

export const ADMIN_TOKEN = 'relay-admin-token-0123456789';
export const AUDITOR_TOKEN = 'relay-auditor-token-0123456789';
export const NO_BROKER_SKIP = 'KAFKA_BROKERS is not set: the svix-relay integration tests need a real Kafka broker';
export const brokersFromEnv: string | undefined = process.env.KAFKA_BROKERS?.trim() || undefined;

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function testKafka(): Kafka {
  if (brokersFromEnv === undefined) throw new Error(NO_BROKER_SKIP);
  return createKafkaClient({ brokers: brokersFromEnv, clientId: uniqueId('relay-test'), logger: silentKafkaLogger, logLevel: 'nothing' });
}

/** Settings every relay under test gets (Svix: the stand-in or the real server); `env` overrides. Retries are short so outages end quickly. */
export function relayEnv(
  svix: Pick<SvixTarget, 'url' | 'token'> | undefined,
  databaseUrl: string | undefined,
  groupId: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BROKERS: brokersFromEnv ?? '',
    KAFKA_GROUP_ID: groupId,
    ...(svix === undefined ? {} : { SVIX_AUTH_TOKEN: svix.token, SVIX_SERVER_URL: svix.url }),
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    ADMIN_TOKENS: ADMIN_TOKEN,
    AUDITOR_TOKENS: AUDITOR_TOKEN,
    // The tests' receivers listen on loopback: allowed explicitly, nothing else private is.
    ENDPOINT_URL_ALLOW: '127.0.0.1',
    PLUGIN_REFRESH_MS: '250',
    SVIX_RETRY_INITIAL_MS: '50',
    SVIX_RETRY_MAX_MS: '400',
    SVIX_REQUEST_TIMEOUT_MS: '2000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  };
}

export type RunningRelay = RunningApp<RelayConfig>;

export async function startRelay(env: Record<string, string>, options: RelayAppOptions = {}): Promise<RunningRelay> {
  // The relay always keeps its connections in PostgreSQL: a throw-away database when the test names none.
  const database = env.DATABASE_URL === undefined ? await createTestDatabase('relay_test') : undefined;
  const config = loadConfig(relaySettings, database === undefined ? env : { ...env, DATABASE_URL: database.url });
  const running = await listenOnLoopback(await createRelayApp(config, options), config);
  return {
    ...running,
    close: async () => {
      await running.close();
      await database?.drop();
    },
  };
}

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string>;
}

const RELAY_MAIN = fileURLToPath(new URL('../../../services/svix-relay/dist/main.js', import.meta.url));

/** The relay as production runs it: `node dist/main.js` with env, in its own process. */
export async function spawnRelay(env: Record<string, string>, port: number): Promise<RelayProcess> {
  const child = spawn(process.execPath, [RELAY_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: env.LOG_LEVEL === 'silent' ? 'warn' : (env.LOG_LEVEL ?? 'warn'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`relay exited early: ${output}`);
      return (await fetch(`${url}/health/live`)).ok;
    },
    { timeoutMs: 30_000, what: 'the relay process to listen' },
  );
  return { child, url, output: () => output, exited };
}

/** A gateway event of `type` from its contract's example, for the given org, session and connection. */
export function makeEvent<T extends EventType>(
  type: T,
  options: { orgId: string; subject: string; connection?: string; id?: string; data?: Record<string, unknown> },
): GatewayEvent<T> {
  const contract = getEventContract(type);
  const data = { ...structuredClone(contract.example), org_id: options.orgId, [contract.keyField]: options.subject } as Record<string, unknown>;
  if (options.connection !== undefined && 'connection_name' in data) data.connection_name = options.connection;
  return buildEvent<T>({ type, data: { ...data, ...options.data } as never, ...(options.id === undefined ? {} : { id: options.id }) });
}

export async function produceEvents(producer: EventProducer, events: readonly GatewayEvent[]): Promise<void> {
  await producer.send(events.map((event) => encodeEvent(event)));
}

/**
 * Commits a new group's offsets at the current end of the gateway topics, so a relay
 * under test does not replay every earlier test's events (it would only filter them).
 * One short-lived member joins the group and commits (kafkajs' admin.setOffsets joins
 * once per topic and waits for a full fetch each time).
 */
export async function startGroupAtEnd(kafka: Kafka, admin: Admin, groupId: string): Promise<void> {
  const ends: { topic: string; partition: number; offset: string }[] = [];
  for (const topic of CONSUMED_TOPICS) {
    // A just-created topic may not have its leaders yet: retry until it answers.
    const offsets = await pollUntil(() => admin.fetchTopicOffsets(topic), { what: `offsets of ${topic}` });
    for (const offset of offsets) ends.push({ topic, partition: offset.partition, offset: offset.high });
  }
  await pollUntil(() => commitAsMember(kafka, groupId, ends), { timeoutMs: 60_000, what: `group ${groupId} to commit its start offsets` });
}

/**
 * Joins `groupId`, commits `offsets`, leaves. kafkajs restarts a crashed consumer on its own,
 * even once disconnect() has returned: on a broker that has just started, the first join
 * crashes ("the coordinator is loading"), and the restarted consumer then stayed in the group
 * for good, holding half the partitions away from the relay joining next. So restarts are
 * off, and a crash is a failed try that pollUntil repeats with a new consumer.
 */
async function commitAsMember(kafka: Kafka, groupId: string, offsets: { topic: string; partition: number; offset: string }[]): Promise<true> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 3, restartOnFailure: () => Promise.resolve(false) } });
  const joined = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
  });
  joined.catch(() => undefined);
  try {
    await consumer.connect();
    for (const topic of CONSUMED_TOPICS) await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachMessage: () => Promise.resolve() });
    await joined;
    await consumer.commitOffsets(offsets);
    return true;
  } finally {
    await consumer.disconnect();
  }
}

/** Ensures the gateway topics exist before offsets are read. */
export async function ensureGatewayTopics(admin: Admin): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = CONSUMED_TOPICS.filter((topic) => !existing.has(topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 6 })), waitForLeaders: true });
}

/** The client and a connected admin every relay test starts with, the gateway topics in place; the caller disconnects the admin. */
export async function connectGatewayKafka(): Promise<{ kafka: Kafka; admin: Admin }> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureGatewayTopics(admin);
  } catch (error) {
    await admin.disconnect();
    throw error;
  }
  return { kafka, admin };
}

// The relay's tests read the sum of the matching series (0 when absent).
export { metricTotal as metricValue } from '../support/metrics.js';

/** Calls the management API with a token (admin by default). */
export async function api(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = ADMIN_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** What a relay test starts from: a Svix stand-in, a receiver for its endpoints, a throw-away database, the gateway topics, and a group positioned at their end. */
export interface RelayStage {
  readonly standIn: SvixStandIn;
  readonly receiver: WebhookReceiver;
  readonly database: TestDatabase;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Produces gateway events on the stage's client (connects on first send). */
  readonly producer: EventProducer;
  /** A fresh group id, already committed at the end of every consumed topic (unless `positionGroup: false`). */
  readonly groupId: string;
  /** Disconnects the producer and the admin, drops the database, stops the receiver and the stand-in. */
  close(): Promise<void>;
}

/** Starts a `RelayStage`; `name` (say `relay_e2e`) names the database (`relay_e2e_…`) and the group (`relay-e2e-…`). */
export async function startRelayStage(name: string, options: SvixStandInOptions & { positionGroup?: boolean } = {}): Promise<RelayStage> {
  const { positionGroup = true, ...standInOptions } = options;
  const standIn = await SvixStandIn.start(standInOptions);
  let receiver: WebhookReceiver | undefined;
  let database: TestDatabase | undefined;
  let admin: Admin | undefined;
  try {
    receiver = await WebhookReceiver.start();
    database = await createTestDatabase(name);
    const connected = await connectGatewayKafka();
    admin = connected.admin;
    const groupId = uniqueId(name.replaceAll('_', '-'));
    if (positionGroup) await startGroupAtEnd(connected.kafka, admin, groupId);
    const stage = { admin, database, receiver, standIn, producer: newProducer(connected.kafka) };
    return { ...stage, kafka: connected.kafka, groupId, close: () => closeAll(stage.producer, stage.admin, stage.database, stage.receiver, stage.standIn) };
  } catch (error) {
    await closeAll(admin, database, receiver, standIn).catch(() => undefined);
    throw error;
  }
}

/** A `RelayStage` with a relay running on it (in-process, the stage's group and Svix stand-in). */
export interface RelayStageWithRelay extends RelayStage {
  readonly relay: RunningRelay;
}

export async function startRelayOnStage(name: string, options: SvixStandInOptions = {}): Promise<RelayStageWithRelay> {
  const stage = await startRelayStage(name, options);
  try {
    const relay = await startRelay(relayEnv(stage.standIn, stage.database.url, stage.groupId));
    return { ...stage, relay, close: () => closeAll(relay, stage) };
  } catch (error) {
    await stage.close().catch(() => undefined);
    throw error;
  }
}

export function newProducer(kafka: Kafka): EventProducer {
  return new EventProducer({ client: kafka });
}

/** The dead letter of `eventId` on the sessions topic's DLQ, read from the given offsets (partition → offset). */
export async function readDeadLetter(kafka: Kafka, eventId: string, from: ReadonlyMap<number, string>): Promise<KafkaMessage> {
  let found: KafkaMessage | undefined;
  const topic = dlqTopic(TOPICS.gatewaySessions);
  const consumer = kafka.consumer({ groupId: uniqueId('relay-test-dlq'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.headers?.ce_id?.toString() === eventId) found = message;
        return Promise.resolve();
      },
    });
    for (const [partition, offset] of from) consumer.seek({ topic, partition, offset });
    return await pollUntil(() => found, { timeoutMs: 20_000, what: `the dead letter of ${eventId}` });
  } finally {
    await consumer.disconnect();
  }
}
