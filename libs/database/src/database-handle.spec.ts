import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { openDatabase } from './database-handle.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { redactDatabaseUrl } from './redact-database-url.js';
import { notes } from './spec-notes.schema.js';
import { createTestDatabase, type TestDatabase } from './testing/test-database.js';

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'spec-migrations');

describe('openDatabase', () => {
  const created: TestDatabase[] = [];
  after(async () => {
    for (const database of created) await database.drop();
  });

  it('migrates a real PostgreSQL database and reads back what it wrote', async () => {
    const testDb = await createTestDatabase('database_spec');
    created.push(testDb);
    const handle = await openDatabase({ url: testDb.url, migrationsFolder, migrationsTable: 'spec_migrations' });
    try {
      assert.equal(handle.kind, 'postgres');
      await handle.ping();
      await handle.db.insert(notes).values({ id: 1, body: 'hello' });
      assert.deepEqual(await handle.db.select().from(notes).where(eq(notes.id, 1)), [{ id: 1, body: 'hello' }]);
    } finally {
      await handle.close();
    }
    // Opening again applies nothing twice: the journal says the migration ran.
    const again = await openDatabase({ url: testDb.url, migrationsFolder, migrationsTable: 'spec_migrations' });
    try {
      assert.equal((await again.db.select().from(notes)).length, 1);
    } finally {
      await again.close();
    }
  });

  it('runs the same migrations on the embedded server, through the same driver', async () => {
    const embedded = await startEmbeddedPostgres();
    const handle = await openDatabase({ url: embedded.url, migrationsFolder, migrationsTable: 'spec_migrations' });
    try {
      assert.equal(handle.kind, 'postgres');
      await handle.db.insert(notes).values({ id: 7, body: 'embedded' });
      assert.deepEqual(await handle.db.select().from(notes), [{ id: 7, body: 'embedded' }]);
    } finally {
      await handle.close();
      await embedded.stop();
    }
  });

  it('fails to open an unreachable database with a message that hides the password', async () => {
    const url = 'postgres://svc:s3cr3t-pass@127.0.0.1:1/nowhere';
    await assert.rejects(openDatabase({ url, migrationsFolder, migrationsTable: 'spec_migrations', connectTimeoutMs: 1_000 }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /migrating postgres:\/\/svc:\*\*\*@127\.0\.0\.1:1\/nowhere failed/);
      assert.doesNotMatch(err.message, /s3cr3t-pass/);
      return true;
    });
  });

  it('redacts passwords and secret query parameters from URLs', () => {
    assert.equal(
      redactDatabaseUrl('postgres://u:p%40ss@h:5432/db?sslpassword=x&sslmode=require'),
      'postgres://u:***@h:5432/db?sslpassword=***&sslmode=require',
    );
    assert.equal(redactDatabaseUrl('not a url'), '<unparseable database URL>');
  });
});
