import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

void describe('startEmbeddedPostgres', () => {
  let server: EmbeddedPostgres;
  before(async () => {
    server = await startEmbeddedPostgres();
  });
  after(async () => {
    await server.stop();
  });

  void it('listens on 127.0.0.1 only, on a free port', () => {
    const url = new URL(server.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.ok(Number(url.port) > 0);
  });

  void it('keeps concurrent parameterised queries of several connections apart', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 8 });
    try {
      await pool.query('CREATE TABLE spec_numbers (n integer PRIMARY KEY, label text NOT NULL)');
      // Each query is a Parse/Bind/Execute/Sync batch on its own connection: interleaved, they would bind each other's statement.
      await Promise.all(Array.from({ length: 200 }, (_, n) => pool.query('INSERT INTO spec_numbers (n, label) VALUES ($1, $2)', [n, `n${n}`])));
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, n) => pool.query<{ label: string }>('SELECT label FROM spec_numbers WHERE n = $1', [n])),
      );
      answers.forEach((answer, n) => assert.deepEqual(answer.rows, [{ label: `n${n}` }]));
    } finally {
      await pool.end();
    }
  });

  void it("keeps one connection's transaction from the others, and rolls back one whose client vanished", async () => {
    const holder = new pg.Client({ connectionString: server.url });
    const other = new pg.Client({ connectionString: server.url });
    holder.on('error', () => undefined);
    await holder.connect();
    await other.connect();
    try {
      await other.query('CREATE TABLE spec_tx (id integer)');
      await holder.query('BEGIN');
      await holder.query('INSERT INTO spec_tx VALUES (1)');
      const waiting = other.query<{ count: string }>('SELECT count(*) FROM spec_tx');
      // The holder disappears mid-transaction without a word: its insert must not survive.
      (holder as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const { rows } = await waiting;
      assert.deepEqual(rows, [{ count: '0' }]);
    } finally {
      await holder.end().catch(() => undefined);
      await other.end();
    }
  });

  void it('survives malformed and oversized garbage on the socket, and answers the next client', async () => {
    const { port } = new URL(server.url);
    for (const garbage of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(64 * 1024, 0xff), Buffer.from([0x50, 0x7f, 0xff, 0xff, 0xff])]) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(garbage));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      assert.deepEqual((await client.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      await client.end();
    }
  });

  void it('keeps its data in dataDir across restarts', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'hookline-embedded-')), 'db');
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      const writer = new pg.Client({ connectionString: first.url });
      await writer.connect();
      await writer.query('CREATE TABLE spec_kept (v text)');
      await writer.query("INSERT INTO spec_kept VALUES ('kept')");
      await writer.end();
      await first.stop();
      const second = await startEmbeddedPostgres({ dataDir });
      const reader = new pg.Client({ connectionString: second.url });
      await reader.connect();
      try {
        assert.deepEqual((await reader.query('SELECT v FROM spec_kept')).rows, [{ v: 'kept' }]);
      } finally {
        await reader.end();
        await second.stop();
      }
    } finally {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
