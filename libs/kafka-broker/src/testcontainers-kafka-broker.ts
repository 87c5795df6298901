import { existsSync } from 'node:fs';
import { freePort } from './free-port.js';
import { BROKER_READY_TIMEOUT_MS, KAFKA_IMAGE } from './kafka-version.constant.js';

/** Is a Docker engine reachable? Cheap checks first so machines without one pay nothing. */
export async function dockerEngineReachable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env['DOCKER_HOST'] && !existsSync('/var/run/docker.sock') && !existsSync(`${env['HOME'] ?? ''}/.docker/run/docker.sock`)) {
    return false;
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000).unref());
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return true;
  } catch {
    return false;
  }
}

export interface ContainerKafkaBroker {
  brokers: string[];
  stop(): Promise<void>;
}

/**
 * The apache/kafka image through Testcontainers. The host port is chosen before the
 * container starts so the advertised listener can name it (the image reads KAFKA_* env).
 */
export async function startContainerKafkaBroker(): Promise<ContainerKafkaBroker> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage('Kafka Server started'))
    .withStartupTimeout(BROKER_READY_TIMEOUT_MS)
    .start();
  return {
    brokers: [`127.0.0.1:${port}`],
    stop: async () => {
      await container.stop();
    },
  };
}
