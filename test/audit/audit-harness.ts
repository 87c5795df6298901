// Starts the audit service in-process on 127.0.0.1:0 against KAFKA_BROKERS and a
// throw-away PostgreSQL database, and the helpers its integration tests share:
// producing gateway events and result records (with the contracts' codecs), querying.
import { randomBytes } from 'node:crypto';
import {
  buildEvent,
  encodeEvent,
  getEventContract,
  hookExecutionRecordCodec,
  svixPublicationRecordCodec,
  type EventType,
  type GatewayEvent,
  type IngestEventInput,
  type HookExecutionRecord,
  type SvixPublicationRecord,
} from '@hookline/contracts';
import { exampleHookExecution } from '@hookline/contracts/testing';
import { LOCAL_TEST_DATABASE_URL, createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import { createKafkaClient, EventProducer, silentKafkaLogger, type ProduceRecord } from '@hookline/kafka';
import { loadConfig } from '@hookline/observability';
import { auditSettings, createAuditApp, type AuditConfig } from '@hookline/audit';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { SvixStandIn, WebhookReceiver, type SvixStandInOptions } from '@hookline/tools/svix-stand-in';
import { closeAll } from '../support/close-all.js';
import { listenOnLoopback, type RunningApp } from '../support/running-app.js';
import { pollUntil } from '@hookline/kafka/testing';

export const ADMIN_TOKEN = 'audit-admin-token-0123456789';
export const AUDITOR_TOKEN = 'audit-auditor-token-9876543210';
export const NO_BROKER_SKIP = 'KAFKA_BROKERS is not set: the audit integration tests need a real Kafka broker';
export const brokersFromEnv: string | undefined = process.env.KAFKA_BROKERS?.trim() || undefined;
/** An operational-webhook secret as Svix issues them: whsec_ + base64. */
export const OPERATIONAL_SECRET = `whsec_${Buffer.from('hookline-audit-test-secret-0123').toString('base64')}`;

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export type RunningAudit = RunningApp<AuditConfig>;

/** One entry of GET /v1/sessions/{sid}/timeline. */
export interface TimelineEntry {
  time: string;
  kind: string;
  event_id: string | null;
  event_type: string | null;
  detail: Record<string, unknown>;
}

/** Starts the audit service; `env` overrides the test defaults (a consumer group of its own, fast refreshes). */
export async function startAudit(env: Record<string, string>): Promise<RunningAudit> {
  const config = loadConfig(auditSettings, {
    KAFKA_BROKERS: brokersFromEnv ?? '',
    ADMIN_TOKENS: ADMIN_TOKEN,
    AUDITOR_TOKENS: AUDITOR_TOKEN,
    SVIX_OPERATIONAL_WEBHOOK_SECRET: OPERATIONAL_SECRET,
    METRICS_REFRESH_SECONDS: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  return listenOnLoopback(await createAuditApp(config), config);
}

/** A throw-away database and a pg pool on it, for assertions on what was stored. */
export async function testDatabase(): Promise<TestDatabase & { pool: pg.Pool; count(sql: string, params?: unknown[]): Promise<number> }> {
  const database = await createTestDatabase('audit_test');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    ...database,
    pool,
    count: async (sql, params = []) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0),
    drop: async () => {
      await pool.end();
      // pg's pool.end() resolves before its sockets close; DROP ... WITH (FORCE) would then
      // terminate them mid-close and their clients would throw. Wait for the sessions to go.
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? LOCAL_TEST_DATABASE_URL });
      await admin.connect();
      try {
        await pollUntil(
          async () =>
            Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database.name])).rows[0]?.n) === 0,
          {
            timeoutMs: 10_000,
            intervalMs: 50,
            what: `sessions on ${database.name} to close`,
          },
        ).catch(() => undefined);
      } finally {
        await admin.end();
      }
      await database.drop();
    },
  };
}

export function testKafka(): Kafka {
  if (brokersFromEnv === undefined) throw new Error(NO_BROKER_SKIP);
  return createKafkaClient({ brokers: brokersFromEnv, clientId: uniqueId('audit-test'), logger: silentKafkaLogger, logLevel: 'nothing' });
}

