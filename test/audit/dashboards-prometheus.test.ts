// A real Prometheus (Debian's package, on 127.0.0.1) scrapes the hookline services during
// an end-to-end run, loads the alert rules, and every query of every dashboard panel in
// grafana/dashboards returns data. Producer and audit always run; hook-executor runs when
// its build is in this checkout (services/hook-executor/dist/main.js, started as a process
// with its documented settings). Panels built on a service that does not run are reported
// as skipped, by name, rather than passed.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@hookline/kafka-broker';
import { Svix } from 'svix';
import { postEvents, startProducer, validEvent, type RunningProducer } from '../producer/producer-harness.js';
import { pollUntil } from '@hookline/kafka/testing';
import { createTestDatabase, type TestDatabase } from '@hookline/database/testing';
import { ensureGatewayTopics, relayEnv, startGroupAtEnd, startRelay, type RunningRelay } from '../svix-relay/relay-harness.js';
import {
  NO_BROKER_SKIP,
  OPERATIONAL_SECRET,
  RecordWriter,
  brokersFromEnv,
  gatewayEvent,
  hookExecution,
  publication,
  startAudit,
  testKafka,
  uniqueId,
  type RunningAudit,
  startDeliveryStage,
  type DeliveryStage,
} from './audit-harness.js';
import { closeAll } from '../support/close-all.js';
import { startExecutor, type RunningExecutor } from '../hook-executor/executor-harness.js';

const GRAFANA_DIR = fileURLToPath(new URL('../../../grafana', import.meta.url));
const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;
const skip = brokersFromEnv === undefined ? NO_BROKER_SKIP : !hasPrometheus ? 'prometheus is not installed (apt-get install prometheus)' : false;

type Service = 'producer' | 'audit' | 'hook-executor' | 'svix-relay';
/** Which service exports a metric, by name; the first match wins. */
const METRIC_OWNERS: readonly [RegExp, Service][] = [
  [/^hookline_(ingest_|kafka_produce_)/, 'producer'],
  [/^hookline_(hook_|hooks_|runbooks_)/, 'hook-executor'],
  [/^hookline_relay_/, 'svix-relay'],
  [/^hookline_/, 'audit'],
];
const HOOK_EXECUTOR_MAIN = fileURLToPath(new URL('../../../services/hook-executor/dist/main.js', import.meta.url));
const hasHookExecutor = existsSync(HOOK_EXECUTOR_MAIN) && spawnSync('python3', ['--version']).status === 0;
/** The services this test starts and Prometheus scrapes. */
const RUNNING: ReadonlySet<Service> = new Set<Service>(['producer', 'audit', 'svix-relay', ...(hasHookExecutor ? (['hook-executor'] as const) : [])]);

/**
 * A runbooks repository (bare, served over file://) with both hooks; `break()` moves it
 * away so the executor's next fetches fail (the fetch-failure panel needs some).
 */
function runbooksRepository(dir: string): { url: string; break(): void } {
  const bare = join(dir, 'runbooks.git');
  const work = join(dir, 'runbooks-work');
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, stdio: 'ignore' });
  mkdirSync(join(work, 'hoop-hooks'), { recursive: true });
  git(dir, 'init', '--bare', '-b', 'main', bare);
  git(work, 'init', '-b', 'main');
  for (const hook of ['session-open', 'session-close']) {
    writeFileSync(join(work, 'hoop-hooks', `${hook}.runbook.py`), 'import os\nprint(len(os.environ.get("HOOP_RUNBOOK_HOOK_PAYLOAD", "")))\n');
  }
  git(work, 'add', '.');
  git(work, 'commit', '-m', 'hooks');
  git(work, 'push', bare, 'main');
  return { url: `file://${bare}`, break: () => renameSync(bare, `${bare}.gone`) };
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
  readonly services: Service[];
}

function dashboardQueries(): PanelQuery[] {
  const files = readdirSync(join(GRAFANA_DIR, 'dashboards')).filter((file) => file.endsWith('.json'));
  return files.flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(join(GRAFANA_DIR, 'dashboards', file), 'utf8')) as {
      title: string;
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    return dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => {
        const metrics = [...target.expr.matchAll(/\b(hookline_[a-z0-9_]+)/g)].map((match) => match[1]!);
        const services = [...new Set(metrics.map((metric) => METRIC_OWNERS.find(([pattern]) => pattern.test(metric))![1]))];
        return { dashboard: dashboard.title, panel: panel.title, expr: target.expr, services };
      }),
    );
  });
}

