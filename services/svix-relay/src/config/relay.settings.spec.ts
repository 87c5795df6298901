import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings, loadConfig, redactedConfig } from '@hookline/observability';
import { keySlotsAdvice, relaySettings } from './relay.settings.js';

const ADMIN = 'admin-token-0123456789';
const DATABASE = 'postgres://relay@db:5432/relay';

void describe('relaySettings', () => {
  void it('has the documented defaults; Svix is optional, PostgreSQL is not', () => {
    assert.throws(() => loadConfig(relaySettings, { KAFKA_BROKERS: 'k:9092', ADMIN_TOKENS: ADMIN }), /DATABASE_URL/);
    const config = loadConfig(relaySettings, { KAFKA_BROKERS: 'k:9092', ADMIN_TOKENS: ADMIN, DATABASE_URL: DATABASE });
    assert.equal(config.PORT, 8083);
    assert.equal(config.KAFKA_GROUP_ID, 'hookline-svix-relay');
    assert.equal(config.SVIX_AUTH_TOKEN, undefined);
    assert.equal(config.SVIX_SERVER_URL, undefined);
    assert.equal(config.DATABASE_URL, DATABASE);
    assert.equal(config.SVIX_CONCURRENCY, 16);
    assert.equal(config.RELAY_KEY_CONCURRENCY, 256);
    assert.equal(config.PLUGIN_REFRESH_MS, 2000);
    assert.deepEqual(config.ADMIN_TOKENS, [ADMIN]);
    assert.equal(config.AUDITOR_TOKENS, undefined);
  });

  void it('refuses a non-postgres DATABASE_URL and a short token, naming each without printing secrets', () => {
    assert.throws(
      () => loadConfig(relaySettings, { KAFKA_BROKERS: 'k:9092', ADMIN_TOKENS: 'short', DATABASE_URL: 'mysql://u:hunter2@db/x', SVIX_SERVER_URL: 'not a url' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues.map((issue) => issue.setting).sort(), ['ADMIN_TOKENS', 'DATABASE_URL', 'SVIX_SERVER_URL']);
        assert.ok(!error.message.includes('hunter2') && !error.message.includes('short'));
        return true;
      },
    );
  });

  void it('never shows the Svix token, the database URL or API tokens in its logged form', () => {
    const config = loadConfig(relaySettings, {
      KAFKA_BROKERS: 'k:9092',
      ADMIN_TOKENS: ADMIN,
      SVIX_AUTH_TOKEN: 'sk_secret_svix_token',
      DATABASE_URL: 'postgres://u:pw-secret@db/x',
    });
    const logged = JSON.stringify(redactedConfig(config));
    for (const secret of ['sk_secret_svix_token', 'pw-secret', ADMIN]) assert.ok(!logged.includes(secret), `${secret} is not logged`);
  });

  void it('is documented, every setting of it, in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const row of describeSettings(relaySettings)) {
      assert.match(example, new RegExp(`^#? ?${row.name}=`, 'm'), `${row.name} is missing from .env.example`);
    }
  });

  void it('advises more key slots when they would leave Svix calls unmade, and says nothing otherwise', () => {
    const defaults = loadConfig(relaySettings, { KAFKA_BROKERS: 'k:9092', ADMIN_TOKENS: ADMIN, DATABASE_URL: DATABASE });
    assert.equal(keySlotsAdvice(defaults), undefined);
    assert.equal(keySlotsAdvice({ RELAY_KEY_CONCURRENCY: 32, SVIX_CONCURRENCY: 16 }), undefined);
    const advice = keySlotsAdvice({ RELAY_KEY_CONCURRENCY: 64, SVIX_CONCURRENCY: 64 });
    assert.match(advice ?? '', /RELAY_KEY_CONCURRENCY \(64\) is below twice SVIX_CONCURRENCY \(64\)/);
    assert.match(advice ?? '', /at least 128/);
  });
});
