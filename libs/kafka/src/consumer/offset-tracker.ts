/**
 * Tracks which records of one partition's batch are done and yields the offset to
 * commit: one past the highest offset below which every record is done. A record that
 * is still retrying holds the commit position of its whole partition.
 */
export class OffsetTracker {
  private readonly done: boolean[];
  private contiguous = 0;

  constructor(private readonly offsets: readonly string[]) {
    this.done = offsets.map(() => false);
  }

  /** Marks record `index` done; returns the last offset now contiguously done, if it moved. */
  markDone(index: number): string | undefined {
    this.done[index] = true;
    const before = this.contiguous;
    while (this.contiguous < this.done.length && this.done[this.contiguous] === true) this.contiguous += 1;
    return this.contiguous > before ? this.offsets[this.contiguous - 1] : undefined;
  }

  /** The offset to commit (last contiguous done + 1), or undefined when nothing is done yet. */
  commitOffset(): string | undefined {
    if (this.contiguous === 0) return undefined;
    return (BigInt(this.offsets[this.contiguous - 1]!) + 1n).toString();
  }

  get allDone(): boolean {
    return this.contiguous === this.done.length;
  }
}
