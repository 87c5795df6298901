/**
 * Tracks which records of one partition are done and yields the offset to commit: one
 * past the highest offset below which every record is done. A record that is still
 * retrying holds the commit position of its whole partition. Records are added in
 * offset order as they are fetched and marked done by the index `add` gave them.
 */
export class OffsetTracker {
  private readonly offsets: string[] = [];
  private readonly done: boolean[] = [];
  /** Index (since creation) of offsets[0]: done prefixes are dropped as they complete. */
  private base = 0;
  private lastDone: string | undefined;
  private highestSeen: bigint | undefined;

  constructor(offsets: readonly string[] = []) {
    for (const offset of offsets) this.add(offset);
  }

  /** Takes the next fetched offset; returns its index, or -1 for an offset already taken (a re-delivery). */
  add(offset: string): number {
    const value = BigInt(offset);
    if (this.highestSeen !== undefined && value <= this.highestSeen) return -1;
    this.highestSeen = value;
    this.offsets.push(offset);
    this.done.push(false);
    return this.base + this.offsets.length - 1;
  }

  /** Marks record `index` done; returns the last offset now contiguously done, if it moved. */
  markDone(index: number): string | undefined {
    const at = index - this.base;
    if (at < 0 || at >= this.done.length) return undefined;
    this.done[at] = true;
    let drop = 0;
    while (drop < this.done.length && this.done[drop] === true) drop += 1;
    if (drop === 0) return undefined;
    this.lastDone = this.offsets[drop - 1];
    this.offsets.splice(0, drop);
    this.done.splice(0, drop);
    this.base += drop;
    return this.lastDone;
  }

  /** The offset to commit (last contiguous done + 1), or undefined when nothing is done yet. */
  commitOffset(): string | undefined {
    return this.lastDone === undefined ? undefined : (BigInt(this.lastDone) + 1n).toString();
  }

  /** Records taken and not yet contiguously done. */
  get pending(): number {
    return this.offsets.length;
  }

  get allDone(): boolean {
    return this.offsets.length === 0;
  }
}
