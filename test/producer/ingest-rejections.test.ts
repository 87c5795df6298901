// Every kind of bad request gets its status, code and a message that says what is wrong,
// and nothing of it reaches Kafka (end offsets of the gateway topics and their DLQs unchanged).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import {
  NO_BROKER_SKIP,
  OTHER_TOKEN,
  TEST_TOKEN,
  brokersFromEnv,
  endOffsets,
  postEvents,
  recordsBetween,
  startProducer,
  testKafka,
  validEvent,
  type Answer,
  type PostOptions,
  type RunningProducer,
} from './producer-harness.js';
import { closeAll } from '../support/close-all.js';

const MAX_EVENTS = 20;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

void describe('POST /v1/events refuses bad requests and writes nothing', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  let producer: RunningProducer;
  let admin: Admin;

  before(async () => {
    producer = await startProducer({ INGEST_MAX_BATCH_EVENTS: String(MAX_EVENTS), INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    admin = testKafka().admin();
    await admin.connect();
  });

  after(() => closeAll(admin, producer));

  /** Posts, then checks that no watched topic grew. The valid control request proves the check can see a write. */
  async function refused(body: unknown, options: PostOptions = {}): Promise<Answer> {
    const offsetsBefore = await endOffsets(admin);
    const answer = await postEvents(producer.url, body, options);
    assert.equal(recordsBetween(offsetsBefore, await endOffsets(admin)), 0, `a refused request (${answer.status}) wrote to Kafka`);
    assert.equal(typeof answer.body.error, 'string');
    assert.equal(typeof answer.body.message, 'string');
    return answer;
  }

  void it('sees a write when there is one (control)', async () => {
    const offsetsBefore = await endOffsets(admin);
    const answer = await postEvents(producer.url, [validEvent('session.open'), validEvent('dbroles.job.finished')]);
    assert.equal(answer.status, 202);
    assert.equal(recordsBetween(offsetsBefore, await endOffsets(admin)), 2);
  });

  void it('malformed JSON: 400 invalid_json saying where, without quoting the body', async () => {
    const answer = await refused('[{"type": "session.close", "data": {"sid": "abc",}}]');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_json');
    assert.equal(
      answer.body.message,
      'request body is not valid JSON: invalid JSON at line 1, column 50 (character 49): expected a double-quoted property name',
    );
    const bigBody = `{"type": "session.open", "data": {"input": "${'q'.repeat(100_000)}" ]}`;
    const big = await refused(bigBody);
    assert.equal(big.status, 400);
    assert.ok(
      (big.body.message as string).endsWith(`line 1, column ${bigBody.indexOf(']') + 1} (character ${bigBody.indexOf(']')}): expected ','`),
      big.body.message as string,
    );
    assert.ok((big.body.message as string).length < 200);
    const empty = await refused('');
    assert.equal(empty.status, 400);
    assert.match(empty.body.message as string, /request body is empty/);
  });

  void it('a wrong field type: 400 naming the field and the types', async () => {
    const event = validEvent('session.close');
    const answer = await refused({ ...event, data: { ...event.data, exit_code: '1' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'validation_failed');
    assert.deepEqual(answer.body.details, [{ index: 0, path: 'data.exit_code', message: 'expected integer, got string' }]);
  });

  void it('missing required fields: 400 listing each one', async () => {
    const event = validEvent('session.close');
    const { output: _output, org_id: _org, ...data } = event.data as unknown as Record<string, unknown>;
    const answer = await refused({ type: event.type, data });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body.details, [
      { index: 0, path: 'data.org_id', message: 'required' },
      { index: 0, path: 'data.output', message: 'required' },
    ]);
    const noData = await refused({ type: 'session.open' });
    assert.deepEqual(noData.body.details, [{ index: 0, path: 'data', message: 'required' }]);
  });

  void it('an unknown event type: 400 naming the known ones', async () => {
    const answer = await refused({ type: 'session.reopen', data: {} });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body.details, [
      {
        index: 0,
        path: 'type',
        message: "unknown event type 'session.reopen'; known: session.open, session.close, microsoftteams.review.create, dbroles.job.finished",
      },
    ]);
  });

  void it('one invalid event among many: 400 naming its index and field; the valid ones are not written either', async () => {
    const events = Array.from({ length: 10 }, () => validEvent('session.open'));
    const bad = validEvent('session.close');
    events[7] = { ...bad, data: { ...bad.data, exit_code: 1.5 } };
    events[3] = { ...events[3]!, id: 'has space' };
    const answer = await refused({ events });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.message, '2 of 10 events are invalid; nothing was accepted');
    assert.deepEqual(answer.body.details, [
      { index: 3, path: 'id', message: (answer.body.details as { message: string }[])[0]!.message },
      { index: 7, path: 'data.exit_code', message: 'expected integer, got a non-integer number' },
    ]);
  });

  void it('a body over INGEST_MAX_BODY_BYTES: 413 saying the limit, with or without Content-Length', async () => {
    const huge = JSON.stringify([validEvent('session.open', undefined, {})]).replace('"input":"', `"input":"${'x'.repeat(MAX_BODY_BYTES)}`);
    const declared = await refused(huge);
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error, 'payload_too_large');
    assert.match(declared.body.message as string, new RegExp(`larger than ${MAX_BODY_BYTES} bytes \\(INGEST_MAX_BODY_BYTES\\)`));
    const bytes = new TextEncoder().encode(huge);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 256 * 1024) controller.enqueue(bytes.subarray(at, at + 256 * 1024));
        controller.close();
      },
    });
    const streamed = await refused(chunked);
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.error, 'payload_too_large');
  });

  void it('more than INGEST_MAX_BATCH_EVENTS events: 413 saying the limit', async () => {
    const answer = await refused(Array.from({ length: MAX_EVENTS + 1 }, () => validEvent('session.close')));
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'too_many_events');
    assert.equal(answer.body.message, `the batch has ${MAX_EVENTS + 1} events; at most ${MAX_EVENTS} are accepted per request (INGEST_MAX_BATCH_EVENTS)`);
  });

  void it('no token, a wrong token or a malformed header: 401 with WWW-Authenticate: Bearer', async () => {
    const event = validEvent('session.close');
    const none = await refused(event, { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'unauthorized');
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm="hookline"$/);
    for (const token of [`${TEST_TOKEN}x`, TEST_TOKEN.slice(0, -1), `x${OTHER_TOKEN}`, 'nope']) {
      const wrong = await refused(event, { token });
      assert.equal(wrong.status, 401, token);
      assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="hookline", error="invalid_token"');
      assert.ok(!JSON.stringify(wrong.body).includes(token));
    }
    const malformed = await refused(event, { authorization: `Basic ${TEST_TOKEN}` });
    assert.equal(malformed.status, 401);
    assert.equal(malformed.headers.get('www-authenticate'), 'Bearer realm="hookline", error="invalid_request"');
    // The second configured token works too.
    assert.equal((await postEvents(producer.url, validEvent('session.close'), { token: OTHER_TOKEN })).status, 202);
  });

  void it('a content type that is not JSON: 415', async () => {
    const event = JSON.stringify(validEvent('session.close'));
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null, 'application/json; charset=latin1']) {
      const answer = await refused(event, { contentType });
      assert.equal(answer.status, 415, String(contentType));
      assert.equal(answer.body.error, 'unsupported_media_type');
      assert.match(answer.body.message as string, /application\/json|UTF-8/);
    }
    assert.equal((await postEvents(producer.url, event, { contentType: 'application/cloudevents-batch+json' })).status, 202);
    assert.equal((await postEvents(producer.url, event, { contentType: 'Application/JSON; charset=UTF-8' })).status, 202);
  });

  void it('an empty batch: 400 empty_batch', async () => {
    for (const body of ['[]', '{"events": []}']) {
      const answer = await refused(body);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, 'empty_batch');
      assert.match(answer.body.message as string, /no events; send 1 to 20 events/);
    }
  });

  void it('an unknown route: 404 as JSON, never an HTML page', async () => {
    const response = await fetch(`${producer.url}/v2/events`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: '{}' });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(((await response.json()) as { error: string }).error, 'not_found');
    const get = await fetch(`${producer.url}/v1/events`);
    assert.equal(get.status, 404);
    assert.equal(((await get.json()) as { error: string }).error, 'not_found');
  });
});
