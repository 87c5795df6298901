import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { EVENT_CONTRACTS, buildAsyncApiDocument } from './index.js';

// DiagnosticSeverity.Error in @stoplight/types (the parser's diagnostics).
const ERROR_SEVERITY: number = 0;

void describe('AsyncAPI document', () => {
  void it('is valid AsyncAPI 3.0 (no error diagnostics) and describes every event', async () => {
    const document = buildAsyncApiDocument();
    const diagnostics = await new Parser().validate(JSON.stringify(document));
    const errors = diagnostics.filter((d) => (d.severity as number) === ERROR_SEVERITY);
    assert.deepEqual(
      errors.map((e) => `${e.path.join('.')}: ${e.message}`),
      [],
    );

    const parsed = await new Parser().parse(JSON.stringify(document));
    assert.ok(parsed.document, 'parser returned a document');
    const channels = parsed.document
      .channels()
      .all()
      .map((c) => c.address());
    assert.deepEqual(channels.sort(), ['gateway.dbroles.v1', 'gateway.sessions.v1']);
    const names = parsed.document
      .messages()
      .all()
      .map((m) => m.name());
    assert.deepEqual(names.sort(), EVENT_CONTRACTS.map((c) => c.type).sort());
  });

  void it('committed docs/asyncapi.yaml matches the contracts (run scripts/gen-asyncapi.mjs)', async () => {
    const file = new URL('../../../docs/asyncapi.yaml', import.meta.url);
    const committed: unknown = parse(await readFile(file, 'utf8'));
    assert.deepEqual(committed, buildAsyncApiDocument());
  });
});
