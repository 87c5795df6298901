// Throughput of parameterised inserts+selects through the embedded server with pool sizes 1 and 10 (two pools, as relay + audit), alternating, medians.
import { startEmbeddedPostgres } from '@hookline/database/embedded';
import pg from 'pg';
const server = await startEmbeddedPostgres();
const setup = new pg.Client({ connectionString: server.url }); await setup.connect();
await setup.query('CREATE TABLE IF NOT EXISTS a (id text PRIMARY KEY, v text)'); await setup.query('CREATE TABLE IF NOT EXISTS b (id text PRIMARY KEY, v text)'); await setup.end();
async function leg(size, round) {
  const pools = [new pg.Pool({ connectionString: server.url, max: size }), new pg.Pool({ connectionString: server.url, max: size })];
  const N = 3000; const started = performance.now();
  await Promise.all(pools.map((pool, i) => Promise.all(Array.from({ length: N }, (_, n) => pool.query(`INSERT INTO ${i ? 'b' : 'a'} (id, v) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = excluded.v RETURNING id`, [`${size}-${round}-${n}`, 'x'.repeat(200)])))));
  const rate = (2 * N) / ((performance.now() - started) / 1000);
  await Promise.all(pools.map((p) => p.end()));
  return rate;
}
const rates = { 1: [], 10: [] };
for (let round = 0; round < 5; round++) for (const size of round % 2 ? [10, 1] : [1, 10]) rates[size].push(await leg(size, round));
const median = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
console.log(JSON.stringify({ pool1: Math.round(median(rates[1])), pool10: Math.round(median(rates[10])), rates }));
await server.stop();
