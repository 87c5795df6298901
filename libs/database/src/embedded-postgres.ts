import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Folder of the database files (created when missing); unset: in memory, lost at stop. */
  readonly dataDir?: string | undefined;
  /** TCP port on 127.0.0.1; 0 or unset: a free one. */
  readonly port?: number | undefined;
  /** Connections accepted at once; the services' pools must fit (each opens up to its pool size). */
  readonly maxConnections?: number | undefined;
}

export interface EmbeddedPostgres {
  /** postgres://… URL of the server, for DATABASE_URL. */
  readonly url: string;
  stop(): Promise<void>;
}

const DEFAULT_MAX_CONNECTIONS = 32;
const SYNC_MESSAGE = new Uint8Array([0x53, 0, 0, 0, 4]);
const SYNC = 0x53;
const SIMPLE_QUERY = 0x51;
const TERMINATE = 0x58;

interface Pending {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * PGlite is one PostgreSQL session, shared by every connection. The package's own queue
 * serialises single protocol messages, so two connections' extended-protocol batches
 * (Parse/Bind/Execute/Sync) interleave and bind each other's unnamed statement, and one
 * failed message stalls it for good (electric-sql/pglite#1046). This queue hands the
 * session to one connection from its first message until its Sync or simple query, and
 * for as long as it holds a transaction open.
 */
class SessionQueue {
  private readonly waiting: Pending[] = [];
  private owner: number | undefined;
  private draining = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let index = this.waiting.length - 1; index >= 0; index -= 1) {
      const pending = this.waiting[index];
      if (pending?.handlerId !== handlerId) continue;
      this.waiting.splice(index, 1);
      pending.reject(new Error('connection closed'));
    }
  }

  /** A connection gone mid-batch or mid-transaction must not leave the session to the next one half-done. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC_MESSAGE));
    // exec takes the session lock itself.
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = undefined;
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const index = this.owner === undefined ? (this.waiting.length > 0 ? 0 : -1) : this.waiting.findIndex((pending) => pending.handlerId === this.owner);
        if (index < 0) return;
        const [next] = this.waiting.splice(index, 1);
        if (next === undefined) return;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length;
                next.onData(data);
              },
            }),
          );
          next.resolve(bytes);
        } catch (error) {
          next.reject(error);
        }
        this.owner = endsBatch(next.message) && !this.db.isInTransaction() ? undefined : next.handlerId;
      }
    } finally {
      this.draining = false;
    }
  }
}

/** A Sync, a simple query, a Terminate or a start-up packet (no type byte: it opens with its length) leaves the session ready for another connection. */
function endsBatch(message: Uint8Array): boolean {
  const type = message[0];
  return type === SYNC || type === SIMPLE_QUERY || type === TERMINATE || type === 0;
}

/**
 * One embedded PostgreSQL (PGlite) for several local services, served over the wire
 * protocol on 127.0.0.1 so every service speaks to it through `pg` as to a real server.
 * No authentication: any user name and password are accepted, so any local user can
 * connect while it runs. For `npm start` and tests, never production.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  // The files hold every table in the clear: the folder is the user's alone (when created here).
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  // The handler's option names the package's own queue class; ours keeps its contract.
  const queryQueue = new SessionQueue(db) as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket: Socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    const forget = (): void => void handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const handler of handlers) void handler.detach(true);
      });
      await db.close();
    },
  };
}
