import jsonc from 'jsonc-parser';

export type JsonParseResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

// jsonc-parser's error codes, in words. It is only asked *where* JSON.parse failed:
// V8's messages for some errors quote the input instead of giving a position.
const PROBLEMS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a double-quoted property name',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected content after the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'unescaped control character in a string',
};

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function shownCharacter(text: string, offset: number): string {
  const char = text[offset];
  return char !== undefined && /^[\x21-\x7E]$/.test(char) ? ` '${char}'` : '';
}

/**
 * JSON.parse, with a failure explained by line and column and never by quoting the
 * input (a body can be megabytes, and it is the caller's data).
 */
export function parseJsonText(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Located below.
  }
  const errors: jsonc.ParseError[] = [];
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return { ok: false, message: 'invalid JSON' };
  const { line, column } = lineAndColumn(text, first.offset);
  const code = jsonc.printParseErrorCode(first.error);
  const problem = first.offset >= text.length ? 'unexpected end of input' : (PROBLEMS[code] ?? 'syntax error');
  const found = problem === 'unexpected character' ? shownCharacter(text, first.offset) : '';
  return { ok: false, message: `invalid JSON at line ${line}, column ${column} (character ${first.offset}): ${problem}${found}` };
}
