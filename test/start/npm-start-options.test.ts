// `npm start`'s options as a newcomer meets them: --help, one-line errors for bad usage, a
// --runbooks that is not there, one run per state directory (a lock, stale ones taken over),
// --fresh keeping the Kafka jars, and --quiet's summary line.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '@hookline/kafka-broker';

const START = 'tools/dist/start/start.js';
const LOCK = 'npm-start.lock';
const stateDirs: string[] = [];

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-start-options-'));
  stateDirs.push(dir);
  return dir;
}

function start(args: string[], dir = stateDir()): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [START, ...args], { env: { ...process.env, HOOKLINE_START_DIR: dir }, encoding: 'utf8', timeout: 60_000 });
}

/** A pid no process has any more: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

after(() => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('npm start: usage', () => {
  it('--help lists every option and exits 0 without starting anything', () => {
    const dir = stateDir();
    const run = start(['--help'], dir);
    assert.equal(run.status, 0, run.stderr);
    for (const option of ['--rate', '--duration', '--no-simulator', '--svix-stand-in', '--runbooks', '--fresh', '--quiet', '--help'])
      assert.ok(run.stdout.includes(option), option);
    assert.ok(!existsSync(join(dir, LOCK)));
  });

  it('hostile: an unknown option, a bad value or a stray argument is one line and exit 2, not a stack trace', () => {
    for (const args of [['--bogus'], ['--rate', 'fast'], ['--rate', '-5'], ['--duration', 'soon'], ['extra-argument'], ['--runbooks']]) {
      const run = start(args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^npm start: .+\n$/, args.join(' '));
      assert.ok(!run.stderr.includes('    at '), 'no stack trace');
    }
  });

  it('hostile: a --runbooks folder that does not exist is refused before anything starts, and the lock is released', () => {
    const dir = stateDir();
    const run = start(['--runbooks', '/nonexistent/runbooks-folder'], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stderr, 'npm start: --runbooks /nonexistent/runbooks-folder: no such folder (give a runbooks folder or a git URL)\n');
    assert.ok(!existsSync(join(dir, LOCK)));
    assert.ok(!existsSync(join(dir, 'kafka')), 'no broker was started');
  });

  it('hostile: a RUNBOOKS_GIT_URL that is unsafe is named (credentials not shown) and refused', () => {
    const run = spawnSync(process.execPath, [START], {
      env: { ...process.env, HOOKLINE_START_DIR: stateDir(), RUNBOOKS_GIT_URL: 'https://user:s3cret-password@example.com/runbooks.git' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^npm start: RUNBOOKS_GIT_URL .* cannot be used: /);
    assert.ok(!run.stderr.includes('s3cret-password'));
  });
});

describe('npm start: one run per state directory', () => {
  it('hostile: a lock held by a live process refuses a second start with its pid, and leaves the lock alone', () => {
    const dir = stateDir();
    writeFileSync(join(dir, LOCK), `${process.pid}\n`);
    const run = start(['--no-simulator'], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`^npm start: another npm start \\(pid ${process.pid}\\) is running on ${dir}: stop it first`));
    assert.equal(readFileSync(join(dir, LOCK), 'utf8'), `${process.pid}\n`);
    assert.ok(!existsSync(join(dir, 'kafka')), 'no broker was started');
  });

  it('a stale lock (its pid is gone) or a garbled one is taken over', () => {
    for (const content of [`${deadPid()}\n`, 'not a pid\n']) {
      const dir = stateDir();
      writeFileSync(join(dir, LOCK), content);
      // Stops right after the lock, at the runbooks check: the message is that one, not the lock's.
      const run = start(['--runbooks', join(dir, 'missing')], dir);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /--runbooks .*missing: no such folder/);
      assert.ok(!existsSync(join(dir, LOCK)), 'released on the way out');
    }
  });
});

describe('npm start --fresh', () => {
  it("wipes the previous run's state and keeps the downloaded Kafka jars", () => {
    const dir = stateDir();
    const kept = join(dir, 'kafka', '4.3.1', 'libs', 'kafka_2.13-4.3.1.jar');
    const wiped = [
      join(dir, 'kafka', 'data-start', 'meta.properties'),
      join(dir, 'logs', 'producer.log'),
      join(dir, 'postgres', 'PG_VERSION'),
      join(dir, 'audit', 'pglite', 'PG_VERSION'),
      join(dir, 'svix-relay-db', 'PG_VERSION'),
      join(dir, 'hook-executor', 'snapshots', 'x'),
    ];
    for (const file of [kept, ...wiped]) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, 'old run');
    }
    const run = start(['--fresh', '--runbooks', join(dir, 'missing')], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.equal(readFileSync(kept, 'utf8'), 'old run');
    for (const file of wiped) assert.ok(!existsSync(file), file);
  });
});

const brokers = process.env.KAFKA_BROKERS?.trim();

describe('npm start --quiet', { skip: brokers === undefined ? 'KAFKA_BROKERS is not set' : false }, () => {
  it('prints no event lines; its summary line also has consumer lag and failing endpoints; the banner has organisations and every token', async () => {
    const dir = stateDir();
    const { SVIX_AUTH_TOKEN: _svix, DATABASE_URL: _database, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, KAFKA_BROKERS: brokers, HOOKLINE_START_DIR: dir, SIEM_RECEIVER_PORT: '0' };
    for (const name of ['PRODUCER_PORT', 'HOOK_EXECUTOR_PORT', 'RELAY_PORT', 'AUDIT_PORT']) env[name] = String(await freePort());
    const child = spawn(process.execPath, [START, '--quiet', '--rate', '10', '--duration', '20', '--svix-stand-in', '--runbooks', 'examples/runbooks'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), 240_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    assert.equal(code, 0, stderr.slice(-3000));
    assert.match(stdout, /^ {2}organisations +[0-9a-f-]{36} {2}/m);
    assert.match(stdout, /^ {2}SIEM receiver +http:\/\/127\.0\.0\.1:\d+ {2}token: siem-\S+/m);
    assert.match(stdout, /^ {2}producer .*token: \S+/m);
    assert.match(stdout, /^ {2}svix-relay .*admin token: \S+/m);
    assert.ok(!/^SIEM {2}/m.test(stdout), 'no event lines in --quiet');
    assert.match(
      stderr,
      /^summary {2}produced \d+ {2}hooks run \d+ \(failed \d+\) {2}published \d+ {2}delivered \d+ {2}consumer lag \d+ {2}failing endpoints \d+ {2}SIEM received \d+ \(refused 0\)$/m,
    );
    assert.ok(!existsSync(join(dir, LOCK)), 'the lock is released at the end');
  });
});
