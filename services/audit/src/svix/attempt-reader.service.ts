import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import { and, eq, inArray } from 'drizzle-orm';
import { PinoLogger } from 'nestjs-pino';
import pThrottle from 'p-throttle';
import { Svix, type MessageAttemptOut } from 'svix';
import type { AuditConfig } from '../config/audit.settings.js';
import { AuditDatabase } from '../database/audit-database.service.js';
import { attemptCursors, svixPublications } from '../database/audit.schema.js';
import { AuditMetrics } from '../metrics/audit-metrics.service.js';
import { PeriodicLoop } from '../periodic-loop.js';
import { RecordStore } from '../records/record-store.service.js';
import type { AttemptRow } from '../records/record-rows.js';

interface MessageKind {
  readonly eventType: string | null;
  readonly eventId: string | null;
}

/** Messages whose event type the reader remembers. */
const MESSAGE_KINDS_KEPT = 10_000;
/** A lookup of messages without a publication reads at most this many pages of this size. */
const MESSAGE_LOOKUP_MAX_PAGES = 4;
const MESSAGE_LOOKUP_PAGE_SIZE = 250;

type ReaderConfig = Pick<
  AuditConfig,
  'SVIX_AUTH_TOKEN' | 'SVIX_SERVER_URL' | 'SVIX_ATTEMPT_POLL_SECONDS' | 'SVIX_REQUESTS_PER_SECOND' | 'SVIX_ATTEMPT_PAGE_SIZE' | 'SVIX_ATTEMPT_OVERLAP_SECONDS'
>;

/** What one round read. */
export interface ReadRound {
  readonly endpoints: number;
  readonly read: number;
  readonly stored: number;
}

/**
 * Reads delivery attempts from Svix's attempt API, per endpoint of every application,
 * from a cursor persisted per endpoint (the newest attempt time stored, minus an
 * overlap). The cursor moves only after every page of the endpoint is stored, and
 * attempts are stored once by id, so a restart re-reads at most the overlap and nothing
 * is missed or doubled. Every request to Svix goes through one throttle
 * (SVIX_REQUESTS_PER_SECOND), so reading never floods Svix.
 */
