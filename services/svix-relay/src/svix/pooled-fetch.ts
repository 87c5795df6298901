import type { IncomingHttpHeaders } from 'node:http';
import { Agent, errors, type Dispatcher } from 'undici';

/** Statuses whose response carries no body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export interface PooledFetch {
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * What the svix SDK reads of a response: `status`, `text()`, and `headers` (only to build
 * an ApiException, so only on errors). A WHATWG Response and its Headers cost more than
 * the HTTP exchange under load; this answers the same with the Headers built on demand.
 */
class PooledResponse {
  private headerList: Headers | undefined;

  constructor(
    readonly status: number,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (this.headerList === undefined) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else if (value !== undefined) headers.set(name, value);
      }
      this.headerList = headers;
    }
    return this.headerList;
  }

  text(): Promise<string> {
    return Promise.resolve(this.body);
  }

  json(): Promise<unknown> {
    return Promise.resolve(JSON.parse(this.body) as unknown);
  }
}

function timeoutError(timeoutMs: number): DOMException {
  return new DOMException(`The operation timed out after ${timeoutMs} ms`, 'TimeoutError');
}

/** One HTTP exchange on undici's dispatch API: the body is collected as it comes, with no stream in between. */
function exchange(agent: Agent, target: URL, init: RequestInit | undefined, signal: AbortSignal | undefined): Promise<PooledResponse> {
  return new Promise<PooledResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const onAbort = (): void => controller?.abort(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    agent.dispatch(
      {
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: init?.method ?? 'GET',
        headers: (init?.headers as Record<string, string> | undefined) ?? null,
        body: (init?.body as string | null | undefined) ?? null,
      },
      {
        onRequestStart(started) {
          controller = started;
          if (signal?.aborted === true) started.abort(signal.reason as Error);
        },
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          headers = responseHeaders;
          chunks.length = 0;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          done();
          const text = NULL_BODY_STATUSES.has(status)
            ? ''
            : chunks.length === 1 && chunks[0] !== undefined
              ? chunks[0].toString('utf8')
              : Buffer.concat(chunks).toString('utf8');
          resolve(new PooledResponse(status, headers, text));
        },
        onResponseError(_controller, error) {
          done();
          reject(error);
        },
      },
    );
  });
}

/**
 * The fetch the svix SDK is given: undici's dispatch API over one keep-alive pool of
 * `connections` sockets, instead of the global WHATWG fetch. CPU profiles of the relay
 * under load put the global fetch's machinery (Request, Headers, web streams, per-call
 * abort listeners), and then `request()`'s body stream, above the Svix call's own HTTP
 * work; this does the same HTTP/1.1 exchange without them.
 *
 * `timeoutMs` bounds connecting, waiting for the answer's headers and each pause in its
 * body with undici's own timers, so the SDK needs no `AbortSignal.timeout` per call (each
 * of those is a timer that stays pending for the whole timeout after the call is done:
 * ten seconds of them at a thousand calls a second). A timeout fails as the SDK's signal
 * would (TimeoutError), a network error as the global fetch does (TypeError 'fetch
 * failed'), so every classifier of Svix failures keeps working.
 */
export function createPooledFetch(connections: number, timeoutMs?: number): PooledFetch {
  const agent = new Agent({
    connections,
    ...(timeoutMs === undefined ? {} : { connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
  });
  const pooledFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('pooled fetch: pass a URL and an init object, not a Request');
    const signal = init?.signal ?? undefined;
    try {
      return (await exchange(agent, typeof input === 'string' ? new URL(input) : input, init, signal)) as unknown as Response;
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      if (
        timeoutMs !== undefined &&
        (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError)
      ) {
        throw timeoutError(timeoutMs);
      }
      throw new TypeError('fetch failed', { cause: error });
    }
  };
  return { fetch: pooledFetch, close: () => agent.close() };
}
