import { ApiException } from 'svix';
import { MAX_RETRY_AFTER_MS } from '../relay.constant.js';

/** `status_class` label values of hookline_relay_svix_errors_total. */
export type SvixStatusClass = 'network' | '4xx' | '429' | '5xx';

/** What went wrong with one Svix call, in the terms the relay acts on. */
export interface SvixFailureInfo {
  /** HTTP status Svix answered; undefined when it did not answer (network, timeout). */
  readonly status: number | undefined;
  readonly statusClass: SvixStatusClass;
  /** Unreachable, timing out, 429 or 5xx: worth retrying. */
  readonly retryable: boolean;
  /** Svix's own message (HttpErrorOut.detail, or the validation errors), or the network error. */
  readonly message: string;
  /** Retry-After of a 429/503, in ms, capped. */
  readonly retryAfterMs: number | undefined;
}

const MAX_MESSAGE_LENGTH = 500;

function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

/** Svix's error body: HttpErrorOut `{code, detail}` or HTTPValidationError `{detail: [{loc, msg}]}`. */
function svixMessage(body: unknown): string {
  if (typeof body === 'string') return clip(body.trim() === '' ? 'no message' : body);
  if (typeof body !== 'object' || body === null) return 'no message';
  const { code, detail } = body as { code?: unknown; detail?: unknown };
  if (Array.isArray(detail)) {
    return clip(
      detail
        .map((item) => {
          const { loc, msg } = (item ?? {}) as { loc?: unknown; msg?: unknown };
          const where = Array.isArray(loc) ? loc.map(String).join('.') : '';
          return `${where === '' ? '' : `${where}: `}${typeof msg === 'string' ? msg : 'invalid'}`;
        })
        .join('; '),
    );
  }
  const text = typeof detail === 'string' ? detail : 'no message';
  return clip(typeof code === 'string' ? `${code}: ${text}` : text);
}

/** Retry-After is seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

export function describeSvixFailure(error: unknown): SvixFailureInfo {
  if (error instanceof ApiException) {
    const status = error.code;
    const statusClass: SvixStatusClass = status === 429 ? '429' : status >= 500 ? '5xx' : '4xx';
    return {
      status,
      statusClass,
      retryable: status === 429 || status >= 500,
      message: svixMessage(error.body),
      retryAfterMs: parseRetryAfter(error.headers['retry-after']),
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { status: undefined, statusClass: 'network', retryable: true, message: clip(message), retryAfterMs: undefined };
}
