import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings, loadConfig, redactedConfig } from '@hookline/observability';
import { auditSettings } from './audit.settings.js';

const ADMIN = 'an-admin-token-of-24-chs';
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const DATABASE = 'postgres://audit@db:5432/audit';

void describe('auditSettings', () => {
  void it('has the documented defaults', () => {
    assert.throws(() => loadConfig(auditSettings, { KAFKA_BROKERS: 'k:9092', ADMIN_TOKENS: ADMIN }), /DATABASE_URL/, 'PostgreSQL is required');
    const config = loadConfig(auditSettings, { KAFKA_BROKERS: 'k:9092', ADMIN_TOKENS: ADMIN, DATABASE_URL: DATABASE });
    assert.equal(config.PORT, 8084);
    assert.equal(config.KAFKA_GROUP_ID, 'hookline-audit');
    assert.equal(config.DATABASE_URL, DATABASE);
    assert.equal(config.AUDIT_RETENTION_DAYS, 90);
    assert.equal(config.SVIX_AUTH_TOKEN, undefined);
    assert.equal(config.SVIX_REQUESTS_PER_SECOND, 5);
    assert.equal(config.SVIX_ATTEMPT_PAGE_SIZE, 100);
    assert.deepEqual(config.AUDITOR_TOKENS, undefined);
  });

  void it('names every bad setting and never prints a secret', () => {
    assert.throws(
      () =>
        loadConfig(auditSettings, {
          KAFKA_BROKERS: 'k:9092',
          ADMIN_TOKENS: 'short-admin',
          DATABASE_URL: 'mysql://user:hunter2@db/x',
          SVIX_OPERATIONAL_WEBHOOK_SECRET: 'not a secret',
          AUDIT_RETENTION_DAYS: '-1',
          SVIX_ATTEMPT_PAGE_SIZE: '1000',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues.map((issue) => issue.setting).sort(), [
          'ADMIN_TOKENS',
          'AUDIT_RETENTION_DAYS',
          'DATABASE_URL',
          'SVIX_ATTEMPT_PAGE_SIZE',
          'SVIX_OPERATIONAL_WEBHOOK_SECRET',
        ]);
        for (const secret of ['short-admin', 'hunter2', 'not a secret']) assert.ok(!error.message.includes(secret), `${secret} is not shown`);
        return true;
      },
    );
  });

  void it('keeps secrets out of the loggable copy', () => {
    const config = loadConfig(auditSettings, {
      KAFKA_BROKERS: 'k:9092',
      ADMIN_TOKENS: ADMIN,
      DATABASE_URL: 'postgres://audit:hunter2@db:5432/audit',
      SVIX_OPERATIONAL_WEBHOOK_SECRET: SECRET,
      SVIX_AUTH_TOKEN: 'sk_live_abcdef',
    });
    const logged = JSON.stringify(redactedConfig(config));
    for (const secret of [ADMIN, 'hunter2', SECRET, 'sk_live_abcdef']) assert.ok(!logged.includes(secret));
  });

  void it('is documented, every setting of it, in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const row of describeSettings(auditSettings)) {
      assert.match(example, new RegExp(`^#? ?${row.name}=`, 'm'), `${row.name} is missing from .env.example`);
    }
  });
});
