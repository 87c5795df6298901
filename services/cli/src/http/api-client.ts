import { CLI_DEFAULTS, CLI_EXIT } from '../cli.constant.js';
import { escapeControl } from '../output/escape-control.js';
import { CliError } from './cli.error.js';

export interface ApiRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string | readonly string[] | undefined>;
  readonly body?: unknown;
}

/** Longest server message the CLI prints; a hostile or broken server cannot flood the terminal. */
const MAX_MESSAGE_CHARS = 2_000;

/**
 * One hookline service's HTTP API. Errors become CliErrors that carry the server's own
 * message (hookline services answer `{error, message, details?}`), or say the server
 * could not be reached, so every command fails the same clear way.
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly service: string,
    private readonly timeoutMs: number = CLI_DEFAULTS.timeoutMs,
  ) {}

  async request<T>(req: ApiRequest): Promise<T> {
    const url = new URL(`${this.baseUrl}${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value === undefined) continue;
      for (const item of typeof value === 'string' ? [value] : value) url.searchParams.append(key, item);
    }
    if (this.token === undefined) {
      throw new CliError(`no token: pass --token, set HOOKLINE_TOKEN or run \`hookline login\``, CLI_EXIT.usage);
    }
    const method = req.method ?? 'GET';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new CliError(`cannot reach the ${this.service} at ${this.baseUrl}: ${why}`, CLI_EXIT.unreachable);
    }
    const text = await response.text();
    if (!response.ok) throw new CliError(`${this.service}: ${response.status} ${serverMessage(text, response.statusText)}`, CLI_EXIT.serverError);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${this.service}: ${method} ${req.path} answered ${response.status} with a body that is not JSON`, CLI_EXIT.serverError);
    }
  }
}

function serverMessage(text: string, fallback: string): string {
  let message = fallback;
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; details?: unknown };
    const parts = [body.message ?? body.error, body.details === undefined ? undefined : JSON.stringify(body.details)];
    const joined = parts
      .filter((part) => part !== undefined && part !== null)
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
      .join(' ');
    if (joined !== '') message = joined;
  } catch {
    if (text.trim() !== '') message = text.trim();
  }
  // Control characters from a server could rewrite the terminal; show them escaped.
  const clean = escapeControl(message);
  return clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}…` : clean;
}
