import { kafkaSecuritySettings } from '@hookline/kafka';
import { defineSettings, setting, type ConfigOf } from '@hookline/observability';
import { LIMITS } from '@hookline/contracts';
import { z } from 'zod';
import { INGEST_TOKEN_MIN_LENGTH } from '../auth/auth.constant.js';
import { DEFAULT_PORT } from './producer.constant.js';

// Tokens travel in an Authorization header: visible ASCII only (no spaces, no commas,
// which separate them here), and long enough not to be guessed.
const TOKEN_PATTERN = new RegExp(`^[\\x21-\\x2B\\x2D-\\x7E]{${INGEST_TOKEN_MIN_LENGTH},}$`);

const ingestTokens = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter((item) => item !== ''))
  .pipe(z.array(z.string().regex(TOKEN_PATTERN)).min(1));

// <org_id>=<token>, split at the first "=": an org id is an identifier without "=" or ",".
const ORG_TOKEN_ENTRY = new RegExp(`^([\\x21-\\x2B\\x2D-\\x3C\\x3E-\\x7E]{1,${LIMITS.idLength}})=([\\x21-\\x2B\\x2D-\\x7E]{${INGEST_TOKEN_MIN_LENGTH},})$`);

const ingestOrgTokens = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter((item) => item !== ''))
  .pipe(
    z
      .array(z.string().regex(ORG_TOKEN_ENTRY))
      .min(1)
      .transform((entries) => entries.map((entry) => {
        const [, org = '', token = ''] = ORG_TOKEN_ENTRY.exec(entry) ?? [];
        return { org, token };
      }))
      .refine((entries) => new Set(entries.map((entry) => entry.token)).size === entries.length),
  );

/** Every environment variable the producer reads; validated before Nest starts. */
export const producerSettings = defineSettings({
  PORT: setting.port({ description: 'HTTP port of the ingest API, /health and /metrics.', default: DEFAULT_PORT }),
  HOST: setting.text({ description: 'Address the HTTP server binds to.', default: '0.0.0.0' }),
  MANAGEMENT_PORT: setting.managementPort(),
  KAFKA_BROKERS: setting.list({ description: 'Kafka bootstrap brokers, comma-separated host:port.' }),
  KAFKA_CLIENT_ID: setting.text({ description: 'Kafka client id (shows in broker logs and quotas).', default: 'hookline-producer' }),
  ...kafkaSecuritySettings,
  INGEST_TOKENS: setting.custom(
    ingestTokens,
    `a comma-separated list of tokens, each at least ${INGEST_TOKEN_MIN_LENGTH} visible ASCII characters`,
    { description: 'Bearer tokens accepted on POST /v1/events, comma-separated (rotate by listing old and new). Not bound to an organisation.', sensitive: true },
  ),
  INGEST_ORG_TOKENS: setting.custom(
    ingestOrgTokens,
    `a comma-separated list of ORG_ID=TOKEN entries (org id without "=" or ","; token at least ${INGEST_TOKEN_MIN_LENGTH} visible ASCII characters; each token once)`,
    {
      description:
        'Bearer tokens bound to one organisation, comma-separated ORG_ID=TOKEN (split at the first "="). Needed by POST /v1/hoop/runbook-hook (the hook payload has no org id); on POST /v1/events a bound token may only send events of its organisation. A token is listed here or in INGEST_TOKENS, not both.',
      sensitive: true,
      optional: true,
    },
  ),
  INGEST_MAX_BATCH_EVENTS: setting.positiveInt({ description: 'Most events one POST /v1/events may carry (more: 413).', default: 500 }),
  INGEST_MAX_BODY_BYTES: setting.positiveInt({
    description: 'Largest request body in bytes (more: 413). One event may carry a 1 MiB input, so keep it well above that.',
    default: 8 * 1024 * 1024,
  }),
  KAFKA_SEND_TIMEOUT_MS: setting.positiveInt({
    description: 'How long a request waits for Kafka to acknowledge its events before it answers 503.',
    default: 5_000,
  }),
  KAFKA_TOPIC_PARTITIONS: setting.positiveInt({
    description: 'Partitions of gateway.sessions.v1 and gateway.dbroles.v1 (and their .dlq), ensured at start.',
    default: 6,
  }),
  SVIX_AUTH_TOKEN: setting.text({
    description:
      'Svix API token of the Svix the svix-relay publishes to (set it to the relay\'s). The Svix door (/api/v1, for hoop\'s WEBHOOK_APPURL) forwards management calls there and lists its applications; unset: those calls answer 503 and only the organisations the door has seen are listed.',
    sensitive: true,
    optional: true,
  }),
  SVIX_SERVER_URL: setting.url({ description: 'URL of that self-hosted Svix server (the relay\'s SVIX_SERVER_URL); unset: Svix SaaS (region from the token).', optional: true }),
  SVIX_REQUEST_TIMEOUT_MS: setting.positiveInt({ description: 'Longest a management call forwarded to Svix may wait for its answer before the door answers 502.', default: 10_000 }),
  SVIX_DOOR_MANAGEMENT: setting.oneOf(['read', 'write', 'off'] as const, {
    description:
      'What the Svix door (/api/v1) forwards of hoop\'s management calls: read (default; endpoint, message, attempt and event-type reads: `hoop admin get svixendpoint|svixmsg`), write (also endpoint and event-type create/update/delete and app-portal access: whoever holds an ingest token can then add or switch off SIEM endpoints), off (none). Message.Create and the application calls are ingest and always served.',
    default: 'read',
  }),
  SVIX_DOOR_DEDUP_ENTRIES: setting.positiveInt({
    description:
      'idempotency-keys and eventIds the Svix door remembers for 12 h (each; least recently used evicted), in memory per producer instance: a repeated eventId answers 409, a repeated idempotency-key its first answer.',
    default: 100_000,
  }),
  LOG_LEVEL: setting.logLevel(),
});

export type ProducerConfig = ConfigOf<typeof producerSettings>;
