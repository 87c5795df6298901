#!/usr/bin/env node
// npm test: build, get a real Kafka broker (KAFKA_BROKERS, else Testcontainers, else the
// Maven-fetched local broker), run every spec and integration test against it, stop it.
// Extra arguments are test file globs: `npm test -- 'dist/test/producer/**/*.test.js'`.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`hookline needs Node 24; this is ${process.version}. Run it through npm (npm test), which puts the repo's own Node 24 first on PATH.`);
  process.exit(1);
}

const DEFAULT_GLOBS = ['libs/*/dist/**/*.spec.js', 'services/*/dist/**/*.spec.js', 'tools/dist/**/*.spec.js', 'dist/test/**/*.test.js'];

const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const { provideKafkaBroker, ensureKafkaDistribution } = await import('@hookline/kafka-broker');
const started = Date.now();
const broker = await provideKafkaBroker({ heapMb: 1024 });
console.log(`kafka: ${broker.kind} broker at ${broker.brokers.join(',')} (${Date.now() - started} ms)${broker.logFile ? `, log ${broker.logFile}` : ''}`);

const env = { ...process.env, KAFKA_BROKERS: broker.brokers.join(','), HOOKLINE_TEST_BROKER_KIND: broker.kind };
// Tests that need Kafka's own Java tools (other-client interop) find them here.
if (!env.KAFKA_CLASSPATH && spawnSync('java', ['-version']).status === 0) {
  try {
    env.KAFKA_CLASSPATH = (await ensureKafkaDistribution()).classpath;
  } catch (err) {
    console.warn(`kafka java tools unavailable: ${String(err)}`);
  }
}

const globs = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_GLOBS;
// --test-force-exit: a test file whose tests are all done ends even if a leaked handle (a Kafka
// socket of a client a test forgot to disconnect) would keep it alive; a leak must never hang CI.
const args = ['--test', '--test-reporter=spec', '--test-concurrency=1', '--test-timeout=300000', '--test-force-exit', ...globs];
const child = spawn(process.execPath, args, { stdio: 'inherit', env });

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await broker.stop().catch((err) => console.error(`stopping the broker failed: ${String(err)}`));
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    child.kill(signal);
    void shutdown(130);
  });
}
child.on('exit', (code, signal) => void shutdown(code ?? (signal ? 1 : 0)));
