// Roles kept apart: a service with more than one token role (ADMIN_TOKENS, AUDITOR_TOKENS)
// refuses to start when one token is listed in two roles, naming the settings, never the token.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const SERVICES = [
  { name: 'svix-relay', main: '../../../services/svix-relay/dist/main.js' },
  { name: 'audit', main: '../../../services/audit/dist/main.js' },
] as const;

const SHARED = 'shared-token-must-not-print-0123';
const OTHER = 'auditor-only-token-0123456789';

function start(main: string, env: Record<string, string>): { status: number | null; output: string } {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL(main, import.meta.url))], {
    env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: '127.0.0.1:9', DATABASE_URL: 'postgres://hookline@127.0.0.1:9/hookline', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

void describe('one token in two roles', () => {
  for (const service of SERVICES) {
    void it(`${service.name} refuses to start, naming ADMIN_TOKENS and AUDITOR_TOKENS, not the token`, () => {
      const run = start(service.main, { ADMIN_TOKENS: `admin-only-token-0123456789,${SHARED}`, AUDITOR_TOKENS: `${OTHER}, ${SHARED}` });
      assert.equal(run.status, 1, run.output);
      assert.match(
        run.output,
        new RegExp(
          `^${service.name} refuses to start: invalid configuration: ADMIN_TOKENS, AUDITOR_TOKENS: the same value is listed in ADMIN_TOKENS and AUDITOR_TOKENS`,
          'm',
        ),
      );
      assert.ok(!run.output.includes(SHARED), run.output);
      assert.ok(!run.output.includes(OTHER), run.output);
      assert.ok(!run.output.includes('admin-only-token'), run.output);
    });
  }
});
