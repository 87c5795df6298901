import { z } from 'zod';

/** Keyset position: the time and id of the last row of the previous page. */
export interface PageCursor {
  readonly time: Date;
  readonly id: string;
}

const cursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(256)]);

/** Opaque to clients: base64url of [time, id]. */
export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.time.toISOString(), cursor.id]), 'utf8').toString('base64url');
}

export function decodePageCursor(text: string): PageCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { time: new Date(parsed.data[0]), id: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}
