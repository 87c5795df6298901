import { kafkaSecuritySettings } from '@hookline/kafka';
import {
  commaSeparated,
  defineSettings,
  kafkaClientSettings,
  listenSettings,
  parseAllowEntry,
  roleTokenSettings,
  setting,
  svixApiSettings,
  type ConfigOf,
} from '@hookline/observability';
import { z } from 'zod';
import { DEFAULT_PORT } from '../relay.constant.js';

const allowList = commaSeparated.pipe(z.array(z.string().refine((entry) => parseAllowEntry(entry) !== undefined)));

/** Every environment variable the svix-relay reads; validated before Nest starts. */
export const relaySettings = defineSettings({
  ...listenSettings(DEFAULT_PORT, 'the management API, /docs, /health and /metrics'),
  ...kafkaClientSettings('hookline-svix-relay'),
  ...kafkaSecuritySettings,
  KAFKA_GROUP_ID: setting.text({ description: 'Consumer group of the relay on gateway.sessions.v1 and gateway.dbroles.v1.', default: 'hookline-svix-relay' }),
  KAFKA_TOPIC_PARTITIONS: setting.positiveInt({ description: 'Partitions of the topics ensured at start (when they do not exist yet).', default: 6 }),
  RELAY_KEY_CONCURRENCY: setting.positiveInt({
    description:
      'Events worked on at once, each of a different session or job (database, Svix). Keep it well above SVIX_CONCURRENCY: an event holds its slot for its database work as well as its Svix call.',
    default: 256,
  }),
  SVIX_CONCURRENCY: setting.positiveInt({ description: 'Svix API calls made at once while publishing (the load the relay puts on Svix).', default: 16 }),
  ...svixApiSettings('Svix API token. Unset: publishing is off and the relay consumes nothing (events wait in Kafka).'),
  SVIX_REQUEST_TIMEOUT_MS: setting.positiveInt({
    description: 'Longest a Svix API call may wait to connect, for the answer, or for the rest of its body, before it counts as a failure and is retried.',
    default: 10_000,
  }),
  SVIX_RETRY_INITIAL_MS: setting.positiveInt({
    description: 'First backoff after Svix failed (unreachable, timeout, 429, 5xx); doubles each retry, with jitter.',
    default: 500,
  }),
  SVIX_RETRY_MAX_MS: setting.positiveInt({ description: 'Longest backoff between retries of one event.', default: 30_000 }),
  DATABASE_URL: setting.url({
    description: 'PostgreSQL holding the webhooks plugin connections (postgres://…); `npm start` serves an embedded one.',
    protocols: ['postgres', 'postgresql'],
    sensitive: true,
  }),
  PLUGIN_REFRESH_MS: setting.positiveInt({
    description: 'How often each relay re-reads the plugin connections from the database (a change made on another instance takes effect within this).',
    default: 2_000,
  }),
  SESSION_RETENTION_HOURS: setting.positiveInt({
    description: 'How long the connection of a session (learnt from its session.open) is kept for its session.close; longer than any session lasts.',
    default: 720,
  }),
  ...roleTokenSettings({
    admin: 'Bearer tokens that may read and change everything through the management API, comma-separated.',
    auditor: 'Bearer tokens that may only read through the management API, comma-separated.',
  }),
  ENDPOINT_URL_ALLOW: setting.custom(allowList, 'a comma-separated list of CIDR blocks, IP addresses and host names', {
    description:
      'Receivers endpoint URLs may point at although they are private: CIDR blocks (10.1.2.0/24, fd00::/8), addresses and host names (matched exactly). Unset: endpoint URLs must resolve to public addresses only (no loopback, private, link-local, CGNAT, multicast or cloud metadata).',
    optional: true,
  }),
  LOG_LEVEL: setting.logLevel(),
});

export type RelayConfig = ConfigOf<typeof relaySettings>;

/**
 * Said at start when RELAY_KEY_CONCURRENCY leaves Svix slots unused: an event holds its key
 * slot for its database work and its Svix call, so with fewer than twice SVIX_CONCURRENCY
 * slots the SVIX_CONCURRENCY calls cannot all be in flight.
 */
export function keySlotsAdvice(config: Pick<RelayConfig, 'RELAY_KEY_CONCURRENCY' | 'SVIX_CONCURRENCY'>): string | undefined {
  const enough = 2 * config.SVIX_CONCURRENCY;
  if (config.RELAY_KEY_CONCURRENCY >= enough) return undefined;
  return (
    `RELAY_KEY_CONCURRENCY (${config.RELAY_KEY_CONCURRENCY}) is below twice SVIX_CONCURRENCY (${config.SVIX_CONCURRENCY}): ` +
    'each event keeps its slot for its database work as well as its Svix call, so some Svix calls will not be made at once; ' +
    `raise RELAY_KEY_CONCURRENCY to at least ${enough}`
  );
}
