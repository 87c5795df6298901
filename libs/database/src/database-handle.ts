import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { DATABASE_DEFAULTS } from './database.constant.js';
import { redactDatabaseUrl } from './redact-database-url.js';

/** A drizzle database on node-postgres. */
export type HooklineDatabase = PgDatabase<PgQueryResultHKT>;

export interface OpenDatabaseOptions {
  /** DATABASE_URL (postgres://…); `startEmbeddedPostgres` serves one locally. */
  readonly url: string;
  /** Folder of drizzle-kit generated SQL migrations (with meta/_journal.json). */
  readonly migrationsFolder: string;
  /** Journal table of this service's migrations, so several services can share one database. */
  readonly migrationsTable: string;
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  /** Called with connection errors of idle pooled clients (a restart of PostgreSQL), already redacted. */
  readonly onError?: (message: string) => void;
}

/** An open database with its migrations applied. */
export interface DatabaseHandle {
  readonly db: HooklineDatabase;
  readonly kind: 'postgres';
  /** The URL with its password hidden: safe to log. */
  readonly description: string;
  /** Resolves when the database answers `SELECT 1`; rejects (with a redacted message) otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens PostgreSQL (DATABASE_URL) and applies the service's migrations with drizzle's migrator. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const migrationConfig = {
    migrationsFolder: options.migrationsFolder,
    migrationsTable: options.migrationsTable,
    migrationsSchema: DATABASE_DEFAULTS.migrationsSchema,
  };
  const url = options.url;
  const description = redactDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DATABASE_DEFAULTS.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DATABASE_DEFAULTS.connectTimeoutMs,
    idleTimeoutMillis: DATABASE_DEFAULTS.idleTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? DATABASE_DEFAULTS.statementTimeoutMs,
  });
  // An idle client losing its connection (PostgreSQL restarting) emits 'error' on the
  // pool; unhandled, that would crash the process instead of failing one query.
  pool.on('error', (err) => options.onError?.(`database connection lost (${description}): ${redact(messageOf(err), url)}`));
  const db = drizzleNodePostgres(pool);
  try {
    await migrateNodePostgres(db, migrationConfig);
  } catch (err) {
    await pool.end().catch(() => undefined);
    // eslint-disable-next-line preserve-caught-error -- the driver's error may quote the URL; only its redacted message is kept
    throw new Error(`migrating ${description} failed: ${redact(messageOf(err), url)}`);
  }
  return {
    db: db as unknown as HooklineDatabase,
    kind: 'postgres',
    description,
    ping: async () => {
      try {
        await db.execute(sql`SELECT 1`);
      } catch (err) {
        // eslint-disable-next-line preserve-caught-error -- the driver's error may quote the URL; only its redacted message is kept
        throw new Error(`database ${description} unreachable: ${redact(messageOf(err), url)}`);
      }
    },
    close: () => pool.end(),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Driver messages may quote the connection string; never let its password through. */
function redact(message: string, url: string): string {
  let password: string;
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return message.split(url).join('<database URL>');
  }
  const withoutUrl = message.split(url).join(redactDatabaseUrl(url));
  return password === '' ? withoutUrl : withoutUrl.split(password).join('***');
}
