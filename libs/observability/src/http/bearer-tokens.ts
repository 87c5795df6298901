import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

// RFC 6750: the scheme is case-insensitive; the token is one run of visible characters.
const BEARER = /^Bearer +(\S+) *$/i;

/** Builds the 401 a refusal throws; a service may use its own ApiError subclass (to count it, say). */
export type RefusalFactory = (message: string, headers: Readonly<Record<string, string>>) => ApiError;

export interface BearerTokensOptions {
  /** Named in the WWW-Authenticate challenge of every 401. */
  readonly realm: string;
  readonly refusal?: RefusalFactory;
}

interface KnownToken<P> {
  readonly digest: Buffer;
  readonly principal: P;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * `Authorization: Bearer <token>` against a list of tokens, each with its principal (a
 * role, an organisation). Tokens are compared as SHA-256 digests with timingSafeEqual
 * (equal lengths whatever was sent), and every entry is compared, so the time taken says
 * nothing about how much of a token was right or which one matched. A refusal is a 401
 * with a Bearer challenge naming the realm (and `error=` when a header was sent), whose
 * message never quotes what was sent.
 */
export class BearerTokens<P> {
  private readonly known: readonly KnownToken<P>[];
  private readonly refusal: RefusalFactory;

  constructor(
    entries: readonly { readonly token: string; readonly principal: P }[],
    private readonly options: BearerTokensOptions,
  ) {
    this.known = entries.map(({ token, principal }) => ({ digest: digest(token), principal }));
    this.refusal = options.refusal ?? ((message, headers) => new ApiError(401, 'unauthorized', message, { headers }));
  }

  /** Entries for tokens grouped by role: `{ admin: [...], auditor: [...] }` → one entry per token. */
  static byRole<R extends string>(tokens: Readonly<Partial<Record<R, readonly string[] | undefined>>>): { token: string; principal: R }[] {
    return (Object.entries(tokens) as [R, readonly string[] | undefined][]).flatMap(([role, list]) =>
      (list ?? []).map((token) => ({ token, principal: role })),
    );
  }

  /** The principal of the request's bearer token; throws the 401 when it is missing, malformed or unknown. */
  authenticate(request: IncomingMessage): P {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw this.refusal('missing Authorization header; send "Authorization: Bearer <token>"', { 'WWW-Authenticate': `Bearer realm="${this.options.realm}"` });
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw this.refusal('malformed Authorization header; expected "Bearer <token>"', this.challenge('invalid_request'));
    const principal = this.principalOf(token);
    if (principal === undefined) throw this.refusal('the bearer token is not valid', this.challenge('invalid_token'));
    return principal;
  }

  /** True when `token` equals one of the configured tokens; constant time in the token's content. */
  accepts(token: string): boolean {
    return this.principalOf(token) !== undefined;
  }

  /** The principal of `token`, or undefined when no configured token equals it. */
  principalOf(token: string): P | undefined {
    const candidate = digest(token);
    let found: P | undefined;
    for (const known of this.known) {
      // The first entry wins (an admin token listed as auditor too stays admin); every entry is still compared.
      if (timingSafeEqual(candidate, known.digest) && found === undefined) found = known.principal;
    }
    return found;
  }

  private challenge(error: 'invalid_request' | 'invalid_token'): Readonly<Record<string, string>> {
    return { 'WWW-Authenticate': `Bearer realm="${this.options.realm}", error="${error}"` };
  }
}
