// Every service reads the same Kafka TLS/SASL settings and refuses to start on bad ones:
// exit 1, one line naming each bad setting, never the password.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const PASSWORD = 'kafka-secret-Never-Shown-4471';
const SERVICES = [
  { name: 'producer', main: 'producer', env: { INGEST_TOKENS: 'a-valid-ingest-token-0123456789' } },
  { name: 'hook-executor', main: 'hook-executor', env: {} },
  { name: 'svix-relay', main: 'svix-relay', env: { ADMIN_TOKENS: 'admin-token-0123456789abc', DATABASE_URL: 'postgres://relay@127.0.0.1:1/relay' } },
  { name: 'audit', main: 'audit', env: { ADMIN_TOKENS: 'admin-token-0123456789abc', DATABASE_URL: 'postgres://audit@127.0.0.1:1/audit' } },
] as const;

function start(main: string, env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const path = fileURLToPath(new URL(`../../../services/${main}/dist/main.js`, import.meta.url));
  const child = spawnSync(process.execPath, [path], {
    env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: '127.0.0.1:1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: child.status, stderr: child.stderr, stdout: child.stdout };
}

void describe('Kafka TLS and SASL settings in every service', () => {
  for (const service of SERVICES) {
    void it(`${service.name} refuses a mechanism without a user name and a CA file that does not exist, in one line without the password`, () => {
      const run = start(service.main, {
        ...service.env,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/nonexistent/kafka-ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_PASSWORD: PASSWORD,
      });
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stdout, '');
      assert.equal(
        run.stderr,
        `${service.name} refuses to start: invalid configuration: KAFKA_SSL_CA_FILE: no such file: '/nonexistent/kafka-ca.pem'; ` +
          'KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set (scram-sha-512)\n',
      );
      assert.ok(!run.stderr.includes(PASSWORD));
    });
  }
});
