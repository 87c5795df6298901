import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge } from './format-age.js';
import { renderOutput, renderTable, type Column } from './render-output.js';

interface Row {
  id: string;
  description: string | null;
  disabled: boolean;
}

const columns: Column<Row>[] = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'DESCRIPTION', cell: (r) => r.description },
  { header: 'DISABLED', cell: (r) => r.disabled },
];

describe('output', () => {
  it('prints a borderless aligned table with a dash for missing cells', () => {
    const text = renderTable<Row>([
      { id: 'ep_1', description: 'splunk', disabled: false },
      { id: 'ep_22', description: null, disabled: true },
    ], columns);
    assert.equal(text, ['ID      DESCRIPTION   DISABLED', 'ep_1    splunk        false', 'ep_22   -             true', ''].join('\n'));
  });

  it('escapes terminal control characters in cells', () => {
    const text = renderTable<Row>([{ id: 'x', description: 'evil\x1b[2Jname', disabled: false }], columns);
    assert.ok(!text.includes('\x1b'));
    assert.match(text, /evil\\x1b\[2Jname/);
  });

  it('prints json and yaml of the data as it is', () => {
    const rows = [{ id: 'a', description: 'b', disabled: false }];
    assert.deepEqual(JSON.parse(renderOutput('json', rows, columns)), rows);
    assert.equal(renderOutput('yaml', rows, columns), '- id: a\n  description: b\n  disabled: false\n');
  });

  it('formats ages the way gateway admins read them', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    assert.equal(formatAge('2026-11-24T11:14:00Z', now), '46m ago');
    assert.equal(formatAge('2026-11-24T09:00:00Z', now), '3h ago');
    assert.equal(formatAge('2026-11-21T12:00:00Z', now), '3d ago');
    assert.equal(formatAge('2026-11-24T11:59:59.500Z', now), '0s ago');
    assert.equal(formatAge('2026-11-24T11:59:30Z', now), '30s ago');
    assert.equal(formatAge(null, now), '-');
    assert.equal(formatAge('garbage', now), '-');
  });
});
