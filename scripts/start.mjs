#!/usr/bin/env node
// npm start: the pipeline on embedded defaults. A real Kafka broker (KAFKA_BROKERS when set,
// else a local KRaft broker from Maven Central jars on 127.0.0.1:9092 when free), the
// producer on :8081, and the traffic simulator sending realistic gateway events.
// The other services join here as they land. Ctrl-C stops everything, leaving no process.
//   npm start -- --rate 20 --duration 0 --no-simulator
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    rate: { type: 'string', default: process.env.SIMULATE_RATE ?? '20' },
    duration: { type: 'string', default: process.env.HOOKLINE_START_DURATION ?? '0' },
    'no-simulator': { type: 'boolean', default: false },
  },
});
const rate = Number(opts.rate);
const duration = Number(opts.duration);
if (!Number.isFinite(rate) || rate <= 0) fail(`--rate must be a positive number of events/s, got '${opts.rate}'`);
if (!Number.isFinite(duration) || duration < 0) fail(`--duration must be seconds >= 0 (0 = until Ctrl-C), got '${opts.duration}'`);

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

const cache = join(root, '.cache');
const logDir = join(cache, 'logs');
mkdirSync(logDir, { recursive: true });

const { provideKafkaBroker, DEFAULT_LOCAL_PORT } = await import('@hookline/kafka-broker');
const children = [];
let broker;
let simulator;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  process.stderr.write('\nstopping…\n');
  simulator?.stop();
  await Promise.all(children.map((child) => new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(timer); resolveExit(); });
    child.kill('SIGTERM');
  })));
  await broker?.stop().catch((err) => console.error(`stopping Kafka: ${String(err)}`));
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));

function startService(name, entry, env) {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(root, entry)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${code ?? signal}); see ${join(logDir, `${name}.log`)}`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function waitReady(name, url) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !stopping) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await sleep(250);
  }
  throw new Error(`${name} not ready at ${url} within 90 s; see ${join(logDir, `${name}.log`)}`);
}

try {
  process.stderr.write('starting Kafka…\n');
  broker = await provideKafkaBroker({ preferredPort: DEFAULT_LOCAL_PORT, dataDir: process.env.KAFKA_BROKERS ? undefined : join(cache, 'kafka', 'data-start') });
  const brokers = broker.brokers.join(',');
  const token = process.env.INGEST_TOKENS?.split(',')[0] ?? `local-${randomBytes(18).toString('base64url')}`;
  const producerPort = Number(process.env.PRODUCER_PORT ?? 8081);
  const producerUrl = `http://127.0.0.1:${producerPort}`;

  process.stderr.write('starting the producer…\n');
  startService('producer', 'services/producer/dist/main.js', {
    PORT: String(producerPort), HOST: '127.0.0.1', KAFKA_BROKERS: brokers, INGEST_TOKENS: process.env.INGEST_TOKENS ?? token,
  });
  await waitReady('producer', `${producerUrl}/health/ready`);

  // hook-executor: the example runbooks (examples/runbooks) as a fresh git repository, and a
  // local receiver standing in for the SIEM that prints what the hooks forward.
  process.stderr.write('starting the hook-executor…\n');
  const hookExecutor = await startHookExecutor(brokers);

  // svix-relay: publishing starts when SVIX_AUTH_TOKEN is set; its API takes the same token.
  const relayUrl = `http://127.0.0.1:${process.env.RELAY_PORT ?? 8083}`;
  process.stderr.write('starting the svix-relay…\n');
  startService('svix-relay', 'services/svix-relay/dist/main.js', {
    PORT: String(process.env.RELAY_PORT ?? 8083), HOST: '127.0.0.1', KAFKA_BROKERS: brokers, ADMIN_TOKENS: process.env.ADMIN_TOKENS ?? token,
    DATABASE_EMBEDDED_DIR: process.env.DATABASE_URL ? '' : join(cache, 'svix-relay-db'),
  });
  await waitReady('svix-relay', `${relayUrl}/health/live`);

  console.log(`
hookline is running (Ctrl-C stops everything)
  Kafka            ${brokers}  (${broker.kind}${broker.logFile ? `, log ${broker.logFile}` : ''})
  producer         ${producerUrl}/v1/events   token: ${token}
                   ${producerUrl}/metrics  ${producerUrl}/health/ready
  svix-relay       ${relayUrl}/docs   (same token; publishing ${process.env.SVIX_AUTH_TOKEN ? 'on' : 'off: set SVIX_AUTH_TOKEN'})
  logs             ${logDir}/
  send an event    curl -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' \\
                     -d @examples/events/session-open.json ${producerUrl}/v1/events
  simulator        ${opts['no-simulator'] ? 'off' : `${rate} events/s${duration ? ` for ${duration} s` : ''}`}
`);

  console.log(`  hook-executor    ${hookExecutor.url}/metrics  ${hookExecutor.url}/health/ready
                   runbooks ${hookExecutor.repository}  (hoop-hooks/*.runbook.py; commit there to change them)
  SIEM receiver    ${hookExecutor.siemUrl}  (prints what the hooks forward)
`);

  // audit: embedded database (PGlite) under .cache unless DATABASE_URL is set; the run's token reads its API.
  const auditPort = Number(process.env.AUDIT_PORT ?? 8084);
  const auditUrl = `http://127.0.0.1:${auditPort}`;
  process.stderr.write('starting audit…\n');
  startService('audit', 'services/audit/dist/main.js', {
    PORT: String(auditPort), HOST: '127.0.0.1', KAFKA_BROKERS: brokers, ADMIN_TOKENS: process.env.ADMIN_TOKENS ?? token,
    ...(process.env.DATABASE_URL ? {} : { DATABASE_EMBEDDED_DIR: join(cache, 'audit', 'pglite') }),
  });
  await waitReady('audit', `${auditUrl}/health/ready`);
  console.log(`  audit            ${auditUrl}/v1/sessions/<sid>/timeline   ${auditUrl}/docs   token: ${token}
                   ${auditUrl}/metrics  ${auditUrl}/health/ready
`);

  if (!opts['no-simulator']) {
    const { TrafficSimulator } = await import('@hookline/producer/simulator');
    simulator = new TrafficSimulator({
      url: producerUrl, token, rate, durationSec: duration, progressIntervalMs: 2000,
      onProgress: (p) => process.stderr.write(`events produced ${p.accepted}  rejected ${p.rejected}  retries ${p.retries}  ${p.rate.toFixed(1)}/s\n`),
      onError: (e) => process.stderr.write(`simulator: ${e.status ?? 'network'} ${e.message}\n`),
    });
    const summary = await simulator.run();
    if (duration > 0) {
      console.log(`simulator done: ${summary.accepted} events accepted, ${summary.rejected} rejected`);
      await shutdown(summary.rejected > 0 ? 1 : 0);
    }
  } else if (duration > 0) {
    await sleep(duration * 1000);
    await shutdown(0);
  }
} catch (err) {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
}

