#!/usr/bin/env node
// npm start: the whole pipeline on embedded defaults. A real Kafka broker (KAFKA_BROKERS when
// set, else a local KRaft broker from Maven Central jars on 127.0.0.1:9092 when free), the
// producer (:8081), the hook-executor (:8082) running the example runbooks from a local git
// repository, the svix-relay (:8083), audit (:8084); both on DATABASE_URL, else on one embedded
// PostgreSQL (PGlite served on 127.0.0.1, a free port), a
// local receiver standing in for the SIEM (:8099) and the traffic simulator. Svix publishing
// when SVIX_AUTH_TOKEN is set (SVIX_SERVER_URL for a self-hosted Svix), or with --svix-stand-in
// (the test suite's Svix stand-in, delivering to the local receiver). Ctrl-C stops everything,
// leaving no process behind.
//   npm start -- --rate 20 --duration 0 --no-simulator --svix-stand-in
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startSiemReceiver } from './siem-receiver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    rate: { type: 'string', default: process.env.SIMULATE_RATE ?? '20' },
    duration: { type: 'string', default: process.env.HOOKLINE_START_DURATION ?? '0' },
    'no-simulator': { type: 'boolean', default: false },
    'svix-stand-in': { type: 'boolean', default: false },
  },
});
const rate = Number(opts.rate);
const duration = Number(opts.duration);
if (!Number.isFinite(rate) || rate <= 0) fail(`--rate must be a positive number of events/s, got '${opts.rate}'`);
if (!Number.isFinite(duration) || duration < 0) fail(`--duration must be seconds >= 0 (0 = until Ctrl-C), got '${opts.duration}'`);
const tokenList = (text) => (text ?? '').split(',').map((item) => item.trim()).filter(Boolean);
if (tokenList(process.env.INGEST_TOKENS).some((item) => tokenList(process.env.ADMIN_TOKENS).includes(item))) fail('INGEST_TOKENS and ADMIN_TOKENS share a token (not shown): give the admins their own');
if (opts['svix-stand-in'] && process.env.SVIX_AUTH_TOKEN) fail('--svix-stand-in and SVIX_AUTH_TOKEN both given: choose the stand-in or your Svix');

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

function port(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) fail(`${name} must be a port number, got '${process.env[name]}'`);
  return value;
}

// Where this run keeps its state (logs, the runbooks repository, embedded databases).
const cache = process.env.HOOKLINE_START_DIR ?? join(root, '.cache');
const logDir = join(cache, 'logs');
mkdirSync(logDir, { recursive: true });

const { provideKafkaBroker, DEFAULT_LOCAL_PORT } = await import('@hookline/kafka-broker');
const children = [];
const closers = [];
let broker;
let simulator;
let summaryTimer;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  clearInterval(summaryTimer);
  process.stderr.write('\nstopping…\n');
  simulator?.stop();
  await Promise.all(children.map((child) => new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(timer); resolveExit(); });
    child.kill('SIGTERM');
  })));
  for (const close of closers) await close().catch(() => undefined);
  await broker?.stop().catch((err) => console.error(`stopping Kafka: ${String(err)}`));
  process.stderr.write('stopped\n');
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

