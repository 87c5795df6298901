interface Pending<R, O> {
  readonly row: R;
  readonly resolve: (outcome: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: rows handed in while an INSERT is running are stored together by the
 * next one, up to `maxRows` per statement. Each caller's promise settles when its own
 * row is stored (or the statement failed), so a consumer commits an offset only after
 * its row is in the database. One statement runs at a time per batcher.
 *
 * When a batch fails with an error `isRowError` blames on a row's content, the rows
 * are retried one by one, so one bad row cannot fail the others.
 */
export class RowBatcher<R, O> {
  private queue: Pending<R, O>[] = [];
  private flushing = false;

  constructor(
    private readonly write: (rows: readonly R[]) => Promise<readonly O[]>,
    private readonly maxRows: number,
    private readonly isRowError: (error: unknown) => boolean = () => false,
  ) {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a whole number >= 1, got ${maxRows}`);
  }

  /** Rows waiting for a statement. */
  get waiting(): number {
    return this.queue.length;
  }

  add(row: R): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      // Wait a turn so the rows of handlers started in the same tick share the statement.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxRows);
        await this.writeBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: readonly Pending<R, O>[]): Promise<void> {
    try {
      const outcomes = await this.write(batch.map((item) => item.row));
      batch.forEach((item, index) => item.resolve(outcomes[index]!));
    } catch (error) {
      if (batch.length > 1 && this.isRowError(error)) {
        for (const item of batch) await this.writeBatch([item]);
        return;
      }
      for (const item of batch) item.reject(error);
    }
  }
}
