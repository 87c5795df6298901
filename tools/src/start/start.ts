#!/usr/bin/env node
// npm start: the whole pipeline on embedded defaults. A real Kafka broker (KAFKA_BROKERS when
// set, else a local KRaft broker from Maven Central jars on 127.0.0.1:9092 when free), the
// producer (:8081), the hook-executor (:8082) running the runbooks (--runbooks, else
// RUNBOOKS_GIT_URL, else the examples) from git, the svix-relay (:8083), audit (:8084; both on
// one embedded PostgreSQL unless DATABASE_URL), a local receiver standing in for the SIEM (:8099) and the
// traffic simulator. Svix publishing when SVIX_AUTH_TOKEN is set (SVIX_SERVER_URL for a
// self-hosted Svix), or with --svix-stand-in (the Svix stand-in, delivering to the local
// receiver). One run per state directory (a lock); Ctrl-C stops everything, leaving no
// process behind. `npm start -- --help` lists the options.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { auditSettings } from '@hookline/audit';
import { startEmbeddedPostgres } from '@hookline/database/embedded';
import { AUDIT_METRICS, DEFAULT_PORT as AUDIT_PORT } from '@hookline/audit/constants';
import { ApiClient, CLI_DEFAULTS, CLI_ENV } from '@hookline/cli';
import type { hookExecutorSettings } from '@hookline/hook-executor';
import { DEFAULT_PORT as HOOK_EXECUTOR_PORT, HOOK_ENV_PREFIX, HOOK_METRICS } from '@hookline/hook-executor/constants';
import { DEFAULT_LOCAL_PORT, provideKafkaBroker, type KafkaBrokerHandle } from '@hookline/kafka-broker';
import { SERVICE_PROCESS_ENV } from '@hookline/observability';
import type { producerSettings } from '@hookline/producer';
import { DEFAULT_PORT as PRODUCER_PORT, INGEST_METRICS, INGEST_PATH } from '@hookline/producer/constants';
import type { relaySettings } from '@hookline/svix-relay';
import { API_PREFIX, DEFAULT_PORT as RELAY_PORT, RELAY_METRICS, WEBHOOKS_PLUGIN } from '@hookline/svix-relay/constants';
import { SIMULATED_CONNECTIONS, SIMULATED_ORG_IDS, TrafficSimulator } from '../simulator/index.js';
import { startSiemReceiver, type SiemReceiver } from '../siem-receiver/siem-receiver.js';
import { acquireStartLock } from './start-lock.js';
import { parseStartOptions, StartUsageError, type StartOptions } from './start-options.js';
import { ensureStartState, startStatePaths, wipeStartState, type StartStatePaths } from './start-state.js';
import { resolveRunbooks, type RunbooksSource } from './runbooks-source.js';
import { metricSum } from './service-metrics.js';
import { START_DEFAULTS, START_ENV, START_EXIT } from './start.constant.js';

/** A service's environment keyed by its settings' names: a misspelt or removed name does not compile. */
type ServiceEnv<D> = { readonly [K in keyof D]?: string };

const root = fileURLToPath(new URL('../../../', import.meta.url));

function fail(message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(START_EXIT.usage);
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) fail(`${name} must be a port number, got '${raw}'`);
  return value;
}

