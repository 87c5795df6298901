/** Terminal control characters (ESC sequences could rewrite the screen) shown as \xNN instead. */
export function escapeControl(text: string, keep: 'newlines' | 'none' = 'none'): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const pattern = keep === 'newlines' ? /[\x00-\x09\x0B-\x1F\x7F]/g : /[\x00-\x1F\x7F]/g;
  return text.replace(pattern, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
