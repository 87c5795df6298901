// The only door into @hookline/database: PostgreSQL (or embedded PGlite) through drizzle,
// with drizzle-kit generated migrations applied at open.
export { DATABASE_DEFAULTS } from './database.constant.js';
export { openDatabase, type DatabaseHandle, type HooklineDatabase, type OpenDatabaseOptions } from './database-handle.js';
export { redactDatabaseUrl } from './redact-database-url.js';
