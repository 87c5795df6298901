import { setting } from './setting-builders.js';
import { distinctValues, withRules } from './settings-rule.js';

/** PORT, HOST and MANAGEMENT_PORT: where a service listens. `serves` completes "HTTP port of …". */
export function listenSettings(defaultPort: number, serves: string) {
  return {
    PORT: setting.port({ description: `HTTP port of ${serves}.`, default: defaultPort }),
    HOST: setting.text({ description: 'Address the HTTP server binds to.', default: '0.0.0.0' }),
    MANAGEMENT_PORT: setting.managementPort(),
  };
}

/**
 * ADMIN_TOKENS and AUDITOR_TOKENS: the bearer tokens of the two roles of a management or
 * query API (auditors optional); a token listed in both refuses the start.
 */
export function roleTokenSettings(descriptions: { readonly admin: string; readonly auditor: string }) {
  return {
    ADMIN_TOKENS: withRules(setting.tokens({ description: descriptions.admin, sensitive: true }), distinctValues('ADMIN_TOKENS', 'AUDITOR_TOKENS')),
    AUDITOR_TOKENS: setting.tokens({ description: descriptions.auditor, sensitive: true, optional: true }),
  };
}

/** SVIX_AUTH_TOKEN (optional: unset turns the service's Svix calls off) and SVIX_SERVER_URL. */
export function svixApiSettings(
  tokenDescription: string,
  serverUrlDescription = 'URL of a self-hosted Svix server; unset: Svix SaaS (region from the token).',
) {
  return {
    SVIX_AUTH_TOKEN: setting.text({ description: tokenDescription, sensitive: true, optional: true }),
    SVIX_SERVER_URL: setting.url({ description: serverUrlDescription, optional: true }),
  };
}

/** KAFKA_BROKERS and KAFKA_CLIENT_ID (spread beside libs/kafka's kafkaSecuritySettings). */
export function kafkaClientSettings(defaultClientId: string) {
  return {
    KAFKA_BROKERS: setting.list({ description: 'Kafka bootstrap brokers, comma-separated host:port.' }),
    KAFKA_CLIENT_ID: setting.text({ description: 'Kafka client id (shows in broker logs and quotas).', default: defaultClientId }),
  };
}
