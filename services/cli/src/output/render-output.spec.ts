import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
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
    const text = renderTable<Row>(
      [
        { id: 'ep_1', description: 'splunk', disabled: false },
        { id: 'ep_22', description: null, disabled: true },
      ],
      columns,
    );
    assert.equal(text, ['ID      DESCRIPTION   DISABLED', 'ep_1    splunk        false', 'ep_22   -             true', ''].join('\n'));
  });

  it('escapes terminal control characters in cells', () => {
    const text = renderTable<Row>([{ id: 'x', description: 'evil\x1b[2Jname', disabled: false }], columns);
    assert.ok(!text.includes('\x1b'));
    assert.match(text, /evil\\x1b\[2Jname/);
  });

  // U+009B is a one-byte CSI on many terminals; the bidi overrides and isolates reorder what is shown.
  const HOSTILE = ['\u009b2J', '\u0085', '\u0080', '\u009f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\x7f'];
  // eslint-disable-next-line no-control-regex -- what must not reach the terminal
  const RAW_UNSAFE = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/;

  it('escapes C1 controls and bidi overrides in table cells', () => {
    for (const hostile of HOSTILE) {
      const text = renderTable<Row>([{ id: 'x', description: `evil${hostile}name`, disabled: false }], columns);
      assert.doesNotMatch(text, RAW_UNSAFE, JSON.stringify(hostile));
      assert.match(text, /evil\\(x[0-9a-f]{2}|u[0-9a-f]{4})/);
    }
    assert.match(renderTable<Row>([{ id: 'x', description: 'a\u202eb\u009bc', disabled: false }], columns), /a\\u202eb\\x9bc/);
  });

  it('escapes C1 controls and bidi overrides in json and yaml, and both still read back as the data', () => {
    for (const hostile of HOSTILE) {
      const rows = [{ id: `key${hostile}`, description: `evil${hostile}name\nsecond line ${hostile}`, disabled: false, [`k${hostile}`]: 1 }];
      const json = renderOutput('json', rows, []);
      assert.doesNotMatch(json, RAW_UNSAFE, `json ${JSON.stringify(hostile)}`);
      assert.deepEqual(JSON.parse(json), rows);
      const yaml = renderOutput('yaml', rows, []);
      assert.doesNotMatch(yaml, RAW_UNSAFE, `yaml ${JSON.stringify(hostile)}`);
      assert.deepEqual(parseYaml(yaml), rows);
    }
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
