// /health/ready is open to anyone who reaches the port: it carries states, never
// credentials, user names, database names, git URL queries or tokens. The relay's own
// check is in relay-security.test.ts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createTestDatabase } from '@hookline/database/testing';
import { listenManagement } from '@hookline/observability';
import { startAudit, type RunningAudit } from '../audit/audit-harness.js';
import { brokersFromEnv, NO_BROKER_SKIP, startExecutor, type RunningExecutor } from '../hook-executor/executor-harness.js';
import { pollUntil } from '@hookline/kafka/testing';
import { startProducer, TEST_TOKEN, OTHER_TOKEN, type RunningProducer } from '../producer/producer-harness.js';

const GIT_TOKEN = 'glpat-readiness-secret-0123';
const HOOK_SECRET = 'hook-env-secret-never-shown';
const DB_PASSWORD = 'audit-db-password-never-shown';

function assertNone(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `/health/ready shows ${secret}: ${text}`);
}

void describe('/health/ready carries no secrets', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  void it('hook-executor: a git URL with a token in its query, a hook secret', async () => {
    const executor: RunningExecutor = await startExecutor({
      env: {
        // Nothing listens on port 9: the fetch fails and readiness reports it, down.
        RUNBOOKS_GIT_URL: `https://127.0.0.1:9/ops/runbooks.git?private_token=${GIT_TOKEN}`,
        GIT_HOOK_CONFIG_TTL: '60',
        HOOK_ENV_SIEM_TOKEN: HOOK_SECRET,
      },
    });
    stops.push(() => executor.stop());
    const text = await pollUntil(
      async () => {
        const response = await fetch(`${executor.url}/health/ready`);
        const body = await response.text();
        return body.includes('"runbooks"') ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'readiness with the runbooks check' },
    );
    assert.match(text, /"runbooks":\{"detail":\{"snapshot":"none yet"\},"status":"down"\}/);
    assertNone(text, [GIT_TOKEN, 'private_token', HOOK_SECRET]);
  });

  void it('producer: its ingest tokens', async () => {
    const producer: RunningProducer = await startProducer({});
    stops.push(() => producer.close());
    const text = await (await fetch(`${producer.url}/health/ready`)).text();
    assert.match(text, /"kafka":/);
    assertNone(text, [TEST_TOKEN, OTHER_TOKEN]);
  });

  void it('audit: its database URL (user, password, name) and tokens; /metrics and /docs on MANAGEMENT_PORT only', async () => {
    const database = await createTestDatabase('audit_ready');
    stops.push(() => database.drop());
    const url = new URL(database.url);
    url.password = DB_PASSWORD;
    // MANAGEMENT_PORT set (the port itself is chosen below): /metrics and /docs move there.
    const audit: RunningAudit = await startAudit({ DATABASE_URL: url.toString(), MANAGEMENT_PORT: '1' });
    stops.push(() => audit.close());
    const management = `http://127.0.0.1:${await listenManagement(audit.app, 0, '127.0.0.1')}`;
    for (const path of ['/metrics', '/docs', '/docs/openapi.json']) {
      assert.equal((await fetch(`${audit.url}${path}`)).status, 404, `main port ${path}`);
      assert.equal((await fetch(`${management}${path}`)).status, 200, `management port ${path}`);
    }
    assert.equal((await fetch(`${management}/v1/hook-executions`, { headers: { authorization: `Bearer ${audit.config.ADMIN_TOKENS[0]!}` } })).status, 404);
    assert.equal((await fetch(`${management}/health/ready`)).status, 200);
    const text = await (await fetch(`${audit.url}/health/ready`)).text();
    assert.match(text, /"postgres":\{"status":"up"\}/);
    assertNone(text, [
      DB_PASSWORD,
      url.pathname.slice(1),
      `${url.username}@`,
      `${url.username}:`,
      audit.config.ADMIN_TOKENS[0]!,
      ...(audit.config.AUDITOR_TOKENS ?? []),
    ]);
  });
});
