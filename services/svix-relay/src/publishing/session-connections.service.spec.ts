import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '@hookline/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@hookline/database/embedded';
import type { PinoLogger } from 'nestjs-pino';
import { MIGRATIONS_TABLE } from '../relay.constant.js';
import { SessionConnections } from './session-connections.service.js';

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
const silent = { setContext: () => undefined, info: () => undefined, warn: () => undefined } as unknown as PinoLogger;
const HOUR = 60 * 60 * 1000;

// On the embedded PostgreSQL server with the service's own migrations: the same SQL production runs.
void describe('SessionConnections', () => {
  let embedded: EmbeddedPostgres;
  let database: DatabaseHandle;

  before(async () => {
    embedded = await startEmbeddedPostgres();
    database = await openDatabase({ url: embedded.url, migrationsFolder: MIGRATIONS, migrationsTable: MIGRATIONS_TABLE });
  });

  after(async () => {
    await (database as DatabaseHandle | undefined)?.close();
    await (embedded as EmbeddedPostgres | undefined)?.stop();
  });

  void it('remembers the connection of a session; another instance (no cache) reads it from the database', async () => {
    await new SessionConnections(database, { SESSION_RETENTION_HOURS: 1 }, silent).remember('sid-1', 'org-1', 'pg-prod');
    const other = new SessionConnections(database, { SESSION_RETENTION_HOURS: 1 }, silent);
    assert.deepEqual(await other.connectionOf('sid-1'), { orgId: 'org-1', connectionName: 'pg-prod' });
    assert.equal(await other.connectionOf('sid-unknown'), undefined);
  });

  void it('1,200 concurrent writes and reads (coalesced into statements of up to 500 rows): the latest connection of a sid wins; each caller sees its outcome', async () => {
    const writer = new SessionConnections(database, { SESSION_RETENTION_HOURS: 1 }, silent);
    const sids = Array.from({ length: 1_200 }, (_, i) => `sid-batch-${i}`);
    // The same sid twice in one turn: one statement may touch a row only once.
    await Promise.all([...sids.map((sid) => writer.remember(sid, 'org-b', 'pg-a')), writer.remember('sid-batch-7', 'org-b', 'pg-b')]);
    const reader = new SessionConnections(database, { SESSION_RETENTION_HOURS: 1 }, silent);
    const found = await Promise.all([...sids, 'sid-batch-missing'].map((sid) => reader.connectionOf(sid)));
    assert.equal(found.filter((c) => c?.connectionName === 'pg-a').length, 1_199);
    assert.deepEqual(found[7], { orgId: 'org-b', connectionName: 'pg-b' });
    assert.equal(found.at(-1), undefined);
    // A failing statement fails every caller whose row it carried, not others later.
    const closed = await openDatabase({ url: embedded.url, migrationsFolder: MIGRATIONS, migrationsTable: MIGRATIONS_TABLE });
    await closed.close();
    const broken = new SessionConnections(closed, { SESSION_RETENTION_HOURS: 1 }, silent);
    const outcomes = await Promise.allSettled([broken.remember('sid-x', 'org-b', 'pg-a'), broken.connectionOf('sid-y')]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
  });

  void it('prunes sessions not seen within SESSION_RETENTION_HOURS; keeps recent ones', async () => {
    const sessions = new SessionConnections(database, { SESSION_RETENTION_HOURS: 2 }, silent);
    await sessions.remember('sid-old', 'org-1', 'pg-old');
    await sessions.remember('sid-new', 'org-1', 'pg-new');
    // Seen "now" from the database's clock; pruning as of three hours later removes both, as of one hour later neither.
    assert.equal(await sessions.prune(new Date(Date.now() + HOUR)), 0);
    const removed = await sessions.prune(new Date(Date.now() + 3 * HOUR));
    assert.ok(removed >= 2);
    assert.equal(await sessions.connectionOf('sid-old'), undefined, 'gone from the cache too');
  });
});
