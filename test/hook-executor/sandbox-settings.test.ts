// HOOK_SANDBOX at start: with hooks on and no working sandbox the service refuses to start
// with one line naming the setting and the reason; an explicit off is logged, shown in
// readiness and in a metric — and hooks then run unconfined, as the service user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NO_BROKER_SKIP, brokersFromEnv, metricValue, startExecutor, uniqueId, type RunningExecutor } from './executor-harness.js';
import { RunbooksFixture } from './runbooks-fixture.js';
import { pollUntil } from '@hookline/kafka/testing';
import { closeAll } from '../support/close-all.js';

void describe('HOOK_SANDBOX at start', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let fixture: RunbooksFixture;
  const executors: RunningExecutor[] = [];

  before(() => {
    fixture = RunbooksFixture.create();
    fixture.commit({ 'hoop-hooks/session-open.runbook.py': 'print("hi")\n' });
  });

  after(async () => {
    for (const executor of executors) await executor.stop();
    await closeAll(fixture);
  });

  void it('hooks on and a sandbox that cannot start the interpreter: refuses to start with one line naming HOOK_SANDBOX and the reason', async () => {
    const executor = await startExecutor({
      env: { RUNBOOKS_GIT_URL: fixture.fileUrl, GIT_HOOK_CONFIG_TTL: '60', HOOK_INTERPRETER: 'python3.99' },
      noWait: true,
      groupId: uniqueId('no-sandbox'),
    });
    executors.push(executor);
    assert.equal(await executor.exited(), 1);
    const lines = executor.output().trim().split('\n');
    assert.equal(lines.length, 1, executor.output());
    assert.match(lines[0]!, /^hook-executor refuses to start: HOOK_SANDBOX=on but bwrap could not start a sandbox: .*python3\.99/);
  });

  void it('HOOK_SANDBOX=off: warned at start, shown in /health/ready and hookline_hook_sandbox_enabled 0', async () => {
    const executor = await startExecutor({
      env: { RUNBOOKS_GIT_URL: fixture.fileUrl, GIT_HOOK_CONFIG_TTL: '60', HOOK_SANDBOX: 'off' },
      groupId: uniqueId('sandbox-off'),
    });
    executors.push(executor);
    assert.ok(
      executor.logs.some((log) => log.level === 'warn' && log.setting === 'HOOK_SANDBOX' && String(log.msg).includes('HOOK_SANDBOX=off')),
      'the start says hooks are unconfined',
    );
    assert.equal(await metricValue(executor.url, 'hookline_hook_sandbox_enabled'), 0);
    const ready = await pollUntil(
      async () => {
        const body = (await (await fetch(`${executor.url}/health/ready`)).json()) as { details?: Record<string, { detail?: Record<string, unknown> }> };
        return body.details?.sandbox?.detail;
      },
      { timeoutMs: 30_000, what: 'sandbox in /health/ready' },
    );
    assert.equal(ready.sandbox, 'off');
  });

  void it('HOOK_SANDBOX=on (default): hookline_hook_sandbox_enabled 1, readiness says on', async () => {
    const executor = await startExecutor({ env: { RUNBOOKS_GIT_URL: fixture.fileUrl, GIT_HOOK_CONFIG_TTL: '60' }, groupId: uniqueId('sandbox-on') });
    executors.push(executor);
    assert.equal(await metricValue(executor.url, 'hookline_hook_sandbox_enabled'), 1);
    assert.ok(!executor.logs.some((log) => log.setting === 'HOOK_SANDBOX'));
  });
});