@Injectable()
export class AttemptReader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly svix: Svix | undefined;
  private readonly loop = new PeriodicLoop();
  /** Event type and id of messages without a publication, as Svix gave them (bounded). */
  private readonly knownKinds = new Map<string, MessageKind>();
  private running: Promise<ReadRound> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ReaderConfig,
    private readonly database: AuditDatabase,
    private readonly store: RecordStore,
    private readonly metrics: AuditMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AttemptReader.name);
    const token = config.SVIX_AUTH_TOKEN;
    if (token === undefined) {
      this.svix = undefined;
      return;
    }
    const throttle = pThrottle({ limit: config.SVIX_REQUESTS_PER_SECOND, interval: 1_000, strict: true });
    const pacedFetch = throttle((input: string | URL | Request, init?: RequestInit) => fetch(input, init));
    this.svix = new Svix(token, {
      ...(config.SVIX_SERVER_URL === undefined ? {} : { serverUrl: config.SVIX_SERVER_URL }),
      fetch: pacedFetch,
    });
  }

  get enabled(): boolean {
    return this.svix !== undefined;
  }

  onApplicationBootstrap(): void {
    if (this.svix === undefined) {
      this.logger.info('SVIX_AUTH_TOKEN is not set: delivery attempts are not read from Svix (operational webhooks still are)');
      return;
    }
    this.loop.start(this.config.SVIX_ATTEMPT_POLL_SECONDS * 1000, () => this.readRound());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One round over every endpoint; concurrent callers share the round in progress. */
  readOnce(): Promise<ReadRound> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async readRound(): Promise<void> {
    try {
      const round = await this.readOnce();
      this.metrics.attemptReads.inc({ result: 'ok' });
      if (round.stored > 0) this.logger.info(round, 'delivery attempts read from Svix');
    } catch (error) {
      this.metrics.attemptReads.inc({ result: 'error' });
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'reading delivery attempts from Svix failed; retrying next round');
    }
  }

  private async round(): Promise<ReadRound> {
    const svix = this.svix;
    if (svix === undefined) return { endpoints: 0, read: 0, stored: 0 };
    let endpoints = 0;
    let read = 0;
    let stored = 0;
    for await (const appId of this.pages(
      (iterator) => svix.application.list({ limit: this.config.SVIX_ATTEMPT_PAGE_SIZE, iterator }),
      (app) => app.id,
    )) {
      for await (const endpointId of this.pages(
        (iterator) => svix.endpoint.list(appId, { limit: this.config.SVIX_ATTEMPT_PAGE_SIZE, iterator }),
        (endpoint) => endpoint.id,
      )) {
        if (this.loop.signal.aborted) return { endpoints, read, stored };
        const result = await this.readEndpoint(svix, appId, endpointId);
        endpoints += 1;
        read += result.read;
        stored += result.stored;
      }
    }
    return { endpoints, read, stored };
  }

  private async readEndpoint(svix: Svix, appId: string, endpointId: string): Promise<{ read: number; stored: number }> {
    const cursor = await this.database.db
      .select({ readUntil: attemptCursors.readUntil })
      .from(attemptCursors)
      .where(and(eq(attemptCursors.appId, appId), eq(attemptCursors.endpointId, endpointId)));
    const readUntil = cursor[0]?.readUntil;
    const after = readUntil === undefined ? null : new Date(readUntil.getTime() - this.config.SVIX_ATTEMPT_OVERLAP_SECONDS * 1000);
    let newest = readUntil;
    let read = 0;
    let stored = 0;
    let iterator: string | null = null;
    let complete = true;
    for (;;) {
      const page = await svix.messageAttempt.listByEndpoint(appId, endpointId, {
        limit: this.config.SVIX_ATTEMPT_PAGE_SIZE,
        iterator,
        after,
        // Ids, status and times only: no message payloads (a session's input) and no endpoint
        // response bodies. Event id and type come from the relay's publication of the message.
        withMsg: false,
        withContent: false,
      });
      read += page.data.length;
      stored += await this.store.storeAttempts(await this.rows(svix, appId, page.data));
      for (const attempt of page.data) {
        const at = new Date(attempt.timestamp);
        if (newest === undefined || at > newest) newest = at;
      }
      if (page.done || page.iterator === null || page.data.length === 0) break;
      // An iterator that does not move would loop forever: stop without moving the cursor, so
      // the older pages not read are read again next round.
      if (page.iterator === iterator) {
        complete = false;
        this.logger.warn({ appId, endpointId }, 'Svix returned the same iterator twice; the cursor stays');
        break;
      }
      iterator = page.iterator;
    }
    // Only now, with every page stored, may the cursor move.
    if (complete && newest !== undefined && newest !== readUntil) {
      await this.database.db
        .insert(attemptCursors)
        .values({ appId, endpointId, readUntil: newest })
        .onConflictDoUpdate({ target: [attemptCursors.appId, attemptCursors.endpointId], set: { readUntil: newest, updatedAt: new Date() } });
    }
    return { read, stored };
  }

  /**
   * Attempt rows, with the session id, event id and event type from the publication of each
   * message; for a message without one (read before its publication is stored, or not published
   * by the relay), from Svix's message list without payloads.
   */
  private async rows(svix: Svix, appId: string, attempts: readonly MessageAttemptOut[]): Promise<AttemptRow[]> {
    if (attempts.length === 0) return [];
    const publications = await this.database.db
      .select({
        messageId: svixPublications.svixMessageId,
        eventId: svixPublications.eventId,
        eventType: svixPublications.eventType,
        sid: svixPublications.sid,
      })
      .from(svixPublications)
      .where(inArray(svixPublications.svixMessageId, [...new Set(attempts.map((attempt) => attempt.msgId))]));
    const byMessage = new Map(publications.map((row) => [row.messageId, row]));
    const unknown = [...new Set(attempts.map((attempt) => attempt.msgId))].filter((msgId) => !byMessage.has(msgId));
    const kinds = await this.messageKinds(svix, appId, unknown, attempts);
    return attempts.map((attempt) => {
      const publication = byMessage.get(attempt.msgId);
      const kind = kinds.get(attempt.msgId);
      return {
        attemptId: attempt.id,
        messageId: attempt.msgId,
        endpointId: attempt.endpointId,
        appId,
        eventType: publication?.eventType ?? kind?.eventType ?? null,
        eventId: publication?.eventId ?? kind?.eventId ?? null,
        sid: publication?.sid ?? null,
        status: attempt.status,
        responseStatusCode: attempt.responseStatusCode,
        triggerType: attempt.triggerType,
        attemptedAt: new Date(attempt.timestamp),
        // Svix's answer is not validated here: a server that leaves the field out counts as 0.
        responseDurationMs: Math.max(0, Math.round((attempt as { responseDurationMs?: number }).responseDurationMs ?? 0)),
      };
    });
  }

  /**
   * Event type and id of messages without a publication: from Svix's message list without
   * payloads (withContent false), newest first from the newest attempt on, a few pages at most,
   * so a page of attempts costs a request or two, not one per message. What is not found (older
   * than that, or gone) stays null. Answers are remembered (bounded).
   */
  private async messageKinds(svix: Svix, appId: string, msgIds: readonly string[], attempts: readonly MessageAttemptOut[]): Promise<Map<string, MessageKind>> {
    const kinds = new Map<string, MessageKind>();
    const wanted = new Set<string>();
    for (const msgId of msgIds) {
      const known = this.knownKinds.get(msgId);
      if (known === undefined) wanted.add(msgId);
      else kinds.set(msgId, known);
    }
    if (wanted.size === 0) return kinds;
    const newest = Math.max(...attempts.map((attempt) => new Date(attempt.timestamp).getTime()));
    let iterator: string | null = null;
    for (let pages = 0; pages < MESSAGE_LOOKUP_MAX_PAGES && wanted.size > 0; pages += 1) {
      const page = await svix.message.list(appId, { limit: MESSAGE_LOOKUP_PAGE_SIZE, iterator, before: new Date(newest + 1_000), withContent: false });
      for (const message of page.data) {
        const kind = { eventType: message.eventType, eventId: message.eventId ?? null };
        this.remember(message.id, kind);
        if (wanted.delete(message.id)) kinds.set(message.id, kind);
      }
      if (page.done || page.iterator === null || page.data.length === 0 || page.iterator === iterator) break;
      iterator = page.iterator;
    }
    for (const msgId of wanted) {
      const unknown = { eventType: null, eventId: null };
      this.remember(msgId, unknown);
      kinds.set(msgId, unknown);
    }
    return kinds;
  }

  private remember(msgId: string, kind: MessageKind): void {
    this.knownKinds.set(msgId, kind);
    // Map keeps insertion order: the first key is the oldest.
    if (this.knownKinds.size > MESSAGE_KINDS_KEPT) {
      const oldest = this.knownKinds.keys().next();
      if (oldest.done !== true) this.knownKinds.delete(oldest.value);
    }
  }

  /** Every item of a Svix list, page by page. */
  private async *pages<T>(
    list: (iterator: string | null) => Promise<{ data: T[]; iterator: string | null; done: boolean }>,
    pick: (item: T) => string,
  ): AsyncGenerator<string> {
    let iterator: string | null = null;
    for (;;) {
      const page = await list(iterator);
      for (const item of page.data) yield pick(item);
      if (page.done || page.iterator === null || page.data.length === 0 || page.iterator === iterator) return;
      iterator = page.iterator;
    }
  }
}
