import { kafkaSecuritySettings } from '@hookline/kafka';
import {
  commaSeparated,
  defineSettings,
  kafkaClientSettings,
  listenSettings,
  setting,
  svixApiSettings,
  TOKEN_CHARACTERS,
  TOKEN_MIN_LENGTH,
  withRules,
  type ConfigIssue,
  type ConfigOf,
} from '@hookline/observability';
import { LIMITS } from '@hookline/contracts';
import { z } from 'zod';
import { DEFAULT_PORT } from './producer.constant.js';

// <org_id>=<token>, split at the first "=": an org id is an identifier without "=" or ",".
const ORG_TOKEN_ENTRY = new RegExp(`^([\\x21-\\x2B\\x2D-\\x3C\\x3E-\\x7E]{1,${LIMITS.idLength}})=([${TOKEN_CHARACTERS}]{${TOKEN_MIN_LENGTH},})$`);

const ingestOrgTokens = commaSeparated.pipe(
  z
    .array(z.string().regex(ORG_TOKEN_ENTRY))
    .min(1)
    .transform((entries) =>
      entries.map((entry) => {
        const [, org = '', token = ''] = ORG_TOKEN_ENTRY.exec(entry) ?? [];
        return { org, token };
      }),
    )
    .refine((entries) => new Set(entries.map((entry) => entry.token)).size === entries.length),
);

/** Every environment variable the producer reads; validated before Nest starts. */
export const producerSettings = defineSettings({
  ...listenSettings(DEFAULT_PORT, 'the ingest API, /health and /metrics'),
  ...kafkaClientSettings('hookline-producer'),
  ...kafkaSecuritySettings,
  INGEST_TOKENS: setting.tokens({
    description: 'Bearer tokens accepted on POST /v1/events, comma-separated (rotate by listing old and new). Not bound to an organisation.',
    sensitive: true,
  }),
  INGEST_ORG_TOKENS: withRules(
    setting.custom(
      ingestOrgTokens,
      `a comma-separated list of ORG_ID=TOKEN entries (org id without "=" or ","; token at least ${TOKEN_MIN_LENGTH} visible ASCII characters; each token once)`,
      {
        description:
          'Bearer tokens bound to one organisation, comma-separated ORG_ID=TOKEN (split at the first "="). Needed by POST /v1/hoop/runbook-hook (the hook payload has no org id); on POST /v1/events a bound token may only send events of its organisation. A token is listed here or in INGEST_TOKENS, not both.',
        sensitive: true,
        optional: true,
      },
    ),
    ingestTokensListedOnce,
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
  ...svixApiSettings(
    "Svix API token of the Svix the svix-relay publishes to (set it to the relay's). The Svix door (/api/v1, for hoop's WEBHOOK_APPURL) forwards management calls there and lists its applications; unset: those calls answer 503 and only the organisations the door has seen are listed.",
    "URL of that self-hosted Svix server (the relay's SVIX_SERVER_URL); unset: Svix SaaS (region from the token).",
  ),
  SVIX_REQUEST_TIMEOUT_MS: setting.positiveInt({
    description: 'Longest a management call forwarded to Svix may wait for its answer before the door answers 502.',
    default: 10_000,
  }),
  SVIX_DOOR_MANAGEMENT: setting.oneOf(['read', 'write', 'off'] as const, {
    description:
      "What the Svix door (/api/v1) forwards of hoop's management calls: read (default; endpoint, message, attempt and event-type reads: `hoop admin get svixendpoint|svixmsg`), write (also endpoint and event-type create/update/delete and app-portal access: whoever holds an ingest token can then add or switch off SIEM endpoints), off (none). Message.Create and the application calls are ingest and always served.",
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

/**
 * A token both unbound (INGEST_TOKENS) and bound (INGEST_ORG_TOKENS) would make its
 * organisation ambiguous. The issue names the organisations, never a token.
 */
export function ingestTokensListedOnce(values: Readonly<Record<string, unknown>>): ConfigIssue[] {
  const unbound = new Set(Array.isArray(values.INGEST_TOKENS) ? (values.INGEST_TOKENS as unknown[]) : []);
  const bound = Array.isArray(values.INGEST_ORG_TOKENS) ? (values.INGEST_ORG_TOKENS as { org: string; token: string }[]) : [];
  const both = bound.filter(({ token }) => unbound.has(token));
  if (both.length === 0) return [];
  return [
    {
      setting: 'INGEST_ORG_TOKENS',
      problem: `${both.length} token(s) also listed in INGEST_TOKENS (for org ${both.map(({ org }) => JSON.stringify(org)).join(', ')}); list each token once: bound (INGEST_ORG_TOKENS) or unbound (INGEST_TOKENS)`,
    },
  ];
}
