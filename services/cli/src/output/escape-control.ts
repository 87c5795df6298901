/**
 * What a terminal must never receive raw from data: C0 and DEL (ESC sequences could rewrite the
 * screen), C1 (U+009B is a one-byte CSI on many terminals) and the bidi overrides/isolates that make
 * text read in another order than it is (U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_EXCEPT_NEWLINE = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/g;
/** Characters that JSON.stringify and YAML leave raw in strings although a terminal acts on them. */
const UNSAFE_IN_QUOTED = /[\x7F-\x9F\u202A-\u202E\u2066-\u2069]/g;

function codeUnit(c: string): number {
  return c.charCodeAt(0);
}

/** Control characters and bidi overrides shown as \xNN / \uNNNN instead, for tables and messages. */
export function escapeControl(text: string, keep: 'newlines' | 'none' = 'none'): string {
  return text.replace(keep === 'newlines' ? UNSAFE_EXCEPT_NEWLINE : UNSAFE, (c) =>
    codeUnit(c) <= 0xff ? `\\x${codeUnit(c).toString(16).padStart(2, '0')}` : `\\u${codeUnit(c).toString(16).padStart(4, '0')}`,
  );
}

/** Whether a string holds a character that JSON/YAML output would carry raw to the terminal. */
export function hasUnsafeInQuoted(text: string): boolean {
  UNSAFE_IN_QUOTED.lastIndex = 0;
  return UNSAFE_IN_QUOTED.test(text);
}

/**
 * The same characters as \uNNNN: valid inside a JSON string and a YAML double-quoted scalar, which
 * is the only place the caller may use it (both read back as the original character).
 */
export function escapeUnsafeInQuoted(text: string): string {
  return text.replace(UNSAFE_IN_QUOTED, (c) => `\\u${codeUnit(c).toString(16).padStart(4, '0')}`);
}
