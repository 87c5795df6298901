import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, validateIngestEvent } from '@hookline/contracts';

// README and `npm start` point users at these files: they must stay valid as the contracts change.
const dir = join(process.cwd(), 'examples/events');

describe('examples/events', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('has one example per event type', () => {
    const types = files.map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { type: string }).type).sort();
    assert.deepEqual(types, [...EVENT_TYPES].sort());
  });

  for (const file of files) {
    it(`${file} is accepted by the ingest validation`, () => {
      const result = validateIngestEvent(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.issues));
    });
  }
});