/** A valid gateway event of `type` from its contract's example, for subject `subject`. */
export function gatewayEvent(type: EventType, subject: string, time: Date, extra: Record<string, unknown> = {}): GatewayEvent {
  const contract = getEventContract(type);
  const data = { ...(structuredClone(contract.example) as Record<string, unknown>), [contract.keyField]: subject, ...extra };
  return buildEvent({ type, data, time: time.toISOString() } as IngestEventInput);
}

export function hookExecution(event: GatewayEvent, overrides: Partial<HookExecutionRecord> = {}): HookExecutionRecord {
  const data = event.data as { org_id: string };
  const hook = event.type === 'session.open' ? 'session-open' : 'session-close';
  const started = new Date(Date.parse(event.time) + 1_000);
  return exampleHookExecution({
    event_id: event.id,
    event_type: event.type as 'session.open' | 'session.close',
    event_time: event.time,
    sid: event.subject,
    org_id: data.org_id,
    hook,
    hook_path: `hoop-hooks/${hook}.runbook.py`,
    outcome: 'success',
    started_at: started.toISOString(),
    duration_ms: 120,
    exit_code: 0,
    stdout: { text: 'sent to SIEM\n', truncated: false, bytes: 13 },
    ...overrides,
  });
}

export function publication(event: GatewayEvent, svixAppId: string, svixMessageId: string, publishedAt: Date): SvixPublicationRecord {
  const data = event.data as { org_id: string; connection_name?: string };
  return {
    event_id: event.id,
    event_type: event.type,
    event_time: event.time,
    key: event.subject,
    sid: event.type === 'dbroles.job.finished' ? null : event.subject,
    org_id: data.org_id,
    connection_name: data.connection_name ?? null,
    svix_app_id: svixAppId,
    svix_message_id: svixMessageId,
    already_published: false,
    published_at: publishedAt.toISOString(),
  };
}

/** Produces gateway events and result records (each validated by its codec), acks=all. */
export class RecordWriter {
  private readonly producer: EventProducer;

  constructor(client: Kafka) {
    this.producer = new EventProducer({ client });
  }

  async send(items: readonly (GatewayEvent | { hook: HookExecutionRecord } | { publication: SvixPublicationRecord })[]): Promise<void> {
    const records: ProduceRecord[] = items.map((item) => {
      const encoded =
        'hook' in item
          ? hookExecutionRecordCodec.encode(item.hook)
          : 'publication' in item
            ? svixPublicationRecordCodec.encode(item.publication)
            : encodeEvent(item);
      return { topic: encoded.topic, key: encoded.key, value: encoded.value, headers: encoded.headers };
    });
    await this.producer.send(records);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

export async function getJson(url: string, token: string | null = ADMIN_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${url} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body };
}

// metricValue: the first matching series (undefined when absent); metricSum: every series summed.
export { firstMetricValue as metricValue, metricTotal as metricSum } from '../support/metrics.js';

/** What the delivery-attempt tests start from: an audit database, a Svix stand-in, and two endpoints' receivers, one healthy and one answering an error. */
export interface DeliveryStage {
  readonly db: Awaited<ReturnType<typeof testDatabase>>;
  readonly standIn: SvixStandIn;
  readonly healthy: WebhookReceiver;
  readonly broken: WebhookReceiver;
  close(): Promise<void>;
}

export async function startDeliveryStage(standInOptions: SvixStandInOptions, brokenStatus: number): Promise<DeliveryStage> {
  const db = await testDatabase();
  let standIn: SvixStandIn | undefined;
  let healthy: WebhookReceiver | undefined;
  try {
    standIn = await SvixStandIn.start(standInOptions);
    healthy = await WebhookReceiver.start();
    const broken = await WebhookReceiver.start();
    broken.answerWith(brokenStatus);
    const opened = { standIn, healthy, broken };
    return { db, ...opened, close: () => closeAll(opened.standIn, opened.healthy, opened.broken, db) };
  } catch (error) {
    await closeAll(standIn, healthy, db).catch(() => undefined);
    throw error;
  }
}
