import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { defineSettings, describeSettings, loadConfig, redactedConfig } from './load-config.js';
import { setting } from './setting-builders.js';
import { distinctValues, withRules } from './settings-rule.js';

const SECRET = 'tok-very-secret-123';

const settings = defineSettings({
  PORT: setting.port({ description: 'HTTP port', default: 3000 }),
  INGEST_TOKENS: setting.list({ description: 'Bearer tokens accepted on /ingest', sensitive: true }),
  KAFKA_BROKERS: setting.list({ description: 'Kafka bootstrap brokers', default: ['localhost:9092'] }),
  BATCH_SIZE: setting.positiveInt({ description: 'Events per batch', default: 100 }),
  HOOK_TIMEOUT: setting.seconds({ description: 'Hook run timeout', default: 30 }),
  SVIX_URL: setting.url({ description: 'Svix server', optional: true }),
  DELIVERY_MODE: setting.oneOf(['direct', 'svix'], { description: 'How events leave', default: 'svix' }),
  DRY_RUN: setting.flag({ description: 'Do not deliver', default: false }),
  LOG_LEVEL: setting.logLevel(),
  SVIX_TOKEN: setting.text({ description: 'Svix API token', sensitive: true, optional: true }),
});

const validEnv = { INGEST_TOKENS: `${SECRET}, other-token`, SVIX_TOKEN: SECRET };

void describe('loadConfig', () => {
  void it('parses a valid environment into typed values, with defaults for what is unset', () => {
    const config = loadConfig(settings, { ...validEnv, PORT: ' 8080 ', DRY_RUN: 'Yes', HOOK_TIMEOUT: '0.5', SVIX_URL: 'https://svix.local/api' });
    // The annotations check the inferred types: these assignments only compile if ConfigOf is right.
    const port: number = config.PORT;
    const tokens: readonly string[] = config.INGEST_TOKENS;
    const mode: 'direct' | 'svix' = config.DELIVERY_MODE;
    const svixUrl: string | undefined = config.SVIX_URL;
    const dryRun: boolean = config.DRY_RUN;
    assert.equal(port, 8080);
    assert.deepEqual(tokens, [SECRET, 'other-token']);
    assert.equal(mode, 'svix');
    assert.equal(svixUrl, 'https://svix.local/api');
    assert.equal(dryRun, true);
    assert.equal(config.HOOK_TIMEOUT, 0.5);
    assert.deepEqual(config.KAFKA_BROKERS, ['localhost:9092']);
    assert.equal(config.BATCH_SIZE, 100);
    assert.equal(config.LOG_LEVEL, 'info');
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.INGEST_TOKENS));
  });

  void it('leaves an unset optional setting undefined and treats an empty value as unset', () => {
    const config = loadConfig(settings, { INGEST_TOKENS: SECRET, SVIX_URL: '', PORT: '' });
    assert.equal(config.SVIX_URL, undefined);
    assert.equal(config.SVIX_TOKEN, undefined);
    assert.equal(config.PORT, 3000);
  });

  void it('names a missing required setting', () => {
    assert.throws(
      () => loadConfig(settings, {}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues, [{ setting: 'INGEST_TOKENS', problem: 'required' }]);
        assert.match(error.message, /INGEST_TOKENS: required/);
        return true;
      },
    );
  });

  const badValues: [name: string, value: string, problem: string][] = [
    ['PORT', 'abc', "expected an integer 1-65535, got 'abc'"],
    ['PORT', '70000', "expected an integer 1-65535, got '70000'"],
    ['BATCH_SIZE', '0', "expected a whole number >= 1, got '0'"],
    ['BATCH_SIZE', '2.5', "expected a whole number >= 1, got '2.5'"],
    ['HOOK_TIMEOUT', '-3', "expected a number of seconds > 0, got '-3'"],
    ['KAFKA_BROKERS', ' , ,', "expected a comma-separated list of one or more items, got ', ,'"],
    ['SVIX_URL', 'ftp://x', "expected a URL (http, https), got 'ftp://x'"],
    ['SVIX_URL', 'not a url', "expected a URL (http, https), got 'not a url'"],
    ['DELIVERY_MODE', 'email', "expected one of direct, svix, got 'email'"],
    ['DRY_RUN', 'maybe', "expected true or false, got 'maybe'"],
    ['LOG_LEVEL', 'loud', "expected one of fatal, error, warn, info, debug, trace, silent, got 'loud'"],
  ];
  for (const [name, value, problem] of badValues) {
    void it(`names ${name}=${JSON.stringify(value)} and why it is wrong`, () => {
      assert.throws(
        () => loadConfig(settings, { ...validEnv, [name]: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(error.issues, [{ setting: name, problem }]);
          assert.ok(error.message.includes(`${name}: ${problem}`), error.message);
          return true;
        },
      );
    });
  }

  void it('reports every bad setting at once', () => {
    assert.throws(
      () => loadConfig(settings, { PORT: 'abc', DRY_RUN: 'maybe' }),
      (error: unknown) => error instanceof ConfigError && error.issues.map((issue) => issue.setting).join() === 'PORT,INGEST_TOKENS,DRY_RUN',
    );
  });

  void it('never prints a sensitive value in the error', () => {
    const secretSettings = defineSettings({
      // A service's own kind of secret, checked by a refine.
      API_KEY: setting.custom(
        z.string().refine((text) => text.startsWith('sk_')),
        'a key starting with sk_',
        {
          description: 'API key',
          sensitive: true,
        },
      ),
    });
    assert.throws(
      () => loadConfig(secretSettings, { API_KEY: SECRET }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /API_KEY: expected a key starting with sk_ \(value not shown: sensitive\)/);
        assert.ok(!error.message.includes(SECRET), error.message);
        assert.ok(!JSON.stringify(error.issues).includes(SECRET));
        return true;
      },
    );
  });

  void it('redactedConfig masks sensitive values that are set and keeps the rest', () => {
    const config = loadConfig(settings, validEnv);
    const shown = redactedConfig(config);
    assert.equal(shown.INGEST_TOKENS, '[redacted]');
    assert.equal(shown.SVIX_TOKEN, '[redacted]');
    assert.equal(shown.PORT, 3000);
    assert.deepEqual(shown.KAFKA_BROKERS, ['localhost:9092']);
    assert.ok(!JSON.stringify(shown).includes(SECRET));
    assert.throws(() => redactedConfig({ PORT: 1 }), TypeError);
  });
});

