import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EventDecodeError,
  EventValidationError,
  buildEvent,
  decodeEvent,
  encodeEvent,
  getEventContract,
  type EventRecord,
  type GatewayEvent,
} from './index.js';

const closeExample = getEventContract('session.close').example;
const event = buildEvent({
  type: 'session.close',
  id: 'evt-1',
  time: '2025-06-02T14:30:00Z',
  source: 'hoop-gateway/eu-1',
  data: closeExample,
});
const encoded = encodeEvent(event);

function reasonOf(record: EventRecord): string {
  try {
    decodeEvent(record);
  } catch (error) {
    assert.ok(error instanceof EventDecodeError, `expected EventDecodeError, got ${String(error)}`);
    return error.reason;
  }
  assert.fail('decodeEvent accepted the record');
}

function withHeaders(change: Record<string, string | undefined>): EventRecord {
  const headers: Record<string, string | undefined> = { ...encoded.headers, ...change };
  return { key: encoded.key, value: encoded.value, headers };
}

void describe('decodeEvent', () => {
  void it('accepts string headers, Buffer headers and header arrays (first value wins)', () => {
    assert.deepEqual(decodeEvent({ key: encoded.key, value: encoded.value, headers: encoded.headers }), event);
    const arrays = Object.fromEntries(Object.entries(encoded.headers).map(([k, v]) => [k, [Buffer.from(v), 'ignored']]));
    assert.deepEqual(decodeEvent({ key: Buffer.from(encoded.key), value: encoded.value, headers: arrays }), event);
  });

  void it('accepts a record without key or ce_subject (some clients set neither)', () => {
    assert.deepEqual(decodeEvent({ key: null, value: encoded.value, headers: { ...encoded.headers, ce_subject: undefined } }), event);
  });

  void it('uses the record timestamp when ce_time is absent', () => {
    const decoded = decodeEvent({ ...withHeaders({ ce_time: undefined }), timestamp: '1748874600000' });
    assert.equal(decoded.time, '2025-06-02T14:30:00.000Z');
    assert.match(reasonOf(withHeaders({ ce_time: undefined })), /missing header ce_time/);
  });

  void it('rejects a value that is not JSON, or empty', () => {
    assert.match(reasonOf({ value: Buffer.from('{"sid": '), headers: encoded.headers }), /^value is not JSON: /);
    assert.match(reasonOf({ value: null, headers: encoded.headers }), /empty/);
  });

  void it('rejects missing or unknown ce_type and other missing attributes', () => {
    assert.equal(reasonOf(withHeaders({ ce_type: undefined })), 'missing header ce_type');
    assert.match(reasonOf(withHeaders({ ce_type: 'session.reopen' })), /^unknown event type 'session.reopen'/);
    assert.equal(reasonOf(withHeaders({ ce_id: undefined })), 'missing header ce_id');
    assert.equal(reasonOf(withHeaders({ ce_specversion: undefined })), 'missing header ce_specversion');
    assert.match(reasonOf(withHeaders({ ce_specversion: '0.3' })), /unsupported ce_specversion/);
    assert.match(reasonOf(withHeaders({ 'content-type': 'application/avro' })), /unsupported content-type/);
  });

  void it('rejects data that fails its schema, naming the field', () => {
    const value = Buffer.from(JSON.stringify({ ...closeExample, exit_code: 'zero' }));
    assert.match(reasonOf({ key: encoded.key, value, headers: encoded.headers }), /^data\.exit_code: expected integer/);
    assert.match(reasonOf(withHeaders({ ce_id: 'a\r\nb' })), /^id: /);
    assert.match(reasonOf(withHeaders({ ce_time: 'yesterday' })), /^time: /);
  });

  void it('rejects a record whose subject or key names another session', () => {
    assert.match(reasonOf(withHeaders({ ce_subject: 'other-sid' })), /ce_subject 'other-sid' does not match data.sid/);
    assert.match(reasonOf({ ...withHeaders({}), key: 'other-sid' }), /record key 'other-sid' does not match data.sid/);
  });

  void it('accepts a structured-mode CloudEvent (JSON value, no ce_ headers)', () => {
    const structured = {
      specversion: '1.0',
      id: 'evt-1',
      type: 'session.close',
      source: 'hoop-gateway/eu-1',
      time: '2025-06-02T14:30:00Z',
      subject: closeExample.sid,
      datacontenttype: 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: closeExample,
    };
    const value = Buffer.from(JSON.stringify(structured));
    assert.deepEqual(decodeEvent({ key: encoded.key, value }), event);
    assert.deepEqual(decodeEvent({ value, headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' } }), event);
    assert.match(reasonOf({ value: Buffer.from(JSON.stringify({ ...structured, type: undefined })) }), /missing attribute type/);
    assert.match(
      reasonOf({ value: Buffer.from(JSON.stringify({ ...structured, data: { ...closeExample, output: 1 } })) }),
      /^data\.output: expected string, got number/,
    );
  });

  void it('narrows data by type', () => {
    const decoded: GatewayEvent = decodeEvent(encoded);
    if (decoded.type === 'session.close') assert.equal(decoded.data.exit_code, 0);
    else assert.fail('wrong type');
  });
});

void describe('encodeEvent', () => {
  void it('refuses a hand-built event whose attributes would inject headers', () => {
    assert.throws(() => encodeEvent({ ...event, id: 'evt\r\nce_type: x' }), EventValidationError);
    assert.throws(() => encodeEvent({ ...event, subject: 'another-sid' }), EventValidationError);
  });
});
