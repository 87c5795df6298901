// The only door into @hookline/kafka. Importing it registers the Snappy, LZ4 and
// ZSTD codecs with kafkajs, so any client's compressed records can be read.
import './codecs/compression.codecs.js';

export {
  DLQ_HEADERS,
  DLQ_TOPIC_SUFFIX,
  CLOUDEVENTS_TYPE_HEADER,
  CLIENT_DEFAULTS,
  PRODUCER_DEFAULTS,
  CONSUMER_DEFAULTS,
  KAFKA_SASL_MECHANISMS,
} from './kafka.constant.js';
export {
  createKafkaClient,
  kafkaClientFromSettings,
  kafkaClientProvider,
  parseBrokers,
  type KafkaClientOptions,
  type KafkaLogLevel,
  type KafkaServiceSettings,
} from './client/create-kafka-client.js';
export { kafkaSecuritySettings, checkKafkaSecurity, type KafkaSecurityConfig } from './client/kafka-security.settings.js';
export { kafkaSecurityOptions } from './client/kafka-security.js';
export type { KafkaClientInput } from './client/kafka-client-input.js';
export { silentKafkaLogger, type KafkaLogger } from './client/kafka-logger.interface.js';
export type { CompressionName } from './client/compression-type.js';
export { registerCompressionCodecs, snappyCodec, lz4Codec, zstdCodec, type KafkaCompressionCodec } from './codecs/compression.codecs.js';
export { KafkaUnavailableError } from './errors/kafka-unavailable.error.js';
export { PermanentError } from './errors/permanent.error.js';
export { TransientError } from './errors/transient.error.js';
export { headerValue, type KafkaRecord, type ProduceRecord, type RecordHeaders } from './record/kafka-record.js';
export { EventProducer, type EventProducerOptions, type EventProducerStats } from './producer/event-producer.js';
export type { RecordSender } from './producer/record-sender.interface.js';
export type { ProducerObserver, SendOutcome } from './producer/producer-observer.interface.js';
export { ConsumerRunner, type ConsumerRunnerOptions, type RecordConsumer, type RecordConsumerOptions } from './consumer/consumer-runner.js';
export type { ConsumerObserver, RecordContext, RecordHandler, RecordOutcome } from './consumer/record-processor.js';
export { untilStarted, type UntilStartedOptions } from './consumer/until-started.js';
export { defaultClassify, type ErrorClass } from './consumer/error-classifier.js';
export { deadLetterTopicOf } from './consumer/dead-letter.publisher.js';
export type { RetryPolicy } from './consumer/retry-policy.js';
export { ensureTopics, type EnsureTopicsResult, type TopicSpec } from './admin/ensure-topics.js';
export { checkKafka, type KafkaHealth } from './admin/check-kafka.js';
// kafkajs' enums as runtime values (under Node's ESM loader they are types only when imported from 'kafkajs').
export { ConfigResourceTypes, ConfigSource } from './client/kafkajs.runtime.js';
