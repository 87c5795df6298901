/** The transports the runbooks repository may be reached over. */
export type GitUrlKind = 'https' | 'http' | 'ssh' | 'file';

export interface ParsedGitUrl {
  readonly kind: GitUrlKind;
  /** The URL git is given: never carries a password. */
  readonly url: string;
}

// scp-like ssh syntax git accepts: [user@]host:path (no scheme, no "//").
const SCP_LIKE = /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;

/**
 * Parses RUNBOOKS_GIT_URL. Refuses what git would treat as an option ("-..."), what
 * carries a password in the URL (it would show in `ps` and in git's messages), and
 * schemes other than https, http, ssh and file (git's ext:: and fd:: run commands).
 */
export function parseGitUrl(text: string): ParsedGitUrl | undefined {
  // "<transport>::<address>" runs git-remote-<transport> (ext:: runs any command).
  if (text.startsWith('-') || /[\s\0]/.test(text) || text.includes('::')) return undefined;
  if (!text.includes('://')) return SCP_LIKE.test(text) ? { kind: 'ssh', url: text } : undefined;
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (url.password !== '') return undefined;
  const scheme = url.protocol.slice(0, -1);
  switch (scheme) {
    case 'https':
    case 'http':
    case 'ssh':
      return url.hostname === '' ? undefined : { kind: scheme, url: text };
    case 'file':
      return url.pathname === '' || url.pathname === '/' ? undefined : { kind: 'file', url: text };
    default:
      return undefined;
  }
}

export function gitUrlKind(text: string): GitUrlKind {
  const parsed = parseGitUrl(text);
  if (parsed === undefined) throw new TypeError('not a supported git URL');
  return parsed.kind;
}

/** A URL fit for logs: any user info replaced. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