async function api(url, method, path, token, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Sum of a metric's samples on a /metrics page whose labels all match `labels` (values or predicates). */
async function metricSum(url, name, labels = {}) {
  const text = await fetch(`${url}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.includes('{') ? line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')) : '';
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const match = Object.entries(labels).every(([key, want]) => (typeof want === 'function' ? want(found[key]) : found[key] === want));
    if (match) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

/** The example runbooks (examples/runbooks) committed to a fresh local git repository. */
function exampleRunbooksRepository() {
  const repository = join(cache, 'runbooks-example');
  rmSync(repository, { recursive: true, force: true });
  cpSync(join(root, 'examples', 'runbooks'), repository, { recursive: true });
  const git = (...args) => execFileSync('git', ['-c', 'user.name=hookline', '-c', 'user.email=hookline@localhost', ...args], { cwd: repository, stdio: 'ignore' });
  git('init', '-q', '--initial-branch=main');
  git('add', '-A');
  git('commit', '-qm', 'example runbooks');
  return repository;
}

try {
  process.stderr.write('starting Kafka…\n');
  broker = await provideKafkaBroker({ preferredPort: DEFAULT_LOCAL_PORT, dataDir: process.env.KAFKA_BROKERS ? undefined : join(cache, 'kafka', 'data-start') });
  const brokers = broker.brokers.join(',');
  const token = process.env.INGEST_TOKENS?.split(',')[0] ?? `local-${randomBytes(18).toString('base64url')}`;
  // A token of its own: whoever holds the gateway's ingest token must not manage endpoints.
  const adminToken = process.env.ADMIN_TOKENS?.split(',')[0] ?? `admin-${randomBytes(18).toString('base64url')}`;
  const urls = {
    producer: `http://127.0.0.1:${port('PRODUCER_PORT', 8081)}`,
    hookExecutor: `http://127.0.0.1:${port('HOOK_EXECUTOR_PORT', 8082)}`,
    relay: `http://127.0.0.1:${port('RELAY_PORT', 8083)}`,
    audit: `http://127.0.0.1:${port('AUDIT_PORT', 8084)}`,
  };
  // SERVICE_PROCESS_ENV: the small young generation and malloc arenas the images run with.
  const { SERVICE_PROCESS_ENV } = await import('@hookline/observability');
  const base = { HOST: '127.0.0.1', KAFKA_BROKERS: brokers, ...SERVICE_PROCESS_ENV };
  // One embedded PostgreSQL for the relay and audit (their tables and migration journals differ).
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const { startEmbeddedPostgres } = await import('@hookline/database/embedded');
    const embedded = await startEmbeddedPostgres({ dataDir: join(cache, 'postgres') });
    closers.push(embedded.stop);
    databaseUrl = embedded.url;
  }

  // The SIEM stand-in: hooks forward to /collector with a bearer token, Svix delivers to /svix/<org>.
  const siemToken = `siem-${randomBytes(12).toString('base64url')}`;
  const receiver = await startSiemReceiver({ port: port('SIEM_RECEIVER_PORT', 8099), token: siemToken });
  closers.push(receiver.close);

  // Svix: the user's (SVIX_AUTH_TOKEN), the stand-in (--svix-stand-in), or none (publishing off).
  let svix;
  if (opts['svix-stand-in']) {
    const standInModule = join(root, 'dist/test/fixtures/svix-stand-in/index.js');
    if (!existsSync(standInModule)) throw new Error(`${standInModule} is missing: run npm run build`);
    const { SvixStandIn } = await import(pathToFileURL(standInModule).href);
    const standIn = await SvixStandIn.start();
    closers.push(() => standIn.close());
    svix = { SVIX_AUTH_TOKEN: standIn.token, SVIX_SERVER_URL: standIn.url, what: `stand-in at ${standIn.url}` };
  } else if (process.env.SVIX_AUTH_TOKEN) {
    svix = { SVIX_AUTH_TOKEN: process.env.SVIX_AUTH_TOKEN, ...(process.env.SVIX_SERVER_URL ? { SVIX_SERVER_URL: process.env.SVIX_SERVER_URL } : {}), what: process.env.SVIX_SERVER_URL ?? 'Svix (SaaS)' };
  }
  const svixEnv = svix === undefined ? {} : { SVIX_AUTH_TOKEN: svix.SVIX_AUTH_TOKEN, ...(svix.SVIX_SERVER_URL ? { SVIX_SERVER_URL: svix.SVIX_SERVER_URL } : {}) };

  process.stderr.write('starting the producer, hook-executor, svix-relay and audit…\n');
  startService('producer', 'services/producer/dist/main.js', { ...base, PORT: new URL(urls.producer).port, INGEST_TOKENS: process.env.INGEST_TOKENS ?? token });
  const repository = exampleRunbooksRepository();
  startService('hook-executor', 'services/hook-executor/dist/main.js', {
    ...base, PORT: new URL(urls.hookExecutor).port,
    RUNBOOKS_GIT_URL: pathToFileURL(repository).href, GIT_HOOK_CONFIG_TTL: process.env.GIT_HOOK_CONFIG_TTL ?? '30',
    RUNBOOKS_DIR: join(cache, 'hook-executor'),
    HOOK_ENV_SIEM_URL: receiver.collectorUrl, HOOK_ENV_SIEM_TOKEN: siemToken,
  });
  startService('svix-relay', 'services/svix-relay/dist/main.js', {
    ...base, ...svixEnv, PORT: new URL(urls.relay).port, ADMIN_TOKENS: adminToken,
    // The local receiver is on loopback: allowed explicitly, and nothing else private is.
    ENDPOINT_URL_ALLOW: process.env.ENDPOINT_URL_ALLOW ?? new URL(receiver.url).hostname,
    DATABASE_URL: databaseUrl,
  });
  startService('audit', 'services/audit/dist/main.js', {
    ...base, ...svixEnv, PORT: new URL(urls.audit).port, ADMIN_TOKENS: adminToken,
    ...(svix === undefined ? {} : { SVIX_ATTEMPT_POLL_SECONDS: process.env.SVIX_ATTEMPT_POLL_SECONDS ?? '2' }),
    DATABASE_URL: databaseUrl,
  });
  await Promise.all([
    waitReady('producer', `${urls.producer}/health/ready`),
    waitReady('hook-executor', `${urls.hookExecutor}/health/ready`),
    waitReady('svix-relay', `${urls.relay}/health/live`),
    waitReady('audit', `${urls.audit}/health/ready`),
  ]);

  // With the stand-in, the demo is wired end to end: the simulator's connections have the
  // webhooks plugin, and each simulated organisation has an endpoint at the local receiver.
  if (opts['svix-stand-in']) {
    const { SIMULATED_ORG_IDS, SIMULATED_CONNECTIONS } = await import('@hookline/producer/simulator');
    for (const org of SIMULATED_ORG_IDS) {
      for (const connection of SIMULATED_CONNECTIONS) {
        await api(urls.relay, 'PUT', `/v1/plugins/webhooks/connections/${encodeURIComponent(org)}/${encodeURIComponent(connection.name)}`, adminToken);
      }
      const endpoint = await api(urls.relay, 'POST', `/v1/orgs/${encodeURIComponent(org)}/endpoints`, adminToken, { url: receiver.svixUrl(org), description: 'local SIEM receiver' });
      const { Svix } = await import('svix');
      const secret = await new Svix(svix.SVIX_AUTH_TOKEN, { serverUrl: svix.SVIX_SERVER_URL }).endpoint.getSecret(org, endpoint.id);
      receiver.setSvixSecret(org, secret.key);
    }
  }

  console.log(`
hookline is running (Ctrl-C stops everything)
  Kafka            ${brokers}  (${broker.kind}${broker.logFile ? `, log ${broker.logFile}` : ''})
  producer         ${urls.producer}/v1/events   token: ${token}
  hook-executor    ${urls.hookExecutor}/health/ready   runbooks: ${repository} (commit there to change the hooks)
  svix-relay       ${urls.relay}/docs   admin token: ${adminToken}   Svix: ${svix?.what ?? 'off (set SVIX_AUTH_TOKEN, or npm start -- --svix-stand-in)'}
  audit            ${urls.audit}/docs   ${urls.audit}/v1/sessions/<sid>/timeline   admin token: ${adminToken}
  SIEM receiver    ${receiver.url}  (prints what the hooks and Svix deliver)
  metrics          ${Object.values(urls).map((u) => `${u}/metrics`).join('  ')}
  logs             ${logDir}/
  CLI              HOOKLINE_TOKEN=${adminToken} npm run hookline -- admin get hookruns
  send an event    curl -H 'Authorization: Bearer ${token}' -H 'content-type: application/json' \\
                     -d @examples/events/session-open.json ${urls.producer}/v1/events
  simulator        ${opts['no-simulator'] ? 'off' : `${rate} events/s${duration ? ` for ${duration} s` : ''}`}
`);

  // The live one-line summary, read from the services' own metrics.
  const printSummary = async () => {
    const [produced, hooks, hookFailures, published, delivered] = await Promise.all([
      metricSum(urls.producer, 'hookline_ingest_events_total', { outcome: 'accepted' }),
      metricSum(urls.hookExecutor, 'hookline_hook_executions_total', { outcome: (o) => o !== 'skipped' }),
      metricSum(urls.hookExecutor, 'hookline_hook_executions_total', { outcome: (o) => o === 'failure' || o === 'timeout' || o === 'error' }),
      metricSum(urls.relay, 'hookline_relay_published_total'),
      metricSum(urls.audit, 'hookline_delivery_attempts_total', { status: 'success' }),
    ]);
    if (!stopping) process.stderr.write(`summary  produced ${produced}  hooks run ${hooks} (failed ${hookFailures})  published ${published}  delivered ${delivered}\n`);
  };
  summaryTimer = setInterval(() => void printSummary(), 2_000);

  if (!opts['no-simulator']) {
    const { TrafficSimulator } = await import('@hookline/producer/simulator');
    simulator = new TrafficSimulator({
      url: urls.producer, token, rate, durationSec: duration, progressIntervalMs: 10_000,
      onError: (e) => process.stderr.write(`simulator: ${e.status ?? 'network'} ${e.message}\n`),
    });
    const summary = await simulator.run();
    if (duration > 0) {
      console.log(`simulator done: ${summary.accepted} events accepted, ${summary.rejected} rejected`);
      await sleep(3_000);
      await printSummary();
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
