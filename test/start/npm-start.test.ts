// `npm start` (tools/src/start/start.ts) on the test broker: the whole pipeline comes up, the
// simulator's sessions reach the local SIEM receiver through the runbook hooks and through
// Svix (the stand-in), the live summary counts them, and Ctrl-C leaves no process behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '@hookline/kafka-broker';
import { pollUntil } from '@hookline/kafka/testing';

const brokers = process.env.KAFKA_BROKERS?.trim();

/** Processes whose environment carries this run's HOOKLINE_START_DIR: npm start and everything it started. */
async function processesOf(startDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      if (environ.split('\0').includes(`HOOKLINE_START_DIR=${startDir}`))
        found.push(`${pid} ${(await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ')}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe('npm start', { skip: brokers === undefined ? 'KAFKA_BROKERS is not set' : false }, () => {
  let startDir: string | undefined;
  after(async () => {
    if (startDir !== undefined) await rm(startDir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('runs the pipeline: hooks and Svix deliver the simulated sessions to the receiver; Ctrl-C stops everything', async () => {
    startDir = await mkdtemp(join(tmpdir(), 'hookline-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      HOOKLINE_START_DIR: startDir,
      PRODUCER_PORT: String(await freePort()),
      HOOK_EXECUTOR_PORT: String(await freePort()),
      RELAY_PORT: String(await freePort()),
      AUDIT_PORT: String(await freePort()),
      SIEM_RECEIVER_PORT: '0',
      GIT_HOOK_CONFIG_TTL: '30',
    };
    delete env.SVIX_AUTH_TOKEN;
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['tools/dist/start/start.js', '--rate', '10', '--svix-stand-in'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await pollUntil(() => stdout.includes('hookline is running'), { timeoutMs: 120_000, what: `npm start to come up:\n${stderr.slice(-3000)}` });
      assert.match(stdout, /Svix: stand-in at http:\/\/127\.0\.0\.1:\d+/);

      // Roles kept apart: the admin token is its own, and the ingest token cannot manage endpoints.
      const ingestToken = /producer .*token: (\S+)/.exec(stdout)?.[1];
      const adminToken = /svix-relay .*admin token: (\S+)/.exec(stdout)?.[1];
      assert.ok(ingestToken !== undefined && adminToken !== undefined, stdout);
      assert.notEqual(adminToken, ingestToken);
      const relayUrl = `http://127.0.0.1:${env.RELAY_PORT}`;
      assert.equal((await fetch(`${relayUrl}/v1/event-types`, { headers: { authorization: `Bearer ${ingestToken}` } })).status, 401);
      assert.equal((await fetch(`${relayUrl}/v1/event-types`, { headers: { authorization: `Bearer ${adminToken}` } })).status, 200);

      const hookLines = (): string[] => stdout.split('\n').filter((line) => /^SIEM {2}hook {2}session\.(open|close) {2}sid \S+/.test(line));
      const svixLines = (): string[] => stdout.split('\n').filter((line) => line.startsWith('SIEM  svix  msg_') && line.endsWith('(signature ok)'));
      await pollUntil(() => hookLines().length >= 5 && svixLines().length >= 5, {
        timeoutMs: 90_000,
        what: `sessions at the SIEM receiver:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`,
      });
      assert.ok(!stdout.includes('refused'), 'every hook sent the right token and every Svix delivery verified');

      const summaries = (): RegExpMatchArray[] => [
        ...stderr.matchAll(/^summary {2}produced (\d+) {2}hooks run (\d+) \(failed (\d+)\) {2}published (\d+) {2}delivered (\d+)$/gm),
      ];
      await pollUntil(() => summaries().some((m) => Number(m[2]) > 0 && Number(m[4]) > 0 && Number(m[5]) > 0), {
        timeoutMs: 60_000,
        what: `a summary with hooks, publications and deliveries:\n${stderr.slice(-2000)}`,
      });
      const last = summaries().at(-1)!;
      assert.equal(last[3], '0', 'the example hooks do not fail');

      assert.ok((await processesOf(startDir)).length >= 5, 'start.mjs and its four services run');
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr.slice(-2000));
      assert.match(stderr, /stopped\n$/);
      assert.deepEqual(await processesOf(startDir), [], 'no process of this run is left');
    } finally {
      // On a failure above: stop it the way a user does, so its services stop too; SIGKILL only if that hangs.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
    }
  });
});

describe('npm start with one token for ingest and admin', () => {
  it('refuses before starting anything, without printing the token', () => {
    const shared = 'shared-token-do-not-print-0123';
    const run = spawnSync(process.execPath, ['tools/dist/start/start.js'], {
      env: { ...process.env, INGEST_TOKENS: shared, ADMIN_TOKENS: `other-admin-token-0123456,${shared}` },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /INGEST_TOKENS and ADMIN_TOKENS share a token/);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(shared));
  });
});
