// The relay refuses to start on a bad or missing setting: exit 1 and one line naming it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const MAIN = fileURLToPath(new URL('../../../services/svix-relay/dist/main.js', import.meta.url));

function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const child = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, stderr: child.stderr };
}

void describe('svix-relay configuration at start', () => {
  void it('exits 1 naming ADMIN_TOKENS when it is missing', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', DATABASE_URL: 'postgres://relay@127.0.0.1:1/relay' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'svix-relay refuses to start: invalid configuration: ADMIN_TOKENS: required\n');
  });

  void it('exits 1 naming DATABASE_URL when it is missing: there is no embedded database in the service', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', ADMIN_TOKENS: 'admin-token-0123456789' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'svix-relay refuses to start: invalid configuration: DATABASE_URL: required\n');
  });

  void it('exits 1 naming a bad SVIX_SERVER_URL without printing the Svix token', () => {
    const run = start({
      KAFKA_BROKERS: '127.0.0.1:1',
      ADMIN_TOKENS: 'admin-token-0123456789',
      SVIX_AUTH_TOKEN: 'sk_do_not_print_me',
      SVIX_SERVER_URL: 'ftp://svix',
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /SVIX_SERVER_URL: expected a URL \(http, https\)/);
    assert.ok(!run.stderr.includes('sk_do_not_print_me'));
  });
});
