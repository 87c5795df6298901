// What the hook-executor refuses before it runs git (a token in the URL would land in git's argv,
// visible in `ps`; plain http sends GIT_PASSWORD in clear; a "-host" is read as an option), what it
// never shows (a URL's query string), and a RUNBOOKS_DIR another user could write hooks into.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '@hookline/kafka/testing';
import { NO_BROKER_SKIP, brokersFromEnv, executorSuite } from './executor-harness.js';
import { startGitHttpServer } from './git-http-server.js';
import { RunbooksFixture } from './runbooks-fixture.js';

const TOKEN = 'glpat-Hardening-T0ken-4711';
const NOBODY = 65534;

void describe('git URL and RUNBOOKS_DIR hardening', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  const suite = executorSuite('git-hardening', { HOOK_TIMEOUT_SECONDS: '10', GIT_HOOK_CONFIG_TTL: '1' });
  const { cleanup, executorFor } = suite;

  async function refusal(env: Record<string, string>): Promise<string> {
    const executor = await executorFor(env, { noWait: true });
    assert.equal(await executor.exited(), 1, `refuses to start: ${executor.output()}`);
    return executor.output();
  }

  void it('refuses a token as the user part, plain http without RUNBOOKS_GIT_ALLOW_INSECURE, and a host starting with "-": exit 1, why, never the token', async () => {
    const tokenAsUser = await refusal({ RUNBOOKS_GIT_URL: `https://${TOKEN}@127.0.0.1:9/runbooks.git` });
    assert.match(tokenAsUser, /refuses to start: .*RUNBOOKS_GIT_URL: carries user info/);
    assert.ok(!tokenAsUser.includes(TOKEN), 'the token is never echoed');

    const http = await refusal({ RUNBOOKS_GIT_URL: 'http://127.0.0.1:9/runbooks.git' });
    assert.match(http, /RUNBOOKS_GIT_URL: plain http .*RUNBOOKS_GIT_ALLOW_INSECURE=true/);

    const dashHost = await refusal({
      RUNBOOKS_GIT_URL: 'ssh://-oProxyCommand=touch/runbooks.git',
      GIT_SSH_KEY: 'k',
      GIT_SSH_KNOWN_HOSTS: 'h ssh-ed25519 AAAA',
    });
    assert.match(dashHost, /RUNBOOKS_GIT_URL: the host starts with "-"/);
  });

  void it('a query string in the git URL shows in no log line, readiness answer or metric', async () => {
    const fixture = RunbooksFixture.create();
    cleanup.push(() => fixture.remove());
    fixture.commit({ 'hoop-hooks/session-open.runbook.py': 'print("x")\n' });
    const server = await startGitHttpServer(fixture.root, { user: 'runbooks', password: 'pw-not-the-point' }, 0);
    cleanup.push(() => server.close());
    const executor = await executorFor({
      RUNBOOKS_GIT_URL: `${server.url}/runbooks.git?private_token=${TOKEN}`,
      RUNBOOKS_GIT_ALLOW_INSECURE: 'true',
    });
    const line = await pollUntil(() => executor.logs.find((l) => l.msg === 'runbooks fetch failed; no snapshot yet, hooks wait'), {
      timeoutMs: 20_000,
      what: 'a failed fetch',
    });
    assert.equal(line.url, `${server.url}/runbooks.git?***`);
    const ready = await (await fetch(`${executor.url}/health/ready`)).text();
    const metrics = await (await fetch(`${executor.url}/metrics`)).text();
    assert.match(ready, /runbooks/);
    for (const [where, text] of [
      ['logs', executor.output()],
      ['readiness', ready],
      ['metrics', metrics],
    ] as const) {
      assert.ok(!text.includes(TOKEN) && !text.includes('private_token='), `the query string is not in ${where}`);
    }
  });

  void it('RUNBOOKS_DIR group- or world-writable, or owned by another user: refuses to start; a 0700 folder of its own is used', async () => {
    const fixture = RunbooksFixture.create();
    cleanup.push(() => fixture.remove());
    fixture.commit({ 'hoop-hooks/session-open.runbook.py': 'print("x")\n' });
    const dir = mkdtempSync(join(tmpdir(), 'hookline-runbooks-dir-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { RUNBOOKS_GIT_URL: fixture.fileUrl, RUNBOOKS_DIR: dir };

    chmodSync(dir, 0o777);
    assert.match(await refusal(env), /refuses to start: RUNBOOKS_DIR is writable by its group or by others \(mode 777\)/);
    chmodSync(dir, 0o770);
    assert.match(await refusal(env), /RUNBOOKS_DIR is writable by its group or by others \(mode 770\)/);
    chmodSync(dir, 0o700);
    chownSync(dir, NOBODY, NOBODY);
    assert.match(await refusal(env), new RegExp(`RUNBOOKS_DIR is owned by uid ${NOBODY}, not by this service's user`));
    chownSync(dir, process.getuid!(), process.getgid!());

    const missing = join(dir, 'state', 'runbooks');
    const executor = await executorFor({ ...env, RUNBOOKS_DIR: missing });
    assert.equal(executor.child.exitCode, null, 'starts with its own folder');
    assert.equal(statSync(missing).mode & 0o777, 0o700, 'created 0700');
  });
});
