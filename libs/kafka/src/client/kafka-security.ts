import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaSecurityConfig } from './kafka-security.settings.js';

/**
 * kafkajs's `ssl` and `sasl` options from the KAFKA_SSL_* and KAFKA_SASL_* settings (already
 * validated by loadConfig). Files are read here, once per client.
 */
export function kafkaSecurityOptions(security: KafkaSecurityConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.KAFKA_SSL) {
    const tls: ConnectionOptions = { rejectUnauthorized: true };
    if (security.KAFKA_SSL_CA_FILE !== undefined) tls.ca = readFileSync(security.KAFKA_SSL_CA_FILE, 'utf8');
    if (security.KAFKA_SSL_CERT_FILE !== undefined) tls.cert = readFileSync(security.KAFKA_SSL_CERT_FILE, 'utf8');
    if (security.KAFKA_SSL_KEY_FILE !== undefined) tls.key = readFileSync(security.KAFKA_SSL_KEY_FILE, 'utf8');
    options.ssl = tls;
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = security;
  if (mechanism !== undefined) {
    // loadConfig refuses a mechanism without both; this guards a hand-built config.
    if (username === undefined || password === undefined)
      throw new Error(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    options.sasl = saslOptions(mechanism, username, password);
  }
  return options;
}

function saslOptions(mechanism: NonNullable<KafkaSecurityConfig['KAFKA_SASL_MECHANISM']>, username: string, password: string): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}
