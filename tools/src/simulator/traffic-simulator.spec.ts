import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { TrafficGenerator, type SimulatedEvent } from './traffic-generator.js';
import { TrafficSimulator, parseRetryAfter, type SimulationError, type TrafficSimulatorOptions } from './traffic-simulator.js';

interface RecordedRequest {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  events: SimulatedEvent[];
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A stand-in for the producer: records every request and answers what `reply` says. */
async function startProducer(reply: (index: number) => Reply): Promise<{ url: string; requests: RecordedRequest[]; server: Server }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({
        at: Date.now(),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        events: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SimulatedEvent[],
      });
      const answer = reply(index);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

const ids = (events: readonly SimulatedEvent[]): string[] => events.map((e) => e.id);

/** Runs a simulation to its end, keeping the errors it reported. */
async function simulate(
  options: Omit<TrafficSimulatorOptions, 'onError'>,
): Promise<{ summary: Awaited<ReturnType<TrafficSimulator['run']>>; errors: SimulationError[] }> {
  const errors: SimulationError[] = [];
  const summary = await new TrafficSimulator({ ...options, onError: (error) => errors.push(error) }).run();
  return { summary, errors };
}

describe('TrafficSimulator', () => {
  it('delivers every event, resending a 503 batch after Retry-After with the same ids', async () => {
    const producer = await startProducer((i) =>
      i === 0 ? { status: 503, headers: { 'retry-after': '1' }, body: { message: 'Kafka unavailable' } } : { status: 202, body: { accepted: true } },
    );
    const { summary, errors } = await simulate({
      url: producer.url,
      token: 'test-token',
      rate: 2000,
      maxEvents: 300,
      batchSize: 50,
      concurrency: 4,
      generatorOptions: { seed: 11 },
    });

    assert.equal(summary.sent, 300);
    assert.equal(summary.accepted, 300);
    assert.equal(summary.rejected, 0);
    assert.equal(summary.unacknowledged, 0);
    assert.equal(summary.retries, 1);
    assert.equal(summary.requests, 7);
    assert.deepEqual(summary.errors, { '503': 1 });
    assert.deepEqual(errors, [{ status: 503, message: 'Kafka unavailable', events: 50, retrying: true }]);

    for (const request of producer.requests) {
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/v1/events');
      assert.equal(request.headers.authorization, 'Bearer test-token');
      assert.equal(request.headers['content-type'], 'application/json');
    }
    const [first, ...rest] = producer.requests;
    const resent = rest.filter((r) => ids(r.events).join() === ids(first!.events).join());
    assert.equal(resent.length, 1, 'the 503 batch came back once, same ids in the same order');
    assert.deepEqual(resent[0]!.events, first!.events, 'and the same content');
    assert.ok(resent[0]!.at - first!.at >= 900, `resent after ${resent[0]!.at - first!.at} ms, Retry-After was 1 s`);

    const accepted = producer.requests.slice(1).flatMap((r) => r.events);
    assert.equal(new Set(ids(accepted)).size, 300, 'all 300 distinct events arrived');

    // A bounded run winds its sessions down: every session it opened is also closed.
    const opened = new Set(accepted.flatMap((e) => (e.type === 'session.open' ? [e.data.sid] : [])));
    const closed = new Set(accepted.flatMap((e) => (e.type === 'session.close' ? [e.data.sid] : [])));
    assert.ok(opened.size > 10);
    assert.deepEqual(
      [...opened].filter((sid) => !closed.has(sid)),
      [],
    );
  });

  it('counts a 400 as rejected, quotes the server and never resends it', async () => {
    const producer = await startProducer(() => ({
      status: 400,
      body: { statusCode: 400, message: 'events[3].data.sid: required', error: 'Bad Request' },
    }));
    const { summary, errors } = await simulate({
      url: producer.url,
      token: 't',
      rate: 1000,
      maxEvents: 100,
      batchSize: 25,
    });

    assert.equal(summary.rejected, 100);
    assert.equal(summary.accepted, 0);
    assert.equal(summary.retries, 0);
    assert.equal(summary.requests, 4);
    assert.equal(producer.requests.length, 4);
    assert.equal(new Set(producer.requests.flatMap((r) => ids(r.events))).size, 100, 'no batch was sent twice');
    assert.deepEqual(summary.errors, { '400': 4 });
    assert.equal(summary.lastError, '400: events[3].data.sid: required');
    assert.ok(errors.every((e) => !e.retrying && e.message === 'events[3].data.sid: required'));
  });

  it('holds the rate: never more than rate × elapsed + one batch', async () => {
    const producer = await startProducer(() => ({ status: 202 }));
    const bounded = await new TrafficSimulator({ url: producer.url, token: 't', rate: 200, durationSec: 1, batchSize: 20 }).run();
    assert.ok(bounded.sent <= 200 + 20, `duration 1 s at 200/s sent ${bounded.sent}`);
    assert.equal(bounded.accepted, bounded.sent);
    assert.equal(bounded.stopped, false);

    // Unbounded in count: only the pacing keeps a fast local server from taking thousands.
    const simulator = new TrafficSimulator({ url: producer.url, token: 't', rate: 200, durationSec: 0, batchSize: 20, concurrency: 8 });
    setTimeout(() => simulator.stop(), 1000);
    const open = await simulator.run();
    assert.ok(open.stopped);
    assert.ok(open.sent > 0);
    assert.ok(open.sent <= 200 * open.elapsedSec + 20, `sent ${open.sent} in ${open.elapsedSec} s at rate 200`);
  });

  it('stop() gives up a batch waiting for Retry-After instead of hanging', async () => {
    const producer = await startProducer(() => ({ status: 503, headers: { 'retry-after': '60' } }));
    const simulator = new TrafficSimulator({ url: producer.url, token: 't', rate: 100, durationSec: 0, batchSize: 10, concurrency: 2 });
    setTimeout(() => simulator.stop(), 300);
    const began = Date.now();
    const summary = await simulator.run();
    assert.ok(Date.now() - began < 5000, 'run ended soon after stop()');
    assert.equal(summary.accepted, 0);
    assert.equal(summary.unacknowledged, summary.sent);
    assert.ok(summary.sent > 0);
  });

  it('retries an unreachable producer with backoff, then reports the events unacknowledged', async () => {
    const producer = await startProducer(() => ({ status: 202 }));
    const url = producer.url;
    await new Promise<void>((resolve) => producer.server.close(() => resolve()));
    const { summary, errors } = await simulate({
      url,
      token: 't',
      rate: 100,
      maxEvents: 10,
      batchSize: 10,
      maxRetries: 2,
    });
    assert.equal(summary.unacknowledged, 10);
    assert.equal(summary.retries, 2);
    assert.deepEqual(summary.errors, { network: 3 });
    assert.deepEqual(
      errors.map((e) => e.retrying),
      [true, true, false],
    );
    assert.match(summary.lastError ?? '', /ECONNREFUSED|fetch failed/);
  });

  it('uses a given generator and reports its seed', async () => {
    const producer = await startProducer(() => ({ status: 202 }));
    const generator = new TrafficGenerator({ seed: 1234 });
    const summary = await new TrafficSimulator({ url: `${producer.url}/v1/events/`, token: 't', rate: 500, maxEvents: 20, generator }).run();
    assert.equal(summary.seed, 1234);
    assert.equal(producer.requests[0]?.url, '/v1/events');
    assert.equal(generator.emitted, 20);
  });

  it('refuses bad settings with the setting named', () => {
    assert.throws(() => new TrafficSimulator({ token: '' }), /token/);
    assert.throws(() => new TrafficSimulator({ token: 't', rate: 0 }), /rate/);
    assert.throws(() => new TrafficSimulator({ token: 't', batchSize: 1.5 }), /batchSize/);
    assert.throws(() => new TrafficSimulator({ token: 't', url: 'ftp://x' }), /url/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, clamps, and ignores garbage', () => {
    assert.equal(parseRetryAfter('1'), 1000);
    assert.equal(parseRetryAfter(new Date(Date.parse('2025-01-01T00:00:05Z')).toUTCString(), Date.parse('2025-01-01T00:00:00Z')), 5000);
    assert.equal(parseRetryAfter('86400'), 60_000);
    assert.equal(parseRetryAfter('soon'), null);
    assert.equal(parseRetryAfter(null), null);
  });
});