/** The user's value of a service's setting, read by its name in that service's definition (checked at compile time). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- D is the settings definition the name is checked against at the call site.
function userSetting<D>(name: keyof D & string): string | undefined {
  return process.env[name]?.trim() || undefined;
}

const tokenList = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

let options: StartOptions;
try {
  const command = parseStartOptions(process.argv.slice(2), process.env, (text) => process.stdout.write(text));
  if ('exitCode' in command) process.exit(command.exitCode);
  options = command.run;
} catch (error) {
  if (error instanceof StartUsageError) fail(error.message);
  throw error;
}
const ingestTokensName: keyof typeof producerSettings = 'INGEST_TOKENS';
const adminTokensName: keyof typeof relaySettings = 'ADMIN_TOKENS';
const svixTokenName: keyof typeof relaySettings = 'SVIX_AUTH_TOKEN';
if (
  tokenList(userSetting<typeof producerSettings>(ingestTokensName)).some((item) => tokenList(userSetting<typeof relaySettings>(adminTokensName)).includes(item))
) {
  fail(`${ingestTokensName} and ${adminTokensName} share a token (not shown): give the admins their own`);
}
if (options.svixStandIn && userSetting<typeof relaySettings>(svixTokenName) !== undefined)
  fail(`--svix-stand-in and ${svixTokenName} both given: choose the stand-in or your Svix`);

const urls = {
  producer: `http://127.0.0.1:${port(START_ENV.producerPort, PRODUCER_PORT)}`,
  hookExecutor: `http://127.0.0.1:${port(START_ENV.hookExecutorPort, HOOK_EXECUTOR_PORT)}`,
  relay: `http://127.0.0.1:${port(START_ENV.relayPort, RELAY_PORT)}`,
  audit: `http://127.0.0.1:${port(START_ENV.auditPort, AUDIT_PORT)}`,
};
const siemReceiverPort = port(START_ENV.siemReceiverPort, START_DEFAULTS.siemReceiverPort);

// Where this run keeps its state (logs, the runbooks repository, the broker's data, embedded databases).
const stateDir = process.env[START_ENV.dir] ?? join(root, '.cache');
mkdirSync(stateDir, { recursive: true });
let releaseLock: () => void;
try {
  releaseLock = acquireStartLock(stateDir);
} catch (error) {
  fail((error as Error).message);
}
const paths = startStatePaths(stateDir);
if (options.fresh) wipeStartState(paths);
ensureStartState(paths);
let runbooks: RunbooksSource;
try {
  runbooks = resolveRunbooks(options.runbooks, { env: process.env, root, copyDir: paths.runbooksCopy });
} catch (error) {
  releaseLock();
  fail(error instanceof Error ? error.message : String(error));
}

const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
let broker: KafkaBrokerHandle | undefined;
let simulator: TrafficSimulator | undefined;
let summaryTimer: NodeJS.Timeout | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(summaryTimer);
  process.stderr.write('\nstopping…\n');
  simulator?.stop();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolveExit) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolveExit();
            return;
          }
          const timer = setTimeout(() => child.kill('SIGKILL'), START_DEFAULTS.stopGraceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolveExit();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const close of closers) await close().catch(() => undefined);
  await broker?.stop().catch((error: unknown) => process.stderr.write(`stopping Kafka: ${String(error)}\n`));
  releaseLock();
  process.stderr.write('stopped\n');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(START_EXIT.ok));

/** Starts one service with its settings (typed by its definition) and any other variables it reads (HOOK_ENV_*). */
function startService<D>(name: string, entry: string, env: ServiceEnv<D>, extraEnv: Readonly<Record<string, string>> = {}): void {
  const log = createWriteStream(join(paths.logs, `${name}.log`), { flags: 'a' });
  // SERVICE_PROCESS_ENV: the small young generation and malloc arenas the images run with.
  const child = spawn(process.execPath, [join(root, entry)], {
    env: { ...process.env, ...SERVICE_PROCESS_ENV, ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${code ?? signal}); see ${join(paths.logs, `${name}.log`)}\n`);
      void shutdown(START_EXIT.failed);
    }
  });
  children.push(child);
}

async function waitReady(name: string, url: string): Promise<void> {
  const deadline = Date.now() + START_DEFAULTS.readyTimeoutMs;
  while (Date.now() < deadline && !stopping) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await sleep(250);
  }
  throw new Error(`${name} not ready at ${url} within ${START_DEFAULTS.readyTimeoutMs / 1000} s; see ${join(paths.logs, `${name}.log`)}`);
}

/**
 * Where svix-relay and audit keep their records: the user's PostgreSQL (DATABASE_URL, which
 * they inherit), else one embedded PostgreSQL for both in this run's state directory, served
 * on 127.0.0.1 (their tables and migration journals differ).
 */
async function databaseEnv(state: StartStatePaths): Promise<ServiceEnv<typeof relaySettings> & ServiceEnv<typeof auditSettings>> {
  if (userSetting<typeof relaySettings>('DATABASE_URL') !== undefined) return {};
  const embedded = await startEmbeddedPostgres({ dataDir: state.database });
  closers.push(() => embedded.stop());
  return { DATABASE_URL: embedded.url };
}

interface SvixChoice {
  readonly env: ServiceEnv<typeof relaySettings>;
  readonly what: string;
}

/** Svix: the user's (SVIX_AUTH_TOKEN), the stand-in (--svix-stand-in), or none (publishing off). */
async function chooseSvix(): Promise<SvixChoice | undefined> {
  if (options.svixStandIn) {
    const { SvixStandIn } = await import('../svix-stand-in/index.js');
    const standIn = await SvixStandIn.start();
    closers.push(() => standIn.close());
    return { env: { SVIX_AUTH_TOKEN: standIn.token, SVIX_SERVER_URL: standIn.url }, what: `stand-in at ${standIn.url}` };
  }
  const token = userSetting<typeof relaySettings>(svixTokenName);
  if (token === undefined) return undefined;
  const serverUrl = userSetting<typeof relaySettings>('SVIX_SERVER_URL');
  return { env: { SVIX_AUTH_TOKEN: token, ...(serverUrl ? { SVIX_SERVER_URL: serverUrl } : {}) }, what: serverUrl ?? 'Svix (SaaS)' };
}

/**
 * With the stand-in the demo is wired end to end: the simulator's connections have the
 * webhooks plugin, and each simulated organisation has an endpoint at the local receiver.
 */
async function wireStandIn(svix: SvixChoice, receiver: SiemReceiver, adminToken: string): Promise<void> {
  const relay = new ApiClient(urls.relay, adminToken, 'svix-relay');
  const { Svix } = await import('svix');
  const sdk = new Svix(svix.env.SVIX_AUTH_TOKEN ?? '', { serverUrl: svix.env.SVIX_SERVER_URL });
  for (const org of SIMULATED_ORG_IDS) {
    for (const connection of SIMULATED_CONNECTIONS) {
      await relay.request({
        method: 'PUT',
        path: `/${API_PREFIX}/plugins/${WEBHOOKS_PLUGIN}/connections/${encodeURIComponent(org)}/${encodeURIComponent(connection.name)}`,
      });
    }
    const endpoint = await relay.request<{ id: string }>({
      method: 'POST',
      path: `/${API_PREFIX}/orgs/${encodeURIComponent(org)}/endpoints`,
      body: { url: receiver.svixUrl(org), description: 'local SIEM receiver' },
    });
    const secret = await sdk.endpoint.getSecret(org, endpoint.id);
    receiver.setSvixSecret(org, secret.key);
  }
}

interface Banner {
  readonly brokers: string;
  readonly broker: KafkaBrokerHandle;
  readonly token: string;
  readonly adminToken: string;
  readonly siemToken: string;
  readonly receiver: SiemReceiver;
  readonly runbooks: RunbooksSource;
  readonly svix: SvixChoice | undefined;
}

function banner(run: Banner): string {
  const cliUrls = [
    ...(urls.relay === CLI_DEFAULTS.relayUrl ? [] : [`${CLI_ENV.relayUrl}=${urls.relay}`]),
    ...(urls.audit === CLI_DEFAULTS.auditUrl ? [] : [`${CLI_ENV.auditUrl}=${urls.audit}`]),
  ].join(' ');
  return `
hookline is running (Ctrl-C stops everything)
  Kafka            ${run.brokers}  (${run.broker.kind}${run.broker.logFile ? `, log ${run.broker.logFile}` : ''})
  producer         ${urls.producer}/${INGEST_PATH}   token: ${run.token}
  hook-executor    ${urls.hookExecutor}/health/ready   runbooks: ${run.runbooks.shown} (${run.runbooks.howToChange})
  svix-relay       ${urls.relay}/docs   admin token: ${run.adminToken}   Svix: ${run.svix?.what ?? 'off (set SVIX_AUTH_TOKEN, or npm start -- --svix-stand-in)'}
  audit            ${urls.audit}/docs   ${urls.audit}/v1/sessions/<sid>/timeline   admin token: ${run.adminToken}
  SIEM receiver    ${run.receiver.url}  token: ${run.siemToken}  (${options.quiet ? 'quiet: counts only' : 'prints what the hooks and Svix deliver'})
  organisations    ${SIMULATED_ORG_IDS.join('  ')}  (the simulator's)
  metrics          ${Object.values(urls)
    .map((url) => `${url}/metrics`)
    .join('  ')}
  logs             ${paths.logs}/
  CLI              ${CLI_ENV.token}=${run.adminToken} ${CLI_ENV.org}=${SIMULATED_ORG_IDS[0]} ${cliUrls ? `${cliUrls} ` : ''}npm run hookline -- admin get hookruns
  send an event    curl -H 'Authorization: Bearer ${run.token}' -H 'content-type: application/json' \\
                     -d @examples/events/session-open.json ${urls.producer}/${INGEST_PATH}
  simulator        ${options.simulator ? `${options.rate} events/s${options.duration ? ` for ${options.duration} s` : ''}` : 'off'}
`;
}

/** The live one-line summary, read from the services' own metrics; --quiet adds lag and failing endpoints. */
async function printSummary(receiver: SiemReceiver): Promise<void> {
  const [produced, hooks, hookFailures, published, delivered, lag, failingEndpoints] = await Promise.all([
    metricSum(urls.producer, INGEST_METRICS.events, { outcome: 'accepted' }),
    metricSum(urls.hookExecutor, HOOK_METRICS.executions, { outcome: (outcome) => outcome !== 'skipped' }),
    metricSum(urls.hookExecutor, HOOK_METRICS.executions, { outcome: (outcome) => outcome === 'failure' || outcome === 'timeout' || outcome === 'error' }),
    metricSum(urls.relay, RELAY_METRICS.published),
    metricSum(urls.audit, AUDIT_METRICS.deliveryAttempts, { status: 'success' }),
    options.quiet ? metricSum(urls.audit, AUDIT_METRICS.consumerLag) : Promise.resolve(0),
    options.quiet ? metricSum(urls.audit, AUDIT_METRICS.endpointFailing) : Promise.resolve(0),
  ]);
  if (stopping) return;
  const line = `summary  produced ${produced}  hooks run ${hooks} (failed ${hookFailures})  published ${published}  delivered ${delivered}`;
  const quietPart = `  consumer lag ${lag}  failing endpoints ${failingEndpoints}  SIEM received ${receiver.counts.hooks + receiver.counts.svix} (refused ${receiver.counts.refused})`;
  process.stderr.write(`${line}${options.quiet ? quietPart : ''}\n`);
}

try {
  process.stderr.write('starting Kafka…\n');
  broker = await provideKafkaBroker({
    preferredPort: DEFAULT_LOCAL_PORT,
    dataDir: userSetting<typeof producerSettings>('KAFKA_BROKERS') !== undefined ? undefined : paths.kafkaData,
  });
  const brokers = broker.brokers.join(',');
  const token = tokenList(userSetting<typeof producerSettings>(ingestTokensName))[0] ?? `local-${randomBytes(18).toString('base64url')}`;
  // A token of its own: whoever holds the gateway's ingest token must not manage endpoints.
  const adminToken = tokenList(userSetting<typeof relaySettings>(adminTokensName))[0] ?? `admin-${randomBytes(18).toString('base64url')}`;

  // The SIEM stand-in: hooks forward to /collector with a bearer token, Svix delivers to /svix/<org>.
  const siemToken = `siem-${randomBytes(12).toString('base64url')}`;
  const receiver = await startSiemReceiver({ port: siemReceiverPort, token: siemToken, print: options.quiet ? () => undefined : (line) => console.log(line) });
  closers.push(() => receiver.close());
  const svix = await chooseSvix();
  const database = await databaseEnv(paths);

  process.stderr.write('starting the producer, hook-executor, svix-relay and audit…\n');
  startService<typeof producerSettings>('producer', 'services/producer/dist/main.js', {
    HOST: '127.0.0.1',
    KAFKA_BROKERS: brokers,
    PORT: new URL(urls.producer).port,
    INGEST_TOKENS: userSetting<typeof producerSettings>(ingestTokensName) ?? token,
  });
  startService<typeof hookExecutorSettings>(
    'hook-executor',
    'services/hook-executor/dist/main.js',
    {
      HOST: '127.0.0.1',
      KAFKA_BROKERS: brokers,
      PORT: new URL(urls.hookExecutor).port,
      RUNBOOKS_GIT_URL: runbooks.url,
      GIT_HOOK_CONFIG_TTL: userSetting<typeof hookExecutorSettings>('GIT_HOOK_CONFIG_TTL') ?? String(START_DEFAULTS.runbooksTtlSeconds),
      RUNBOOKS_DIR: paths.runbooksDir,
    },
    { [`${HOOK_ENV_PREFIX}SIEM_URL`]: receiver.collectorUrl, [`${HOOK_ENV_PREFIX}SIEM_TOKEN`]: siemToken },
  );
  startService<typeof relaySettings>('svix-relay', 'services/svix-relay/dist/main.js', {
    HOST: '127.0.0.1',
    KAFKA_BROKERS: brokers,
    ...svix?.env,
    ...database,
    PORT: new URL(urls.relay).port,
    ADMIN_TOKENS: adminToken,
    // The local receiver is on loopback: allowed explicitly, and nothing else private is.
    ENDPOINT_URL_ALLOW: userSetting<typeof relaySettings>('ENDPOINT_URL_ALLOW') ?? new URL(receiver.url).hostname,
  });
  startService<typeof auditSettings>('audit', 'services/audit/dist/main.js', {
    HOST: '127.0.0.1',
    KAFKA_BROKERS: brokers,
    ...svix?.env,
    ...database,
    PORT: new URL(urls.audit).port,
    ADMIN_TOKENS: adminToken,
    ...(svix === undefined
      ? {}
      : { SVIX_ATTEMPT_POLL_SECONDS: userSetting<typeof auditSettings>('SVIX_ATTEMPT_POLL_SECONDS') ?? String(START_DEFAULTS.attemptPollSeconds) }),
  });
  await Promise.all([
    waitReady('producer', `${urls.producer}/health/ready`),
    waitReady('hook-executor', `${urls.hookExecutor}/health/ready`),
    waitReady('svix-relay', `${urls.relay}/health/live`),
    waitReady('audit', `${urls.audit}/health/ready`),
  ]);
  if (options.svixStandIn && svix !== undefined) await wireStandIn(svix, receiver, adminToken);

  console.log(banner({ brokers, broker, token, adminToken, siemToken, receiver, runbooks, svix }));
  summaryTimer = setInterval(() => void printSummary(receiver), options.quiet ? START_DEFAULTS.quietSummaryIntervalMs : START_DEFAULTS.summaryIntervalMs);

  if (options.simulator) {
    simulator = new TrafficSimulator({
      url: urls.producer,
      token,
      rate: options.rate,
      durationSec: options.duration,
      progressIntervalMs: START_DEFAULTS.simulatorProgressMs,
      onError: (error) => process.stderr.write(`simulator: ${error.status ?? 'network'} ${error.message}\n`),
    });
    const summary = await simulator.run();
    if (options.duration > 0) {
      console.log(`simulator done: ${summary.accepted} events accepted, ${summary.rejected} rejected`);
      await sleep(3_000);
      await printSummary(receiver);
      await shutdown(summary.rejected > 0 ? START_EXIT.failed : START_EXIT.ok);
    }
  } else if (options.duration > 0) {
    await sleep(options.duration * 1000);
    await shutdown(START_EXIT.ok);
  }
} catch (error) {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(START_EXIT.failed);
}
