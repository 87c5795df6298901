/** The transports the runbooks repository may be reached over. */
export type GitUrlKind = 'https' | 'http' | 'ssh' | 'file';

export interface ParsedGitUrl {
  readonly kind: GitUrlKind;
  /** The URL git is given: never carries a password or a token. */
  readonly url: string;
}

export interface GitUrlOptions {
  /** Plain http (runbooks and GIT_PASSWORD in clear text) only when the operator says so. */
  readonly allowInsecure?: boolean;
}

// scp-like ssh syntax git accepts: [login@]host:path (no scheme, no "//"). Neither part may start
// with "-" (ssh would read it as an option).
const SCP_LIKE = /^(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?([A-Za-z0-9.-]+):(?!\/\/)([^\s]+)$/;

/**
 * Why RUNBOOKS_GIT_URL (or `hook --repo`) cannot be used, or undefined when it can. Refuses what
 * git would treat as an option ("-..." as the URL, a host or login starting with "-"), user info in
 * an http(s) or file URL (a token there lands in git's argv, visible in `ps`: credentials come from
 * GIT_USER/GIT_PASSWORD through the askpass helper), plain http unless allowed, and schemes other
 * than https, http, ssh and file (git's ext:: and fd:: run commands). An ssh login (`git@host`) is
 * an account name, not a credential: ssh authenticates with GIT_SSH_KEY.
 */
export function gitUrlProblem(text: string, options: GitUrlOptions = {}): string | undefined {
  return checkGitUrl(text, options).problem;
}

export function parseGitUrl(text: string, options: GitUrlOptions = {}): ParsedGitUrl | undefined {
  return checkGitUrl(text, options).parsed;
}

function checkGitUrl(text: string, options: GitUrlOptions): { parsed?: ParsedGitUrl; problem?: string } {
  if (text.startsWith('-')) return { problem: 'starts with "-" (git would read it as an option)' };
  if (/[\s\0]/.test(text)) return { problem: 'contains whitespace or a NUL byte' };
  // "<transport>::<address>" runs git-remote-<transport> (ext:: runs any command).
  if (text.includes('::')) return { problem: 'a "<transport>::" address (git would run a remote helper)' };
  if (!text.includes('://')) {
    const scp = SCP_LIKE.exec(text);
    if (scp === null) return { problem: 'not a URL git can use: https://, ssh://, login@host:path or file://' };
    if (scp[2]?.startsWith('-') === true) return { problem: 'the host starts with "-" (ssh would read it as an option)' };
    return { parsed: { kind: 'ssh', url: text } };
  }
  if (!URL.canParse(text)) return { problem: 'not a valid URL' };
  const url = new URL(text);
  const scheme = url.protocol.slice(0, -1);
  if (url.password !== '') return { problem: 'carries a password; give it in GIT_PASSWORD (or GIT_SSH_KEY for ssh) instead' };
  switch (scheme) {
    case 'https':
    case 'http':
    case 'ssh': {
      if (url.hostname === '') return { problem: 'has no host' };
      if (url.hostname.startsWith('-')) return { problem: 'the host starts with "-" (git or ssh would read it as an option)' };
      if (url.username !== '' && scheme !== 'ssh')
        return { problem: 'carries user info (a token there shows in `ps`); give the user in GIT_USER and the password or token in GIT_PASSWORD' };
      if (decodeURIComponent(url.username).startsWith('-')) return { problem: 'the ssh login starts with "-" (ssh would read it as an option)' };
      if (scheme === 'http' && options.allowInsecure !== true)
        return { problem: 'plain http sends the runbooks and GIT_PASSWORD unencrypted; use https, or set RUNBOOKS_GIT_ALLOW_INSECURE=true' };
      return { parsed: { kind: scheme, url: text } };
    }
    case 'file':
      if (url.username !== '' || url.host !== '') return { problem: 'a file URL names no user or host: file:///path' };
      return url.pathname === '' || url.pathname === '/' ? { problem: 'a file URL needs a path' } : { parsed: { kind: 'file', url: text } };
    default:
      return { problem: `scheme ${scheme}: is not https, http, ssh or file` };
  }
}

export function gitUrlKind(text: string, options: GitUrlOptions = {}): GitUrlKind {
  const parsed = parseGitUrl(text, options);
  if (parsed === undefined) throw new TypeError('not a supported git URL');
  return parsed.kind;
}

// scheme://[userinfo@]rest — the URL as it appears in a message, up to a space or a quote.
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s'"<>]*)/gi;

/**
 * A URL (or any text holding URLs: git's messages) fit for logs, errors, readiness and metrics: user
 * info replaced, and the query and fragment (`?private_token=...`) replaced.
 */
export function redactUrl(text: string): string {
  return text.replace(URL_IN_TEXT, (_all, scheme: string, rest: string) => {
    const at = rest.search(/[/?#]/);
    const authority = at === -1 ? rest : rest.slice(0, at);
    let tail = at === -1 ? '' : rest.slice(at);
    const user = authority.lastIndexOf('@');
    const host = user === -1 ? authority : `***@${authority.slice(user + 1)}`;
    const query = tail.search(/[?#]/);
    if (query !== -1) tail = `${tail.slice(0, query)}${tail[query]}***`;
    return `${scheme}${host}${tail}`;
  });
}