void describe('checks spanning several settings', () => {
  const withCheck = defineSettings({
    MODE: setting.oneOf(['none', 'login'], { description: 'mode', default: 'none' }),
    USER: withRules(setting.text({ description: 'user', optional: true }), (values) =>
      values.MODE === 'login' && values.USER === undefined ? [{ setting: 'USER', problem: 'required when MODE=login' }] : [],
    ),
    PORT: setting.port({ description: 'port', default: 1 }),
  });

  void it('run after every setting was read and add their issues to the same error', () => {
    assert.equal(loadConfig(withCheck, { MODE: 'login', USER: 'u' }).USER, 'u');
    assert.throws(
      () => loadConfig(withCheck, { MODE: 'login', PORT: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.issues.map((issue) => issue.setting),
          ['PORT', 'USER'],
        );
        assert.match(error.message, /USER: required when MODE=login/);
        return true;
      },
    );
  });

  void it('see only the values that parsed, so a bad value is reported once', () => {
    assert.throws(
      () => loadConfig(withCheck, { MODE: 'sometimes' }),
      (error: unknown) => error instanceof ConfigError && error.issues.length === 1 && error.issues[0]?.setting === 'MODE',
    );
  });
});

void describe('defineSettings / describeSettings', () => {
  void it('describes each setting as a row for README and .env.example generation', () => {
    const rows = describeSettings(settings);
    assert.deepEqual(
      rows.find((row) => row.name === 'KAFKA_BROKERS'),
      {
        name: 'KAFKA_BROKERS',
        description: 'Kafka bootstrap brokers',
        default: 'localhost:9092',
        sensitive: false,
        required: false,
        expected: 'a comma-separated list of one or more items',
      },
    );
    assert.deepEqual(
      rows.find((row) => row.name === 'INGEST_TOKENS'),
      {
        name: 'INGEST_TOKENS',
        description: 'Bearer tokens accepted on /ingest',
        default: undefined,
        sensitive: true,
        required: true,
        expected: 'a comma-separated list of one or more items',
      },
    );
    assert.equal(rows.find((row) => row.name === 'DRY_RUN')?.default, 'false');
    assert.deepEqual(
      rows.map((row) => row.name),
      Object.keys(settings),
    );
  });

  void it('refuses a default on a secret and a name that is not an env var name', () => {
    // @ts-expect-error secrets are never defaulted: the types forbid it
    const withDefault = setting.text({ description: 'x', sensitive: true, default: 'hunter2' });
    assert.throws(() => defineSettings({ SECRET: withDefault }), /sensitive setting cannot have a default/);
    assert.throws(() => defineSettings({ 'bad-name': setting.port({ description: 'x' }) }), /UPPER_SNAKE_CASE/);
  });
});

