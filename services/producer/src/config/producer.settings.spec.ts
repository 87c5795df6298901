import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings, loadConfig } from '@hookline/observability';
import { producerSettings } from './producer.settings.js';

const TOKEN = 'a-token-of-20-chars!';

void describe('producerSettings', () => {
  void it('has the documented defaults', () => {
    const config = loadConfig(producerSettings, { KAFKA_BROKERS: 'k:9092', INGEST_TOKENS: `${TOKEN}, second-token-123456` });
    assert.equal(config.PORT, 8081);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.KAFKA_CLIENT_ID, 'hookline-producer');
    assert.deepEqual(config.INGEST_TOKENS, [TOKEN, 'second-token-123456']);
    assert.equal(config.INGEST_MAX_BATCH_EVENTS, 500);
    assert.equal(config.INGEST_MAX_BODY_BYTES, 8 * 1024 * 1024);
    assert.equal(config.KAFKA_SEND_TIMEOUT_MS, 5000);
    assert.equal(config.KAFKA_TOPIC_PARTITIONS, 6);
  });

  void it('refuses a token under 16 characters without printing any token', () => {
    assert.throws(
      () => loadConfig(producerSettings, { KAFKA_BROKERS: 'k:9092', INGEST_TOKENS: `${TOKEN},short-token` }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.issues[0]?.setting, 'INGEST_TOKENS');
        assert.match(error.message, /at least 16 visible ASCII characters \(value not shown: sensitive\)/);
        assert.ok(!error.message.includes('short-token') && !error.message.includes(TOKEN));
        return true;
      },
    );
  });

  void it('is documented, every setting of it, in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const row of describeSettings(producerSettings)) {
      assert.match(example, new RegExp(`^#? ?${row.name}=`, 'm'), `${row.name} is missing from .env.example`);
    }
  });

  void it('reads INGEST_ORG_TOKENS as <org_id>=<token> entries, split at the first "="', () => {
    const config = loadConfig(producerSettings, {
      KAFKA_BROKERS: 'k:9092',
      INGEST_TOKENS: TOKEN,
      INGEST_ORG_TOKENS: ' org-a=bound-token-0123456789 , org:b=tok=en-with-equals-123',
    });
    assert.deepEqual(config.INGEST_ORG_TOKENS, [
      { org: 'org-a', token: 'bound-token-0123456789' },
      { org: 'org:b', token: 'tok=en-with-equals-123' },
    ]);
    assert.equal(loadConfig(producerSettings, { KAFKA_BROKERS: 'k:9092', INGEST_TOKENS: TOKEN }).INGEST_ORG_TOKENS, undefined);
  });

  void it('refuses a malformed INGEST_ORG_TOKENS without printing any token', () => {
    for (const value of [
      'bound-token-0123456789',
      '=bound-token-0123456789',
      'org-a=short',
      'org a=bound-token-0123456789',
      'org-a=bound-token-0123456789,org-b=bound-token-0123456789',
    ]) {
      assert.throws(
        () => loadConfig(producerSettings, { KAFKA_BROKERS: 'k:9092', INGEST_TOKENS: TOKEN, INGEST_ORG_TOKENS: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, value);
          assert.equal(error.issues[0]?.setting, 'INGEST_ORG_TOKENS');
          assert.match(error.message, /ORG_ID=TOKEN entries .*\(value not shown: sensitive\)/);
          assert.ok(!error.message.includes('bound-token') && !error.message.includes('short'), value);
          return true;
        },
      );
    }
  });
});
