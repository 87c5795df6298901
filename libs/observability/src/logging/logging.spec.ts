import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PinoLogger } from 'nestjs-pino';
import { defineSettings, loadConfig } from '../config/load-config.js';
import { setting } from '../config/setting-builders.js';
import { ObservabilityModule } from '../observability.module.js';
import { createLogger } from './create-logger.js';
import { useServiceLogger } from './use-service-logger.js';

const SECRET = 'sekret-4f2a9c';

/** A destination that keeps every JSON line pino writes. */
class CapturedLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

void describe('createLogger', () => {
  void it('redacts authorization headers, cookies, tokens, passwords and secrets by path', () => {
    const out = new CapturedLines();
    const logger = createLogger({ service: 'audit', destination: out });
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}`, accept: 'application/json' } },
        token: SECRET,
        user: { name: 'ada', password: SECRET },
        svix: { secret: SECRET, apiKey: SECRET },
      },
      'calling out',
    );
    assert.equal(out.lines.length, 1);
    assert.ok(!out.raw[0]!.includes(SECRET), out.raw[0]);
    const line = out.lines[0]!;
    assert.deepEqual(line.req, { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' } });
    assert.equal(line.token, '[redacted]');
    assert.deepEqual(line.user, { name: 'ada', password: '[redacted]' });
    assert.deepEqual(line.svix, { secret: '[redacted]', apiKey: '[redacted]' });
    assert.equal(line.service, 'audit');
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'calling out');
  });

  void it('drops lines below the configured level', () => {
    const out = new CapturedLines();
    const logger = createLogger({ service: 'audit', level: 'warn', destination: out });
    logger.info('not shown');
    logger.warn('shown');
    assert.deepEqual(
      out.lines.map((line) => line.msg),
      ['shown'],
    );
  });
});

@Controller('echo')
class EchoController {
  constructor(private readonly logger: PinoLogger) {}

  @Get()
  echo(): { ok: true } {
    this.logger.debug({ token: SECRET }, 'echo handled');
    return { ok: true };
  }
}

void describe('ObservabilityModule logging', () => {
  const out = new CapturedLines();
  let app: INestApplication<Server>;
  let base: string;

  before(async () => {
    const settings = defineSettings({
      LOG_LEVEL: setting.logLevel(),
      INGEST_TOKENS: setting.list({ description: 'tokens', sensitive: true }),
    });
    const config = loadConfig(settings, { LOG_LEVEL: 'debug', INGEST_TOKENS: SECRET });
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.forRoot({ service: 'hook-executor', config, logDestination: out })],
      controllers: [EchoController],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    useServiceLogger(app);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  after(async () => {
    await app.close();
  });

  void it('routes Nest’s own logs through pino and logs the config with secrets redacted', () => {
    assert.ok(out.lines.some((line) => line.context === 'NestApplication' && line.service === 'hook-executor'));
    const configLine = out.lines.find((line) => line.msg === 'configuration loaded');
    assert.deepEqual(configLine?.config, { LOG_LEVEL: 'debug', INGEST_TOKENS: '[redacted]' });
  });

  void it('logs requests as JSON with the Authorization header and token fields redacted', async () => {
    const response = await fetch(`${base}/echo`, {
      headers: { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}`, 'x-request-id': 'req-42' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'req-42');
    const completed = out.lines.find((line) => line.msg === 'request completed');
    const handled = out.lines.find((line) => line.msg === 'echo handled');
    assert.ok(completed, 'the request was logged');
    // debug only shows because config.LOG_LEVEL=debug reached the logger.
    assert.ok(handled, 'the debug line was logged');
    assert.equal(handled.token, '[redacted]');
    const req = completed.req as { id: unknown; headers: Record<string, unknown> };
    assert.equal(req.id, 'req-42');
    assert.equal(req.headers.authorization, '[redacted]');
    assert.equal(req.headers.cookie, '[redacted]');
    assert.ok(!out.raw.some((line) => line.includes(SECRET)), 'no line carries the secret');
  });

  void it('does not log /health/* and /metrics requests', async () => {
    const before = out.lines.length;
    for (const path of ['/health/live', '/health/ready', '/metrics', '/echo']) {
      assert.equal((await fetch(`${base}${path}`)).status, 200);
    }
    const logged = out.lines.slice(before).filter((line) => line.msg === 'request completed');
    assert.deepEqual(
      logged.map((line) => (line.req as { url: string }).url),
      ['/echo'],
    );
  });
});
