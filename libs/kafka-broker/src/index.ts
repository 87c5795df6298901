export { KAFKA_VERSION, KAFKA_IMAGE, DEFAULT_LOCAL_PORT, BROKER_ADMIN_USER } from './kafka-version.constant.js';
export { hooklineCacheDir } from './cache-dir.js';
export { ensureKafkaDistribution, type KafkaDistribution } from './maven-kafka-distribution.js';
export {
  LocalKafkaBroker,
  type KafkaBrokerUser,
  type LocalKafkaBrokerOptions,
  type SecureClientOptions,
  type SecureListenerOptions,
} from './local-kafka-broker.js';
export type { BrokerTls, ClientCertificate } from './broker-tls.js';
export { dockerEngineReachable, startContainerKafkaBroker, type ContainerKafkaBroker } from './testcontainers-kafka-broker.js';
export { provideKafkaBroker, type KafkaBrokerHandle, type KafkaBrokerKind, type ProvideKafkaBrokerOptions } from './provide-kafka-broker.js';
export { freePort, portAccepts } from './free-port.js';
