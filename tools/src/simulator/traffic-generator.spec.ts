import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_TYPES, validateIngestEvent } from '@hookline/contracts';
import { TrafficGenerator, type SimulatedEvent } from './traffic-generator.js';

const FIXED_CLOCK = (): number => Date.parse('2025-06-02T14:00:00Z');

function sidOf(event: SimulatedEvent): string | null {
  return event.type === 'dbroles.job.finished' ? null : event.data.sid;
}

describe('TrafficGenerator', () => {
  it('generates 5,000 valid events of every type, each session in gateway order and closed once', () => {
    const generator = new TrafficGenerator({ seed: 42 });
    const events = [...generator.take(5000), ...generator.drain()];
    assert.ok(events.length >= 5000);
    assert.equal(generator.pendingEvents, 0);

    for (const [i, event] of events.entries()) {
      const result = validateIngestEvent(event);
      assert.ok(result.ok, `event ${i} (${event.type}) invalid: ${JSON.stringify(result.ok ? null : result.issues)}`);
    }
    const types = new Set(events.map((e) => e.type));
    assert.deepEqual([...types].sort(), [...EVENT_TYPES].sort());

    const ids = new Set(events.map((e) => e.id));
    assert.equal(ids.size, events.length, 'every event has its own id');

    const bySid = new Map<string, SimulatedEvent[]>();
    for (const event of events) {
      const sid = sidOf(event);
      if (sid !== null) bySid.set(sid, [...(bySid.get(sid) ?? []), event]);
    }
    let reviewed = 0;
    for (const [sid, sequence] of bySid) {
      const shape = sequence.map((e) => (e.type === 'session.open' ? `open:${e.data.review?.status ?? 'none'}` : e.type));
      if (shape[0] === 'microsoftteams.review.create') {
        reviewed++;
        assert.deepEqual(shape, ['microsoftteams.review.create', 'open:PENDING', 'open:APPROVED', 'session.close'], `sid ${sid}`);
      } else {
        assert.deepEqual(shape, ['open:none', 'session.close'], `sid ${sid}`);
      }
    }
    // ~20% reviewed by default; far from 0 and from all.
    const share = reviewed / bySid.size;
    assert.ok(share > 0.12 && share < 0.28, `reviewed share ${share}`);
    const dbroles = events.filter((e) => e.type === 'dbroles.job.finished').length / events.length;
    assert.ok(dbroles > 0.02 && dbroles < 0.08, `dbroles share ${dbroles}`);
    assert.equal(new Set(events.map((e) => e.data.org_id)).size, 3, 'traffic spread over several orgs');
  });

  it('interleaves sessions instead of sending them one after the other', () => {
    const events = new TrafficGenerator({ seed: 5 }).take(400);
    const sids = events.map(sidOf).filter((sid): sid is string => sid !== null);
    const interleaved = [...new Set(sids)].filter((sid) => {
      const first = sids.indexOf(sid);
      const last = sids.lastIndexOf(sid);
      return sids.slice(first, last + 1).some((other) => other !== sid);
    });
    assert.ok(interleaved.length > 20, `only ${interleaved.length} sessions interleave`);
  });

  it('is reproducible: same seed, same events; another seed, other events', () => {
    const a = new TrafficGenerator({ seed: 99, clock: FIXED_CLOCK }).take(500);
    const b = new TrafficGenerator({ seed: 99, clock: FIXED_CLOCK }).take(500);
    const c = new TrafficGenerator({ seed: 100, clock: FIXED_CLOCK }).take(500);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const idsA = new Set(a.map((e) => e.id));
    assert.equal(c.filter((e) => idsA.has(e.id)).length, 0, 'another seed shares no event id');
    // Without a seed each run gets its own ids, so a second demo run is not taken for retries.
    const unseeded = [new TrafficGenerator(), new TrafficGenerator()];
    assert.notEqual(unseeded[0]!.seed, unseeded[1]!.seed);
    assert.notEqual(unseeded[0]!.next().id, unseeded[1]!.next().id);
  });

  it('pads events to eventBytes within 10%', () => {
    const generator = new TrafficGenerator({ seed: 3, eventBytes: 1024 });
    const events = [...generator.take(2000), ...generator.drain()];
    for (const event of events) {
      const size = Buffer.byteLength(JSON.stringify(event));
      assert.ok(size >= 1024 * 0.9 && size <= 1024 * 1.1, `${event.type} is ${size} bytes`);
      assert.ok(validateIngestEvent(event).ok);
      if (event.type === 'session.open') assert.equal(event.data.input_size, Buffer.byteLength(event.data.input));
      if (event.type === 'session.close') assert.equal(event.data.output_size, Buffer.byteLength(event.data.output));
    }
    const natural = new TrafficGenerator({ seed: 3 }).take(200).map((e) => Buffer.byteLength(JSON.stringify(e)));
    assert.ok(
      natural.some((size) => size < 700),
      'without eventBytes events keep their natural size',
    );
  });

  it('follows the ratios: no reviews at 0, nothing but dbroles jobs at 1', () => {
    const noReviews = new TrafficGenerator({ seed: 8, reviewRatio: 0, dbrolesRatio: 0 }).take(1000);
    assert.ok(noReviews.every((e) => e.type === 'session.open' || e.type === 'session.close'));
    assert.ok(noReviews.every((e) => e.type !== 'session.open' || e.data.review === null));
    const allJobs = new TrafficGenerator({ seed: 8, dbrolesRatio: 1 }).take(100);
    assert.ok(allJobs.every((e) => e.type === 'dbroles.job.finished'));
  });

  it('refuses out-of-range options with the option named', () => {
    assert.throws(() => new TrafficGenerator({ reviewRatio: 1.5 }), /reviewRatio/);
    assert.throws(() => new TrafficGenerator({ eventBytes: -1 }), /eventBytes/);
    assert.throws(() => new TrafficGenerator({ seed: 1.5 }), /seed/);
  });
});
