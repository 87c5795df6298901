import { Agent, request, type Dispatcher } from 'undici';

/** Statuses whose response may not carry a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export interface PooledFetch {
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * The fetch the svix SDK is given: undici's `request` over one keep-alive pool of
 * `connections` sockets, instead of the global WHATWG fetch. A CPU profile of the relay
 * under load put the global fetch's request/stream machinery (Request, HeadersList, web
 * streams, per-call abort listeners) at ~10 % of the relay's CPU, more than the Svix
 * call's own HTTP work; `request` does the same HTTP/1.1 exchange without it. What the SDK
 * sees is unchanged: a real Response (status, headers, text) or the error the request
 * failed with (network errors, the timeout signal's abort), which it classifies as before.
 */
export function createPooledFetch(connections: number): PooledFetch {
  const agent = new Agent({ connections });
  const pooledFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('pooled fetch: pass a URL and an init object, not a Request');
    const signal = init?.signal ?? undefined;
    let answer: Dispatcher.ResponseData;
    let text: string;
    try {
      answer = await request(input, {
        dispatcher: agent,
        method: init?.method ?? 'GET',
        headers: init?.headers as Record<string, string> | undefined,
        body: init?.body as string | null | undefined,
        signal,
      });
      text = await answer.body.text();
    } catch (error) {
      // Fail as the global fetch does, so every classifier of Svix failures keeps working:
      // the signal's reason (TimeoutError) when it aborted, else TypeError('fetch failed').
      if (signal?.aborted === true) throw signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    return new Response(NULL_BODY_STATUSES.has(answer.statusCode) ? null : text, { status: answer.statusCode, headers });
  };
  return { fetch: pooledFetch, close: () => agent.close() };
}
