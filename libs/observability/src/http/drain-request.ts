import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasRequestBody } from './json-body.interceptor.js';

/** Most bytes of a refused body read and thrown away so the client can read the answer. */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
/** Longest a refused body is read for before the connection is dropped. */
export const DRAIN_MAX_MS = 30_000;

/**
 * Answers a request whose body was refused unread (401, 413, 415, ...) so that every client
 * can read the answer. A client that writes its whole body before reading (Python's
 * http.client, many gateways) gets a reset, not the answer, when the server closes with
 * bytes unread; so the rest of the body is read and discarded, up to DRAIN_MAX_BYTES and
 * DRAIN_MAX_MS, then the answer is sent with `Connection: close`. A body beyond the bound
 * gets the answer written and the connection dropped.
 */
export function answerAfterDraining(
  request: IncomingMessage,
  response: ServerResponse,
  answer: () => void,
  bounds: { maxBytes?: number; maxMs?: number } = {},
): void {
  if (request.complete || request.destroyed || !hasRequestBody(request)) {
    answer();
    return;
  }
  response.setHeader('Connection', 'close');
  const maxBytes = bounds.maxBytes ?? DRAIN_MAX_BYTES;
  let drained = 0;
  let done = false;
  const finish = (giveUp: boolean): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    request.off('data', onData);
    // Too much or too slow: answered all the same (a client reading early sees it); the
    // connection then closes with the rest unread.
    if (giveUp) request.pause();
    answer();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > maxBytes) finish(true);
  };
  const timer = setTimeout(() => finish(true), bounds.maxMs ?? DRAIN_MAX_MS);
  timer.unref();
  request.on('data', onData);
  request.once('end', () => finish(false));
  request.once('error', () => finish(true));
  request.once('close', () => finish(true));
  request.resume();
}
