import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, Counter } from 'prom-client';
import { parsePrometheusText, selectSamples, sumSamples } from './prometheus-text.js';

void describe('parsePrometheusText', () => {
  void it('reads what prom-client writes: names, labels (escaped values too) and values', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'hookline_test_total', help: 'a test', labelNames: ['kind', 'path'], registers: [registry] });
    counter.inc({ kind: 'a', path: 'quote " back \\ line \n end' }, 3);
    counter.inc({ kind: 'b', path: '/' });
    const samples = parsePrometheusText(await registry.metrics());
    assert.deepEqual(samples, [
      { name: 'hookline_test_total', labels: { kind: 'a', path: 'quote " back \\ line \n end' }, value: 3 },
      { name: 'hookline_test_total', labels: { kind: 'b', path: '/' }, value: 1 },
    ]);
  });

  void it('reads samples without labels, timestamps, special values, and skips comments and blank lines', () => {
    const text = '# HELP x help\n# TYPE x gauge\n\nx 1.5\ny{a="1"} 2 1700000000000\nz_bucket{le="+Inf"} +Inf\nn NaN\nm -Inf\n';
    const samples = parsePrometheusText(text);
    assert.deepEqual(
      samples.map((s) => [s.name, s.value]),
      [
        ['x', 1.5],
        ['y', 2],
        ['z_bucket', Infinity],
        ['n', NaN],
        ['m', -Infinity],
      ],
    );
    assert.deepEqual(samples[2]!.labels, { le: '+Inf' });
  });

  void it('passes over malformed lines instead of throwing', () => {
    const hostile = [
      '{a="1"} 1', // no name
      'x{a="1" 1', // unclosed labels
      'x{a=1} 1', // unquoted value
      'x{a="1\\', // ends inside an escape
      'x{="1"} 1', // no label name
      'x 1 2 3', // too many fields
      'x notanumber',
      'x',
      '9x 1',
      `x{a="${'v'.repeat(100_000)}`, // oversized and unterminated
    ].join('\n');
    assert.deepEqual(parsePrometheusText(`${hostile}\nok 7`), [{ name: 'ok', labels: {}, value: 7 }]);
  });

  void it('a label named like another is not matched by substring', () => {
    const samples = parsePrometheusText('lag{consumer_group="g",topic="t"} 5\nlag{group="g",topic="t"} 2\n');
    assert.deepEqual(
      selectSamples(samples, 'lag', { group: 'g' }).map((s) => s.value),
      [2],
    );
  });
});

void describe('selectSamples and sumSamples', () => {
  const samples = parsePrometheusText('a{k="1",s="x"} 1\na{k="2",s="x"} 2\na_count{k="1"} 9\nb 4\n');

  void it('match by name exactly and by every given label (value or predicate)', () => {
    assert.equal(sumSamples(samples, 'a'), 3);
    assert.equal(sumSamples(samples, 'a', { k: '2' }), 2);
    assert.equal(sumSamples(samples, 'a', { k: (v) => v !== '1', s: 'x' }), 2);
    assert.equal(sumSamples(samples, 'a', { missing: (v) => v === undefined }), 3);
    assert.equal(sumSamples(samples, 'absent'), 0);
    assert.deepEqual(selectSamples(samples, 'b'), [{ name: 'b', labels: {}, value: 4 }]);
  });
});
