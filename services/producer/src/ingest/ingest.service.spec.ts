import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ERROR_DETAILS } from './ingest.constant.js';
import { boundedDetails } from './ingest.service.js';

const issue = (n: number) => ({ path: `data.f${n}`, message: `bad ${n}` });

void describe('boundedDetails', () => {
  void it('lists every issue of a few invalid events, by index', () => {
    const details = boundedDetails([
      { index: 3, issues: [issue(1)] },
      { index: 1, issues: [issue(1), issue(2)] },
    ]);
    assert.deepEqual(details, [
      { index: 1, path: 'data.f1', message: 'bad 1' },
      { index: 1, path: 'data.f2', message: 'bad 2' },
      { index: 3, path: 'data.f1', message: 'bad 1' },
    ]);
  });

  void it('stays bounded, naming every invalid event before a second issue of any', () => {
    const invalid = Array.from({ length: 60 }, (_, index) => ({ index, issues: Array.from({ length: 50 }, (_, n) => issue(n)) }));
    const details = boundedDetails(invalid);
    assert.equal(details.length, MAX_ERROR_DETAILS);
    assert.deepEqual(new Set(details.map((d) => d.index)).size, 60);
    const many = Array.from({ length: 500 }, (_, index) => ({ index, issues: [issue(0)] }));
    assert.equal(boundedDetails(many).length, MAX_ERROR_DETAILS);
  });
});