const queries = dashboardQueries();
/** Background traffic stops after this many one-second rounds whatever happens. */
const MAX_TRAFFIC_ROUNDS = 90;

void describe('dashboards: every panel query returns data from a real Prometheus', { skip }, () => {
  let producer: RunningProducer;
  let audit: RunningAudit;
  let stage: DeliveryStage;
  let writer: RecordWriter;
  let prometheus: ChildProcess | undefined;
  let hookExecutor: RunningExecutor | undefined;
  let prometheusUrl = '';
  let workDir = '';
  let traffic: NodeJS.Timeout | undefined;
  let trafficRounds = 0;
  let relay: RunningRelay | undefined;
  let relayDb: TestDatabase | undefined;

  before(async () => {
    stage = await startDeliveryStage({ retryScheduleMs: [20, 20], failingAfterAttempts: 2, disableEndpointAfterMs: 100 }, 500);
    writer = new RecordWriter(testKafka());
    producer = await startProducer();
    audit = await startAudit({
      DATABASE_URL: stage.db.url,
      KAFKA_GROUP_ID: uniqueId('hookline-audit-test'),
      SVIX_AUTH_TOKEN: stage.standIn.token,
      SVIX_SERVER_URL: stage.standIn.url,
      SVIX_ATTEMPT_POLL_SECONDS: '0.5',
      SVIX_REQUESTS_PER_SECOND: '50',
    });
    stage.standIn.setOperationalWebhook({ url: `${audit.url}/v1/svix/operational`, secret: OPERATIONAL_SECRET });

    // The svix-relay publishes the producer's events to the stand-in: its group starts at the
    // topics' end (earlier tests' events are not its business), the example connection has the
    // webhooks plugin, so session events are published and other connections' are filtered.
    relayDb = await createTestDatabase('dashboards_relay');
    const relayGroup = uniqueId('hookline-svix-relay-test');
    const relayKafka = testKafka();
    const relayAdmin = relayKafka.admin();
    await relayAdmin.connect();
    try {
      await ensureGatewayTopics(relayAdmin);
      await startGroupAtEnd(relayKafka, relayAdmin, relayGroup);
    } finally {
      await relayAdmin.disconnect();
    }
    relay = await startRelay(relayEnv(stage.standIn, relayDb.url, relayGroup));
    const example = validEvent('session.open').data as { org_id: string; connection_name: string };
    const enabled = await fetch(`${relay.url}/v1/plugins/webhooks/connections/${example.org_id}/${example.connection_name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${relay.config.ADMIN_TOKENS[0]}` },
    });
    assert.equal(enabled.status, 200);

    workDir = mkdtempSync(join(tmpdir(), 'hookline-prometheus-'));
    const target = (url: string) => new URL(url).host;
    let hookExecutorTarget: string | undefined;
    if (hasHookExecutor) {
      const repository = runbooksRepository(workDir);
      hookExecutor = await startExecutor({
        groupId: uniqueId('hookline-hook-executor-test'),
        env: { RUNBOOKS_GIT_URL: repository.url, RUNBOOKS_DIR: join(workDir, 'snapshots'), GIT_HOOK_CONFIG_TTL: '1', LOG_LEVEL: 'silent' },
      });
      hookExecutorTarget = new URL(hookExecutor.url).host;
      // Ready = a first snapshot exists; then fetches may fail.
      await pollUntil(async () => (await fetch(`http://${hookExecutorTarget}/health/ready`)).ok, { timeoutMs: 60_000, what: 'hook-executor ready' });
      repository.break();
    }
    // Same jobs and rules as grafana/prometheus/prometheus.yml, pointed at this run's ports.
    writeFileSync(
      join(workDir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ["${join(GRAFANA_DIR, 'prometheus', 'alerts.yml')}"]`,
        'scrape_configs:',
        `  - { job_name: hookline-producer, static_configs: [{ targets: ["${target(producer.url)}"] }] }`,
        `  - { job_name: hookline-audit, static_configs: [{ targets: ["${target(audit.url)}"] }] }`,
        `  - { job_name: hookline-svix-relay, static_configs: [{ targets: ["${target(relay.url)}"] }] }`,
        ...(hookExecutorTarget === undefined ? [] : [`  - { job_name: hookline-hook-executor, static_configs: [{ targets: ["${hookExecutorTarget}"] }] }`]),
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    await pollUntil(async () => (await fetch(`${prometheusUrl}/-/ready`)).ok, { timeoutMs: 30_000, what: `Prometheus ready (${stderr})` });
    const rules = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: unknown[] }[] } };
    assert.equal(rules.data.groups.flatMap((group) => group.rules).length, 7, 'the alert rules load in a real Prometheus');

    // End-to-end traffic: events through the producer (one refused), hook runs and
    // publications on the result topics, Svix deliveries to a healthy and a failing SIEM.
    const events = [validEvent('session.open'), validEvent('session.close'), validEvent('session.open')];
    const accepted = await postEvents(producer.url, events);
    assert.equal(accepted.status, 202);
    assert.equal((await postEvents(producer.url, '{not json')).status, 400);
    const svix = new Svix(stage.standIn.token, { serverUrl: stage.standIn.url, retryScheduleInMs: [] });
    const app = await svix.application.getOrCreate({ name: 'org', uid: uniqueId('org') });
    for (const type of ['session.open', 'session.close']) await svix.eventType.upsert(type, { description: type });
    await svix.endpoint.create(app.id, { url: stage.healthy.url('/siem') });
    await svix.endpoint.create(app.id, { url: stage.broken.url('/down') });
    // Counters must grow while Prometheus watches for rate() to see it: a small session
    // every second, bounded in count, until the panels are checked.
    const oneSession = async (): Promise<void> => {
      const sid = uniqueId('sid');
      const open = gatewayEvent('session.open', sid, new Date(Date.now() - 5_000));
      const close = gatewayEvent('session.close', sid, new Date(Date.now() - 2_000));
      const published = [];
      for (const event of [open, close]) {
        const message = await svix.message.create(app.id, { eventType: event.type, eventId: event.id, payload: event.data });
        published.push({ publication: publication(event, app.id, message.id, new Date()) });
      }
      const timeout = { outcome: 'timeout', timed_out: true, exit_code: null, signal: 'SIGKILL', duration_ms: 30_000 } as const;
      await writer.send([open, close, { hook: hookExecution(open) }, { hook: hookExecution(close, timeout) }, ...published]);
      // Svix answers the relay's next message with a 503 once (retried, counted by status class);
      // a session on a connection without the plugin is filtered.
      stage.standIn.injectFault({ status: 503, times: 1, method: 'POST', path: /\/msg\/?$/ });
      const elsewhere = validEvent('session.open');
      (elsewhere.data as { connection_name: string }).connection_name = 'no-plugin-here';
      assert.equal((await postEvents(producer.url, [validEvent('session.open'), elsewhere])).status, 202);
      assert.equal((await postEvents(producer.url, '{not json')).status, 400);
    };
    await oneSession();
    const tick = (): void => {
      trafficRounds += 1;
      if (trafficRounds > MAX_TRAFFIC_ROUNDS) return;
      // After teardown the services are gone: a failed round then is expected and ignored.
      void oneSession()
        .catch(() => undefined)
        .finally(() => {
          if (trafficRounds <= MAX_TRAFFIC_ROUNDS) traffic = setTimeout(tick, 1_000);
        });
    };
    traffic = setTimeout(tick, 1_000);
  });

  after(async () => {
    trafficRounds = MAX_TRAFFIC_ROUNDS + 1;
    clearTimeout(traffic);
    await stopProcess(prometheus);
    await hookExecutor?.stop();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
    await closeAll(producer, relay, relayDb, audit, writer, stage);
  });

  for (const query of queries) {
    const missing = query.services.filter((service) => !RUNNING.has(service));
    const reason = missing.length > 0 ? `needs ${missing.join(', ')}, which this test does not run yet` : false;
    void it(`${query.dashboard} / ${query.panel}: ${query.expr}`, { skip: reason }, async () => {
      const result = await pollUntil(
        async () => {
          const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query.expr)}`);
          const body = (await response.json()) as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
          if (body.status !== 'success') throw new Error(`query failed: ${body.error}`);
          const values = (body.data?.result ?? []).map((series) => Number(series.value[1])).filter((value) => Number.isFinite(value));
          return values.length > 0 ? values : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: `data for "${query.expr}"` },
      );
      assert.ok(result.length > 0);
    });
  }

  void it('covers every dashboard: Delivery, Runbook hooks, Pipeline', () => {
    assert.deepEqual([...new Set(queries.map((query) => query.dashboard))].sort(), ['hookline / Delivery', 'hookline / Pipeline', 'hookline / Runbook hooks']);
  });
});
