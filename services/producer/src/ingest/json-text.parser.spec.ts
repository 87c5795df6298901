import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonText } from './json-text.parser.js';

function failure(text: string): string {
  const result = parseJsonText(text);
  assert.equal(result.ok, false, `${text.slice(0, 40)} parsed`);
  return result.message;
}

void describe('parseJsonText', () => {
  void it('parses JSON', () => {
    assert.deepEqual(parseJsonText('[{"a":1}]'), { ok: true, value: [{ a: 1 }] });
  });

  void it('says at which line and column the JSON is broken, and what was expected', () => {
    assert.equal(failure('{"a":}'), 'invalid JSON at line 1, column 6 (character 5): expected a value');
    assert.equal(failure('xyz'), "invalid JSON at line 1, column 1 (character 0): unexpected character 'x'");
    assert.equal(failure('[1,2'), 'invalid JSON at line 1, column 5 (character 4): unexpected end of input');
    assert.equal(failure('{\n  "a": 1,\n  "b" 2\n}'), "invalid JSON at line 3, column 7 (character 18): expected ':'");
    assert.match(failure('{"a":1,}'), /column 8 .*expected a double-quoted property name/);
    assert.match(failure('{"a":1} {"b":2}'), /column 9 .*unexpected content after the JSON value/);
    assert.match(failure('{"a":1} x'), /column 9 .*unexpected character 'x'/);
    assert.match(failure('{"a":"\u0001"}'), /unescaped control character/);
    assert.match(failure('// hi\n{}'), /comments are not allowed/);
  });

  void it('never quotes the input, however big', () => {
    const secret = `"${'s3cr3t'.repeat(200_000)}`;
    const message = failure(`{"input": ${secret}, }`);
    assert.ok(message.length < 200, message.slice(0, 300));
    assert.ok(!message.includes('s3cr3t'));
    // V8's own message for this input would quote it.
    assert.ok(!failure(`{"x": ${'1'.repeat(100_000)}q}`).includes('111'));
  });
});
