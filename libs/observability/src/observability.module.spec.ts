import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_CONFIG } from './config/config.constant.js';
import { defineSettings, loadConfig } from './config/load-config.js';
import { setting } from './config/setting-builders.js';
import type { ConfigOf } from './config/setting.js';
import { HealthRegistry } from './health/health-registry.service.js';
import { MetricsRegistry } from './metrics/metrics-registry.service.js';
import { ObservabilityModule } from './observability.module.js';

const CHECK_TIMEOUT_MS = 300;
const settings = defineSettings({ PORT: setting.port({ description: 'HTTP port', default: 3000 }), LOG_LEVEL: setting.logLevel() });

// A feature provider as a service would write one: metrics and config come in by injection.
@Injectable()
class DeliveryCounter {
  readonly delivered;
  constructor(
    metrics: MetricsRegistry,
    @Inject(APP_CONFIG) readonly config: ConfigOf<typeof settings>,
  ) {
    this.delivered = metrics.counter({ name: 'hookline_events_delivered_total', help: 'Events delivered', labelNames: ['outcome'] });
  }
}

void describe('ObservabilityModule', () => {
  let app: INestApplication<Server>;
  let base: string;
  const state = { kafka: true, svix: true, hang: false };

  before(async () => {
    const config = loadConfig(settings, { PORT: '4321', LOG_LEVEL: 'warn' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({
          service: 'producer',
          config,
          healthCheckTimeoutMs: CHECK_TIMEOUT_MS,
          // Keep the test output clean; logging has its own spec.
          logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }),
        }),
      ],
      providers: [DeliveryCounter],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const health = app.get(HealthRegistry);
    health.register('kafka', () => ({ up: state.kafka, detail: { brokers: 3 } }));
    health.register('svix', async ({ signal }) => {
      if (state.hang) await new Promise((resolve) => signal.addEventListener('abort', resolve));
      if (!state.svix) throw new Error('connect ECONNREFUSED 127.0.0.1:8071');
      return { up: true };
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  after(async () => {
    await app.close();
  });

  void it('provides the typed config as APP_CONFIG', () => {
    assert.equal(app.get(DeliveryCounter).config.PORT, 4321);
  });

  void it('GET /metrics serves Prometheus text with custom and default metrics, labelled with the service', async () => {
    app.get(DeliveryCounter).delivered.inc({ outcome: 'ok' }, 2);
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    assert.match(body, /^# TYPE hookline_events_delivered_total counter$/m);
    assert.match(body, /^hookline_events_delivered_total\{outcome="ok",service="producer"\} 2$/m);
    assert.match(body, /^process_cpu_user_seconds_total\{service="producer"\} /m);
  });

  void it('hands out the same metric when asked twice and enforces the naming convention', () => {
    const metrics = app.get(MetricsRegistry);
    assert.equal(metrics.counter({ name: 'hookline_events_delivered_total', help: 'again' }), app.get(DeliveryCounter).delivered);
    assert.throws(() => metrics.counter({ name: 'hookline_events_delivered', help: 'x' }), /_total/);
    assert.throws(() => metrics.histogram({ name: 'delivery_seconds', help: 'x' }), /hookline_/);
  });

  void it('GET /health/live answers 200', async () => {
    const response = await fetch(`${base}/health/live`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  void it('GET /health/ready answers 200 with every dependency up', async () => {
    Object.assign(state, { kafka: true, svix: true, hang: false });
    const response = await fetch(`${base}/health/ready`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.deepEqual(body.details, { kafka: { status: 'up', detail: { brokers: 3 } }, svix: { status: 'up' } });
  });

  void it('GET /health/ready answers 503 naming the dependency that is down, in the same shape', async () => {
    Object.assign(state, { kafka: false, svix: true, hang: false });
    const response = await fetch(`${base}/health/ready`);
    assert.equal(response.status, 503);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, 'error');
    assert.deepEqual(body.error, { kafka: { status: 'down', detail: { brokers: 3 } } });
    assert.deepEqual(body.details, { kafka: { status: 'down', detail: { brokers: 3 } }, svix: { status: 'up' } });
  });

  // An error's message can carry a user or database name, so readiness says
  // where to look (the service log) and never the message itself.
  void it('reports a check that throws as down, pointing to the log instead of its error text', async () => {
    Object.assign(state, { kafka: true, svix: false, hang: false });
    const response = await fetch(`${base}/health/ready`);
    assert.equal(response.status, 503);
    const text = await response.text();
    assert.doesNotMatch(text, /ECONNREFUSED|127\.0\.0\.1:8071/);
    const body = JSON.parse(text) as { error: unknown };
    assert.deepEqual(body.error, { svix: { status: 'down', error: 'check failed; the service log says why' } });
  });

  void it('answers 503 within the timeout when a check hangs', async () => {
    Object.assign(state, { kafka: true, svix: true, hang: true });
    const started = performance.now();
    const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    const elapsed = performance.now() - started;
    assert.equal(response.status, 503);
    assert.ok(elapsed >= CHECK_TIMEOUT_MS - 20 && elapsed < CHECK_TIMEOUT_MS + 700, `answered after ${elapsed} ms`);
    const body = (await response.json()) as { error: unknown };
    assert.deepEqual(body.error, { svix: { status: 'down', error: `no answer within ${CHECK_TIMEOUT_MS} ms` } });
  });

  void it('refuses a second check under the same name', () => {
    assert.throws(() => app.get(HealthRegistry).register('kafka', () => ({ up: true })), /already registered/);
  });
});
