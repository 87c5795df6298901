// kafkajs is CommonJS: Node's ESM loader only detects some of its exports by name
// (CompressionCodecs and the error classes are missing), so runtime values come
// from the default export, here, once. Types still come from 'kafkajs' directly.
import kafkajs from 'kafkajs';

export const {
  Kafka,
  CompressionCodecs,
  CompressionTypes,
  ConfigResourceTypes,
  ConfigSource,
  Partitioners,
  logLevel,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSConnectionError,
  KafkaJSRequestTimeoutError,
  KafkaJSTimeout,
  KafkaJSBrokerNotFound,
  KafkaJSProtocolError,
} = kafkajs;
