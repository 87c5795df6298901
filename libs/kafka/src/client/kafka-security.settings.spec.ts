import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, defineSettings, loadConfig, redactedConfig, setting } from '@hookline/observability';
import { kafkaSecurityOptions } from './kafka-security.js';
import { kafkaSecuritySettings } from './kafka-security.settings.js';

const PASSWORD = 'kafka-pw-Do-Not-Print-93c1';
const settings = defineSettings({
  KAFKA_BROKERS: setting.list({ description: 'brokers' }),
  ...kafkaSecuritySettings,
});

const dir = mkdtempSync(join(tmpdir(), 'hookline-kafka-security-'));
const pem = (label: string): string => `-----BEGIN ${label}-----\nMIIBszCCAVmgAwIBAgIUQk9HVVM=\n-----END ${label}-----\n`;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const CA = file('ca.pem', pem('CERTIFICATE'));
const CERT = file('client.pem', pem('CERTIFICATE'));
const KEY = file('client.key', pem('PRIVATE KEY'));
const ENCRYPTED_KEY = file('encrypted.key', pem('ENCRYPTED PRIVATE KEY'));
const NOT_PEM = file('notes.txt', 'hello\n');
const UNREADABLE = file('unreadable.pem', pem('CERTIFICATE'));
chmodSync(UNREADABLE, 0o000);

function issuesOf(env: Record<string, string>): string {
  try {
    loadConfig(settings, { KAFKA_BROKERS: 'k:9093', ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!error.message.includes(PASSWORD), `the password leaked: ${error.message}`);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

void describe('Kafka TLS and SASL settings', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('default to a plaintext, unauthenticated client', () => {
    const config = loadConfig(settings, { KAFKA_BROKERS: 'k:9092' });
    assert.equal(config.KAFKA_SSL, false);
    assert.equal(config.KAFKA_SASL_MECHANISM, undefined);
    assert.deepEqual(kafkaSecurityOptions(config), {});
  });

  void it('give kafkajs the CA, client certificate and key contents and the SASL credentials', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      const config = loadConfig(settings, {
        KAFKA_BROKERS: 'k:9093',
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: CA,
        KAFKA_SSL_CERT_FILE: CERT,
        KAFKA_SSL_KEY_FILE: KEY,
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: 'hookline-producer',
        KAFKA_SASL_PASSWORD: PASSWORD,
      });
      const options = kafkaSecurityOptions(config);
      assert.deepEqual(options.ssl, { rejectUnauthorized: true, ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') });
      assert.deepEqual(options.sasl, { mechanism, username: 'hookline-producer', password: PASSWORD });
      const shown = JSON.stringify(redactedConfig(config));
      assert.ok(!shown.includes(PASSWORD), shown);
      assert.match(shown, /"KAFKA_SASL_PASSWORD":"\[redacted\]"/);
    }
  });

  void it('TLS without a CA file trusts the system CAs (managed clusters)', () => {
    const config = loadConfig(settings, { KAFKA_BROKERS: 'k:9093', KAFKA_SSL: 'yes' });
    assert.deepEqual(kafkaSecurityOptions(config), { ssl: { rejectUnauthorized: true } });
  });

  void it('scram without TLS is allowed (SASL_PLAINTEXT listeners); the client gets no ssl', () => {
    const config = loadConfig(settings, {
      KAFKA_BROKERS: 'k:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    assert.deepEqual(kafkaSecurityOptions(config), { sasl: { mechanism: 'scram-sha-256', username: 'u', password: PASSWORD } });
  });

  const bad: [what: string, env: Record<string, string>, expected: string][] = [
    [
      'a mechanism without user name and password',
      { KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      'KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set (scram-sha-512); KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set (scram-sha-512)',
    ],
    [
      'a password without a mechanism',
      { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: PASSWORD },
      'KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME is set (one of plain, scram-sha-256, scram-sha-512)',
    ],
    [
      'an unknown mechanism',
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: PASSWORD },
      "KAFKA_SASL_MECHANISM: expected one of plain, scram-sha-256, scram-sha-512, got 'gssapi'",
    ],
    [
      'plain over plaintext',
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: PASSWORD },
      'KAFKA_SSL: must be true with KAFKA_SASL_MECHANISM=plain, which sends the password as it is',
    ],
    [
      'a CA file that does not exist',
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') },
      `KAFKA_SSL_CA_FILE: no such file: '${join(dir, 'missing.pem')}'`,
    ],
    [
      'a CA file that is not PEM',
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: NOT_PEM },
      `KAFKA_SSL_CA_FILE: '${NOT_PEM}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    ],
    ['a CA file that is a folder', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: dir }, `KAFKA_SSL_CA_FILE: '${dir}' is not a regular file`],
    ['a CA file without KAFKA_SSL', { KAFKA_SSL_CA_FILE: CA }, 'KAFKA_SSL_CA_FILE: only used with KAFKA_SSL=true, which is not set'],
    ['a certificate without its key', { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: CERT }, 'KAFKA_SSL_KEY_FILE: required when KAFKA_SSL_CERT_FILE is set'],
    [
      'a key that is a certificate',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: CERT, KAFKA_SSL_KEY_FILE: CA },
      `KAFKA_SSL_KEY_FILE: '${CA}' holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
    ],
    [
      'an encrypted key',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: CERT, KAFKA_SSL_KEY_FILE: ENCRYPTED_KEY },
      `KAFKA_SSL_KEY_FILE: '${ENCRYPTED_KEY}' holds an encrypted private key; give the key unencrypted (readable only by the service)`,
    ],
    ['KAFKA_SSL that is not a boolean', { KAFKA_SSL: 'sometimes', KAFKA_SSL_CA_FILE: CA }, "KAFKA_SSL: expected true or false, got 'sometimes'"],
  ];
  for (const [what, env, expected] of bad) {
    void it(`refuse ${what}, naming the setting`, () => {
      assert.equal(issuesOf(env), `invalid configuration: ${expected}`);
    });
  }

  void it('refuse an unreadable CA file (when not root, who reads anything)', { skip: process.getuid?.() === 0 ? 'running as root' : false }, () => {
    assert.equal(
      issuesOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: UNREADABLE }),
      `invalid configuration: KAFKA_SSL_CA_FILE: cannot read '${UNREADABLE}' (EACCES)`,
    );
  });

  void it('name every bad setting in one line', () => {
    const message = issuesOf({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: NOT_PEM,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_PASSWORD: PASSWORD,
      KAFKA_BROKERS: '',
    });
    assert.match(
      message,
      /KAFKA_BROKERS: required; KAFKA_SSL_CA_FILE: .* holds no PEM certificate.*; KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set/,
    );
  });
});
