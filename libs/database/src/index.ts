// The only door into @hookline/database: PostgreSQL through drizzle, with drizzle-kit
// generated migrations applied at open. The embedded server for `npm start` and tests is
// behind `@hookline/database/embedded`, so services never load its WASM.
export { DATABASE_DEFAULTS } from './database.constant.js';
export { openDatabase, type DatabaseHandle, type HooklineDatabase, type OpenDatabaseOptions } from './database-handle.js';
export { redactDatabaseUrl } from './redact-database-url.js';
