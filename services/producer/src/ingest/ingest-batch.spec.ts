import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsOfBody } from './ingest-batch.js';
import { IngestRefusal } from '../http/ingest-refusal.js';

const event = { type: 'session.close', data: { sid: 's1' } };

void describe('eventsOfBody', () => {
  void it('takes one event, an array of events, or {"events": [...]}', () => {
    assert.deepEqual(eventsOfBody(event), [event]);
    assert.deepEqual(eventsOfBody([event, event]), [event, event]);
    assert.deepEqual(eventsOfBody({ events: [event] }), [event]);
    assert.deepEqual(eventsOfBody([]), []);
    assert.deepEqual(eventsOfBody({ events: [] }), []);
  });

  void it('treats anything else as one event, for validation to explain', () => {
    assert.deepEqual(eventsOfBody(42), [42]);
    assert.deepEqual(eventsOfBody(null), [null]);
    assert.deepEqual(eventsOfBody({ data: {} }), [{ data: {} }]);
    // An event may not be mistaken for an envelope: `type` makes it an event.
    const withEvents = { type: 'session.close', events: [], data: {} };
    assert.deepEqual(eventsOfBody(withEvents), [withEvents]);
  });

  void it('refuses an envelope whose events is not an array, or with other fields', () => {
    assert.throws(
      () => eventsOfBody({ events: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof IngestRefusal);
        assert.equal(error.getStatus(), 400);
        assert.equal(error.code, 'invalid_body');
        assert.match(error.message, /"events" must be an array of events, got string/);
        return true;
      },
    );
    assert.throws(
      () => eventsOfBody({ events: [event], source: 'gw' }),
      (error: unknown) => {
        assert.ok(error instanceof IngestRefusal);
        assert.equal(error.getStatus(), 400);
        assert.match(error.message, /unknown field\(s\) next to "events": "source"/);
        assert.deepEqual(error.eventTypes, ['session.close']);
        return true;
      },
    );
  });
});
