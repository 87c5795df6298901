import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowBatcher } from './row-batcher.js';

void describe('RowBatcher', () => {
  void it('stores rows handed in together with one statement and answers each caller', async () => {
    const statements: number[][] = [];
    const batcher = new RowBatcher<number, string>((rows) => {
      statements.push([...rows]);
      return Promise.resolve(rows.map((row) => `stored ${row}`));
    }, 100);
    const answers = await Promise.all([1, 2, 3].map((row) => batcher.add(row)));
    assert.deepEqual(answers, ['stored 1', 'stored 2', 'stored 3']);
    assert.deepEqual(statements, [[1, 2, 3]]);
  });

  void it('splits at maxRows and keeps the order', async () => {
    const statements: number[][] = [];
    const batcher = new RowBatcher<number, number>((rows) => {
      statements.push([...rows]);
      return Promise.resolve(rows);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((row) => batcher.add(row)));
    assert.deepEqual(statements, [[1, 2], [3, 4], [5]]);
  });

  void it('rejects every caller of a failed statement (nothing is reported stored)', async () => {
    const batcher = new RowBatcher<number, number>(() => Promise.reject(new Error('connection refused')), 10);
    const results = await Promise.allSettled([1, 2].map((row) => batcher.add(row)));
    assert.deepEqual(
      results.map((result) => result.status),
      ['rejected', 'rejected'],
    );
  });

  void it('retries row by row when a row is to blame, so only the bad row fails', async () => {
    const batcher = new RowBatcher<number, number>(
      (rows) => (rows.includes(2) ? Promise.reject(new Error('bad row')) : Promise.resolve(rows)),
      10,
      (error) => error instanceof Error && error.message === 'bad row',
    );
    const results = await Promise.allSettled([1, 2, 3].map((row) => batcher.add(row)));
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });
});
