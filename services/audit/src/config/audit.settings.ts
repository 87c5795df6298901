import { kafkaSecuritySettings } from '@hookline/kafka';
import { defineSettings, kafkaClientSettings, listenSettings, roleTokenSettings, setting, svixApiSettings, type ConfigOf } from '@hookline/observability';
import { z } from 'zod';
import { DEFAULT_PORT } from '../audit.constant.js';

// Svix endpoint secrets are base64 with an optional whsec_ prefix (what the SDK's Webhook takes).
const svixSecret = z.string().regex(/^(whsec_)?[A-Za-z0-9+/]{16,}={0,2}$/);

const databaseUrl = z.string().refine((text) => URL.canParse(text) && ['postgres:', 'postgresql:'].includes(new URL(text).protocol));

const wholeOrZero = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(36_500));

/** Every environment variable the audit service reads; validated before Nest starts. */
export const auditSettings = defineSettings({
  ...listenSettings(DEFAULT_PORT, 'the query API, /v1/svix/operational, /docs, /health and /metrics'),
  ...kafkaClientSettings('hookline-audit'),
  ...kafkaSecuritySettings,
  KAFKA_GROUP_ID: setting.text({ description: 'Consumer group of the audit service.', default: 'hookline-audit' }),
  KAFKA_TOPIC_PARTITIONS: setting.positiveInt({
    description: 'Partitions of the topics the audit service reads (and their .dlq), ensured at start when missing.',
    default: 6,
  }),
  KAFKA_LAG_GROUP_PREFIX: setting.text({
    description: 'Consumer groups whose id starts with this get hookline_kafka_consumer_lag{group,topic}.',
    default: 'hookline',
  }),
  DATABASE_URL: setting.custom(databaseUrl, 'a postgres:// or postgresql:// URL', {
    description: 'PostgreSQL the records are stored in (postgres://…); `npm start` serves an embedded one.',
    sensitive: true,
  }),
  ...roleTokenSettings({
    admin: 'Bearer tokens of administrators, comma-separated; they may read the query API.',
    auditor: 'Bearer tokens of auditors, comma-separated; they may read the query API.',
  }),
  SVIX_OPERATIONAL_WEBHOOK_SECRET: setting.custom(svixSecret, 'a Svix endpoint secret (whsec_ followed by base64)', {
    description: 'Secret of the Svix operational-webhook endpoint pointing at POST /v1/svix/operational. Unset: that route answers 503.',
    sensitive: true,
    optional: true,
  }),
  OPERATIONAL_WEBHOOK_MAX_BYTES: setting.positiveInt({ description: 'Largest operational-webhook body accepted (more: 413).', default: 256 * 1024 }),
  ...svixApiSettings('Svix API token used to read delivery attempts. Unset: attempts are not read (operational webhooks still are).'),
  SVIX_ATTEMPT_POLL_SECONDS: setting.seconds({ description: 'Pause between two rounds of reading new delivery attempts from Svix.', default: 30 }),
  SVIX_REQUESTS_PER_SECOND: setting.positiveInt({
    description: 'Most requests per second the attempt reader sends to Svix, so it never floods it.',
    default: 5,
  }),
  SVIX_ATTEMPT_PAGE_SIZE: setting.custom(z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(250)), 'a whole number 1-250', {
    description: 'Attempts asked for per Svix list request.',
    default: 100,
  }),
  SVIX_ATTEMPT_OVERLAP_SECONDS: setting.seconds({
    description: 'Each round re-reads this much before the cursor, so attempts stamped late are not missed (duplicates are ignored).',
    default: 60,
  }),
  AUDIT_RETENTION_DAYS: setting.custom(wholeOrZero, 'a whole number of days 0-36500 (0 keeps everything)', {
    description: 'Rows older than this many days are deleted in the background; 0 keeps everything.',
    default: 90,
  }),
  AUDIT_RETENTION_BATCH_SIZE: setting.positiveInt({ description: 'Rows deleted per statement by the retention job.', default: 5_000 }),
  AUDIT_RETENTION_INTERVAL_SECONDS: setting.seconds({ description: 'Pause between two retention runs.', default: 3_600 }),
  AUDIT_WRITE_BATCH_ROWS: setting.positiveInt({ description: 'Most rows stored by one INSERT when records arrive together.', default: 500 }),
  AUDIT_WRITE_CONCURRENCY: setting.positiveInt({ description: 'INSERT statements per table running at once (each holds a pooled connection).', default: 4 }),
  AUDIT_CONSUMER_CONCURRENCY: setting.positiveInt({
    description:
      'Records (each of a different key) being stored at once; they are grouped into multi-row INSERTs, so keep it a few times AUDIT_WRITE_BATCH_ROWS.',
    default: 2_000,
  }),
  METRICS_REFRESH_SECONDS: setting.seconds({
    description: 'How often endpoint gauges, consumer lag and dead-letter counts are refreshed.',
    default: 15,
  }),
  LOG_LEVEL: setting.logLevel(),
});

export type AuditConfig = ConfigOf<typeof auditSettings>;
