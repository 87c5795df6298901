/** Defaults of @hookline/database; every one can be overridden per service. */
export const DATABASE_DEFAULTS = {
  /** Connections a service keeps to PostgreSQL. */
  poolSize: 10,
  /** A connection attempt that takes longer fails, so a down database is noticed quickly. */
  connectTimeoutMs: 3_000,
  /** Idle connections are closed after this (ms). */
  idleTimeoutMs: 30_000,
  /** Statements running longer are cancelled by PostgreSQL (ms); protects against a stuck query holding the consumer. */
  statementTimeoutMs: 30_000,
  /** Schema holding each service's migrations journal table. */
  migrationsSchema: 'drizzle',
} as const;

/** What the local PostgreSQL of developers' machines and CI answers to (trust auth). */
export const LOCAL_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
