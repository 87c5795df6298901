// Runbooks over ssh against a real OpenSSH server on 127.0.0.1: with the server's real host
// key in GIT_SSH_KNOWN_HOSTS the hooks run; with any other key for that host (a man in the
// middle) nothing is fetched, the service stays not ready, the failure is counted and logged,
// and neither the private key nor anything of it is in the output.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeAll } from '../support/close-all.js';
import { pollUntil } from '@hookline/kafka/testing';
import {
  NO_BROKER_SKIP,
  brokersFromEnv,
  isReady,
  metricValue,
  positionGroupAtEnd,
  sessionOpen,
  startExecutor,
  uniqueId,
  type RunningExecutor,
  startHookStage,
  type HookStageWithRunbooks,
} from './executor-harness.js';
import { SSHD, SshGitServer } from './ssh-server.js';

const skip = brokersFromEnv === undefined ? NO_BROKER_SKIP : SSHD === undefined ? 'sshd is not installed (Debian: openssh-server; .ci/run installs it)' : false;

void describe('runbooks over ssh', { skip }, () => {
  let stage: HookStageWithRunbooks;
  let sshd: SshGitServer;
  const executors: RunningExecutor[] = [];

  before(async () => {
    stage = await startHookStage({ files: { 'hoop-hooks/session-open.runbook.py': 'print("over ssh")\n' } });
    sshd = await SshGitServer.start();
  });

  after(async () => {
    for (const executor of executors) await executor.stop();
    await closeAll(sshd, stage);
  });

  async function executorWith(knownHosts: string): Promise<RunningExecutor> {
    const groupId = uniqueId('git-ssh');
    await positionGroupAtEnd(stage.admin, groupId);
    const executor = await startExecutor({
      groupId,
      env: { RUNBOOKS_GIT_URL: sshd.url(stage.fixture.bare), GIT_SSH_KEY: sshd.clientKey, GIT_SSH_KNOWN_HOSTS: knownHosts, GIT_HOOK_CONFIG_TTL: '1' },
    });
    executors.push(executor);
    return executor;
  }

  void it('the real host key: fetched over ssh with the key, and the hook runs', async () => {
    const executor = await executorWith(sshd.knownHosts);
    await pollUntil(() => isReady(executor.url), { timeoutMs: 30_000, what: `ready over ssh:\n${executor.output().slice(-2000)}\n${sshd.log().slice(-1000)}` });
    const [id] = await stage.sender.send([sessionOpen(uniqueId('sid'))]);
    const [record] = await stage.reader.waitFor([id!]);
    assert.equal(record!.outcome, 'success');
    assert.equal(record!.git_commit, stage.commit);
    assert.equal(record!.stdout.text, 'over ssh\n');
  });

  void it('another host key for the server: refused, not ready, counted, logged without the private key', async () => {
    const executor = await executorWith(sshd.wrongKnownHosts);
    await pollUntil(async () => (await metricValue(executor.url, 'hookline_runbooks_fetch_total', { result: 'failure' })) >= 2, {
      timeoutMs: 30_000,
      what: 'failed fetches',
    });
    assert.equal(await isReady(executor.url), false, 'no snapshot from a server whose host key does not match');
    assert.equal(await metricValue(executor.url, 'hookline_runbooks_fetch_total', { result: 'success' }), 0);
    const output = executor.output();
    assert.match(output, /"reason":"git fetch failed[^"]*Host key verification failed/, 'the fetch failure names the cause');
    const keyBody = sshd.clientKey.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    for (const line of keyBody) assert.ok(!output.includes(line), 'no line of the private key is logged');
  });
});
