// /metrics counts accepted and rejected events and refused requests with bounded labels,
// and times requests and Kafka produces.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NO_BROKER_SKIP, brokersFromEnv, metricValue, postEvents, startProducer, validEvent, type RunningProducer } from './producer-harness.js';
import { closeAll } from '../support/close-all.js';

void describe('producer metrics', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let producer: RunningProducer;

  before(async () => {
    producer = await startProducer();
  });

  after(() => closeAll(producer));

  void it('counts accepted and rejected events by type and refused requests by reason', async () => {
    const events = (type: string, outcome: string) => metricValue(producer.url, 'hookline_ingest_events_total', { event_type: type, outcome });
    const rejected = (reason: string) => metricValue(producer.url, 'hookline_ingest_rejected_total', { reason });

    assert.equal((await postEvents(producer.url, [validEvent('session.open'), validEvent('session.open'), validEvent('dbroles.job.finished')])).status, 202);
    const bad = validEvent('session.close');
    assert.equal(
      (
        await postEvents(producer.url, [
          { ...bad, data: { ...bad.data, exit_code: 'x' } },
          { type: 'no.such.type', data: {} },
        ])
      ).status,
      400,
    );
    assert.equal((await postEvents(producer.url, validEvent('session.close'), { token: 'wrong-token-0123456789' })).status, 401);
    assert.equal((await postEvents(producer.url, '{', {})).status, 400);
    assert.equal((await postEvents(producer.url, '[]', {})).status, 400);
    assert.equal((await postEvents(producer.url, '[]', { contentType: 'text/plain' })).status, 415);

    assert.equal(await events('session.open', 'accepted'), 2);
    assert.equal(await events('dbroles.job.finished', 'accepted'), 1);
    assert.equal(await events('session.close', 'rejected'), 1);
    // An unknown type is one bounded label, not the sender's string.
    assert.equal(await events('unknown', 'rejected'), 1);
    const scrape = await (await fetch(`${producer.url}/metrics`)).text();
    assert.ok(!scrape.includes('no.such.type'));

    assert.equal(await rejected('validation'), 1);
    assert.equal(await rejected('unauthorized'), 1);
    assert.equal(await rejected('invalid_json'), 1);
    assert.equal(await rejected('empty'), 1);
    assert.equal(await rejected('unsupported_media_type'), 1);

    assert.equal(await metricValue(producer.url, 'hookline_ingest_request_duration_seconds_count', { status_class: '2xx' }), 1);
    assert.equal(await metricValue(producer.url, 'hookline_ingest_request_duration_seconds_count', { status_class: '4xx' }), 5);
    assert.equal(await metricValue(producer.url, 'hookline_kafka_produce_duration_seconds_count', { outcome: 'acked' }), 1);
    assert.match(scrape, /hookline_ingest_events_total\{event_type="session.open",outcome="accepted",service="producer"\} 2/);
  });
});
