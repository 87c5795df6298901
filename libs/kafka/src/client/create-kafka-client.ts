import type { Kafka as KafkaClient, KafkaConfig, logLevel as KafkaJsLogLevel, RetryOptions } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.runtime.js';
import { CLIENT_DEFAULTS } from '../kafka.constant.js';
import '../codecs/compression.codecs.js';
import { kafkaLogCreator } from './kafka-log-creator.js';
import type { KafkaLogger } from './kafka-logger.interface.js';
import { kafkaSecurityOptions } from './kafka-security.js';
import type { KafkaSecurityConfig } from './kafka-security.settings.js';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug' | 'nothing';

export interface KafkaClientOptions {
  /** `host:port` list, or one comma-separated string (as in KAFKA_BROKERS). */
  brokers: readonly string[] | string;
  clientId: string;
  logger?: KafkaLogger;
  /** Default 'info': joins, rebalances and connection errors are worth seeing. */
  logLevel?: KafkaLogLevel;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  /** A service's KAFKA_SSL_* and KAFKA_SASL_* settings; `ssl`/`sasl` below win over them. */
  security?: KafkaSecurityConfig;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
}

const LOG_LEVELS: Record<KafkaLogLevel, KafkaJsLogLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
  nothing: logLevel.NOTHING,
};

export function parseBrokers(brokers: readonly string[] | string): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter((b) => b.length > 0);
  if (list.length === 0) throw new Error('Kafka brokers: at least one host:port is required');
  return list;
}

/**
 * A kafkajs client with bounded timeouts and retries, logs routed to `logger`, and TLS and
 * SASL from the service's settings. Every Kafka connection of a service (producers, consumers,
 * admin and topic set-up, dead-letter producers) comes from this one client.
 * Importing @hookline/kafka has already registered the Snappy, LZ4 and ZSTD codecs.
 */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const security = options.security !== undefined ? kafkaSecurityOptions(options.security) : {};
  const ssl = options.ssl ?? security.ssl;
  const sasl = options.sasl ?? security.sasl;
  return new Kafka({
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    connectionTimeout: options.connectionTimeoutMs ?? CLIENT_DEFAULTS.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
    retry: { ...CLIENT_DEFAULTS.retry, ...options.retry },
    logLevel: LOG_LEVELS[options.logLevel ?? 'info'],
    // Without a logger kafkajs keeps its own JSON console logger.
    ...(options.logger !== undefined ? { logCreator: kafkaLogCreator(options.logger) } : {}),
    ...(ssl !== undefined ? { ssl } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
  });
}

/** The KAFKA_* settings every service has. */
export interface KafkaServiceSettings extends KafkaSecurityConfig {
  KAFKA_BROKERS: readonly string[] | string;
  KAFKA_CLIENT_ID: string;
}

/** A service's one kafkajs client, from its settings; kafkajs logs through the service's logger (pino fits). */
export function kafkaClientFromSettings(settings: KafkaServiceSettings, logger: { child(bindings: object): KafkaLogger }): KafkaClient {
  return createKafkaClient({
    brokers: settings.KAFKA_BROKERS,
    clientId: settings.KAFKA_CLIENT_ID,
    security: settings,
    logger: logger.child({ context: 'kafkajs' }),
  });
}

/**
 * The Nest provider of a service's one kafkajs client under `token`, built from the settings
 * under `configToken` and the logger class `loggerToken` (nestjs-pino's PinoLogger: its pino
 * `logger`). A plain object, so this lib needs no Nest import.
 */
export function kafkaClientProvider(
  token: symbol,
  configToken: symbol | string,
  loggerToken: abstract new (...args: never[]) => { logger: { child(bindings: object): KafkaLogger } },
): {
  provide: symbol;
  inject: [symbol | string, typeof loggerToken];
  useFactory: (settings: KafkaServiceSettings, logger: { logger: { child(bindings: object): KafkaLogger } }) => KafkaClient;
} {
  return { provide: token, inject: [configToken, loggerToken], useFactory: (settings, logger) => kafkaClientFromSettings(settings, logger.logger) };
}