void describe('loadConfigOrExit', () => {
  void it('prints one line naming the bad settings to stderr and exits 1, without the secret', () => {
    const script = `
      import { defineSettings, loadConfigOrExit, setting } from ${JSON.stringify(new URL('../index.js', import.meta.url).href)};
      const settings = defineSettings({
        PORT: setting.port({ description: 'HTTP port', default: 3000 }),
        INGEST_TOKENS: setting.list({ description: 'tokens', sensitive: true }),
        API_KEY: setting.text({ description: 'key', sensitive: true }),
      });
      loadConfigOrExit(settings, { service: 'producer' });
      console.log('started');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, PORT: 'abc', INGEST_TOKENS: SECRET },
      encoding: 'utf8',
    });
    assert.equal(child.status, 1);
    assert.equal(child.stdout, '');
    assert.equal(child.stderr, "producer refuses to start: invalid configuration: PORT: expected an integer 1-65535, got 'abc'; API_KEY: required\n");
  });
});

void describe('settings rules: distinct token roles', () => {
  const roles = defineSettings({
    ADMIN_TOKENS: withRules(setting.list({ description: 'admins', sensitive: true }), distinctValues('ADMIN_TOKENS', 'AUDITOR_TOKENS', 'READER_TOKEN')),
    AUDITOR_TOKENS: setting.list({ description: 'auditors', sensitive: true, optional: true }),
    READER_TOKEN: setting.text({ description: 'one reader', sensitive: true, optional: true }),
  });

  void it('accepts distinct tokens in each role, and an unset role', () => {
    assert.deepEqual(loadConfig(roles, { ADMIN_TOKENS: 'a1,a2', AUDITOR_TOKENS: 'b1', READER_TOKEN: 'c1' }).AUDITOR_TOKENS, ['b1']);
    assert.equal(loadConfig(roles, { ADMIN_TOKENS: 'a1' }).AUDITOR_TOKENS, undefined);
  });

  void it('refuses a token in two roles, naming the settings and never the value', () => {
    for (const env of [
      { ADMIN_TOKENS: `a1,${SECRET}`, AUDITOR_TOKENS: SECRET },
      { ADMIN_TOKENS: 'a1', AUDITOR_TOKENS: 'b1', READER_TOKEN: 'a1' },
    ]) {
      assert.throws(
        () => loadConfig(roles, env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.issues.length, 1);
          assert.match(error.message, /(ADMIN_TOKENS, AUDITOR_TOKENS|ADMIN_TOKENS, READER_TOKEN): the same value is listed in/);
          for (const value of [SECRET, 'a1', 'b1']) assert.ok(!error.message.includes(value), error.message);
          return true;
        },
      );
    }
  });

  void it('reports a shared token with every other problem, in one line', () => {
    assert.throws(() => loadConfig(roles, { ADMIN_TOKENS: SECRET, AUDITOR_TOKENS: SECRET, READER_TOKEN: '' }), ConfigError);
    const error = (() => {
      try {
        loadConfig(defineSettings({ ...roles, PORT: setting.port({ description: 'port' }) }), { ADMIN_TOKENS: SECRET, AUDITOR_TOKENS: SECRET, PORT: 'x' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.issues.map((issue) => issue.setting),
      ['PORT', 'ADMIN_TOKENS, AUDITOR_TOKENS'],
    );
    assert.ok(!error.message.includes(SECRET) && !error.message.includes('\n'));
  });

  void it('refuses a rule naming a setting that does not exist', () => {
    assert.throws(() => defineSettings({ A: withRules(setting.text({ description: 'a' }), distinctValues('A', 'B')) }), /B is not a setting/);
  });
});
