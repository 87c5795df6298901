// The whole pipeline for tests that cross every service: producer, hook-executor (runbooks from
// a local git repository), svix-relay (to a Svix stand-in whose endpoints reach a SIEM receiver)
// and audit, each with a throw-away database where it keeps one.
import { startAudit, testDatabase, type RunningAudit } from '../audit/audit-harness.js';
import { SvixStandIn, WebhookReceiver } from '@hookline/tools/svix-stand-in';
import { startExecutor, type RunningExecutor } from '../hook-executor/executor-harness.js';
import { RunbooksFixture } from '../hook-executor/runbooks-fixture.js';
import { startProducer, type RunningProducer } from '../producer/producer-harness.js';
import { relayEnv, startRelay, type RunningRelay } from '../svix-relay/relay-harness.js';
import { closeAll, type Closable } from './close-all.js';

type Service = 'producer' | 'executor' | 'relay' | 'audit';

export interface PipelineOptions {
  /** The runbooks repository's files (path → content), committed once. */
  readonly hooks: Readonly<Record<string, string>>;
  readonly executorGroup: string;
  readonly relayGroup: string;
  readonly auditGroup: string;
  readonly executorLogLevel: string;
  /** Each service's Kafka settings, when not the test broker's defaults (a secured broker). */
  readonly kafkaEnv?: Partial<Record<Service, Record<string, string>>>;
  /** More audit settings (its Svix, polling), given the stand-in. */
  readonly auditEnv?: (standIn: SvixStandIn) => Record<string, string>;
}

export interface Pipeline {
  readonly standIn: SvixStandIn;
  readonly receiver: WebhookReceiver;
  readonly runbooks: RunbooksFixture;
  /** The runbooks commit the hooks run from. */
  readonly commit: string;
  readonly producer: RunningProducer;
  readonly executor: RunningExecutor;
  readonly relay: RunningRelay;
  readonly audit: RunningAudit;
  /** Stops the services, then drops their databases and closes the stand-ins and the repository. */
  close(): Promise<void>;
}

export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const kafkaEnv = (service: Service): Record<string, string> => options.kafkaEnv?.[service] ?? {};
  // What is open so far, in the order it must close: a start that fails half-way leaks nothing.
  const services: Closable[] = [];
  const resources: Closable[] = [];
  const opened = <T extends Closable>(list: Closable[], resource: T): T => {
    list.unshift(resource);
    return resource;
  };
  const close = () => closeAll(...services, ...resources);
  try {
    const standIn = opened(resources, await SvixStandIn.start());
    const receiver = opened(resources, await WebhookReceiver.start());
    const runbooks = opened(resources, RunbooksFixture.create());
    const commit = runbooks.commit({ ...options.hooks });
    const relayDb = opened(resources, await testDatabase());
    const auditDb = opened(resources, await testDatabase());
    const executor = opened(
      services,
      await startExecutor({
        groupId: options.executorGroup,
        env: { ...kafkaEnv('executor'), RUNBOOKS_GIT_URL: runbooks.fileUrl, GIT_HOOK_CONFIG_TTL: '60', LOG_LEVEL: options.executorLogLevel },
      }),
    );
    const relay = opened(services, await startRelay(relayEnv(standIn, relayDb.url, options.relayGroup, kafkaEnv('relay'))));
    const audit = opened(
      services,
      await startAudit({ ...kafkaEnv('audit'), DATABASE_URL: auditDb.url, KAFKA_GROUP_ID: options.auditGroup, ...options.auditEnv?.(standIn) }),
    );
    const producer = opened(services, await startProducer(kafkaEnv('producer')));
    return { standIn, receiver, runbooks, commit, producer, executor, relay, audit, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
