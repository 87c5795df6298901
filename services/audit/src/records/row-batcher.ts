interface Pending<R, O> {
  readonly row: R;
  readonly resolve: (outcome: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: rows handed in while an INSERT is running are stored together by the
 * next one, up to `maxRows` per statement. Each caller's promise settles when its own
 * row is stored (or the statement failed), so a consumer commits an offset only after
 * its row is in the database. Up to `maxInFlight` statements run at once, so the
 * database's round trips overlap while the next rows gather.
 *
 * When a batch fails with an error `isRowError` blames on a row's content, the rows
 * are retried one by one, so one bad row cannot fail the others.
 */
export class RowBatcher<R, O> {
  private queue: Pending<R, O>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly write: (rows: readonly R[]) => Promise<readonly O[]>,
    private readonly maxRows: number,
    private readonly isRowError: (error: unknown) => boolean = () => false,
    private readonly maxInFlight = 1,
  ) {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a whole number >= 1, got ${maxRows}`);
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a whole number >= 1, got ${maxInFlight}`);
  }

  /** Rows waiting for a statement. */
  get waiting(): number {
    return this.queue.length;
  }

  add(row: R): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  // Wait a turn before starting a statement, so the rows of handlers started in the same tick share it.
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.launch();
    });
  }

  // A further statement starts only for a full batch: a backlog gets overlapping round
  // trips, a trickle still gets one statement at a time with as many rows as gathered.
  private launch(): void {
    while (this.queue.length > 0 && (this.inFlight === 0 || (this.inFlight < this.maxInFlight && this.queue.length >= this.maxRows))) {
      const batch = this.queue.splice(0, this.maxRows);
      this.inFlight += 1;
      void this.writeBatch(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async writeBatch(batch: readonly Pending<R, O>[]): Promise<void> {
    try {
      const outcomes = await this.write(batch.map((item) => item.row));
      if (outcomes.length !== batch.length) throw new Error(`the batch write answered ${outcomes.length} outcomes for ${batch.length} rows`);
      batch.forEach((item, index) => item.resolve(outcomes[index] as O));
    } catch (error) {
      if (batch.length > 1 && this.isRowError(error)) {
        for (const item of batch) await this.writeBatch([item]);
        return;
      }
      for (const item of batch) item.reject(error);
    }
  }
}