/** The example runbooks repository, a receiver standing in for the SIEM, and the hook-executor on :8082. */
async function startHookExecutor(brokers) {
  const { execFileSync } = await import('node:child_process');
  const { cpSync, rmSync } = await import('node:fs');
  const { createServer } = await import('node:http');
  const { pathToFileURL } = await import('node:url');
  const repository = join(cache, 'runbooks-example');
  rmSync(repository, { recursive: true, force: true });
  cpSync(join(root, 'examples', 'runbooks'), repository, { recursive: true });
  const git = (...args) => execFileSync('git', ['-c', 'user.name=hookline', '-c', 'user.email=hookline@localhost', ...args], { cwd: repository, stdio: 'ignore' });
  git('init', '-q', '--initial-branch=main');
  git('add', '-A');
  git('commit', '-qm', 'example runbooks');

  const siemToken = `siem-${randomBytes(12).toString('base64url')}`;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const authorized = req.headers.authorization === `Bearer ${siemToken}`;
      try {
        const { kind, event } = JSON.parse(body);
        const what = event.event_session_open
          ? `${event.event_session_open.user_email} ${event.event_session_open.verb} ${event.event_session_open.connection_name}`
          : `exit ${event.event_session_close?.exit_code}`;
        console.log(`SIEM  ${kind}  sid ${event.sid}  ${what}${authorized ? '' : '  (bad token!)'}`);
      } catch {
        console.log(`SIEM  unreadable body (${body.length} bytes)`);
      }
      res.writeHead(authorized ? 204 : 401).end();
    });
  });
  const siemPort = Number(process.env.SIEM_RECEIVER_PORT ?? 8099);
  await new Promise((resolveListen, rejectListen) => {
    receiver.once('error', rejectListen);
    receiver.listen(siemPort, '127.0.0.1', resolveListen);
  });
  receiver.unref();
  const siemUrl = `http://127.0.0.1:${siemPort}/collector`;

  const port = Number(process.env.HOOK_EXECUTOR_PORT ?? 8082);
  startService('hook-executor', 'services/hook-executor/dist/main.js', {
    PORT: String(port), HOST: '127.0.0.1', KAFKA_BROKERS: brokers,
    RUNBOOKS_GIT_URL: pathToFileURL(repository).href, GIT_HOOK_CONFIG_TTL: process.env.GIT_HOOK_CONFIG_TTL ?? '30',
    RUNBOOKS_DIR: join(cache, 'hook-executor'),
    HOOK_ENV_SIEM_URL: siemUrl, HOOK_ENV_SIEM_TOKEN: siemToken,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady('hook-executor', `${url}/health/ready`);
  return { url, repository, siemUrl };
}
