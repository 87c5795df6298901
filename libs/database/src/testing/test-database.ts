import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { LOCAL_TEST_DATABASE_URL } from '../database.constant.js';

export interface TestDatabase {
  /** URL of a new, empty database: give it to a service as DATABASE_URL. */
  readonly url: string;
  readonly name: string;
  /** Drops the database (terminating its connections). */
  drop(): Promise<void>;
}

/**
 * A throw-away database on the real PostgreSQL of the machine (TEST_DATABASE_URL, else
 * the local one CI starts), so each test file starts empty and runs its migrations.
 */
export async function createTestDatabase(prefix = 'hookline_test'): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? LOCAL_TEST_DATABASE_URL;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
