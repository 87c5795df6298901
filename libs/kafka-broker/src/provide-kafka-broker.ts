import { LocalKafkaBroker, type LocalKafkaBrokerOptions } from './local-kafka-broker.js';
import { dockerEngineReachable, startContainerKafkaBroker } from './testcontainers-kafka-broker.js';

export type KafkaBrokerKind = 'external' | 'testcontainers' | 'local';

export interface KafkaBrokerHandle {
  brokers: string[];
  kind: KafkaBrokerKind;
  /** Where to look when the broker misbehaves (local broker only). */
  logFile?: string;
  /** The broker's JVM process id (local broker only), e.g. for a benchmark's CPU accounting. */
  pid?: number;
  /** Stops what this call started; a no-op for an external broker. */
  stop(): Promise<void>;
}

export interface ProvideKafkaBrokerOptions extends LocalKafkaBrokerOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * A real Kafka broker for tests, `npm start` and benchmarks:
 * KAFKA_BROKERS when set; else Testcontainers when a Docker engine answers;
 * else a local KRaft broker from Maven Central jars.
 * HOOKLINE_KAFKA=local|testcontainers forces one of the last two.
 */
export async function provideKafkaBroker(options: ProvideKafkaBrokerOptions = {}): Promise<KafkaBrokerHandle> {
  const env = options.env ?? process.env;
  const external = env['KAFKA_BROKERS']?.trim();
  if (external) {
    const brokers = external
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    return { brokers, kind: 'external', stop: () => Promise.resolve() };
  }
  const forced = env['HOOKLINE_KAFKA'];
  if (forced !== 'local' && (forced === 'testcontainers' || (await dockerEngineReachable(env)))) {
    const container = await startContainerKafkaBroker();
    return { brokers: container.brokers, kind: 'testcontainers', stop: () => container.stop() };
  }
  const broker = await new LocalKafkaBroker(options).start();
  const pid = broker.pid;
  return { brokers: broker.brokers, kind: 'local', logFile: broker.logFile, ...(pid === undefined ? {} : { pid }), stop: () => broker.stop() };
}
