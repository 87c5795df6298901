/**
 * Runs tasks so that tasks of one key run one after another, in the order given, and
 * tasks of different keys (or of no key) run side by side. The chains are global to a
 * consumer, not per batch or generation, so a re-delivered record never runs beside an
 * older task of its key.
 */
export class KeyChains {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  /** Starts `task` after the previous task of `key`; a task must not reject (it is the caller's to catch). */
  run(key: string | undefined, task: () => Promise<void>): void {
    const previous = key === undefined ? undefined : this.tails.get(key);
    const run: Promise<void> = previous === undefined ? task() : previous.then(task);
    this.running.add(run);
    if (key !== undefined) this.tails.set(key, run);
    void run.finally(() => {
      this.running.delete(run);
      if (key !== undefined && this.tails.get(key) === run) this.tails.delete(key);
    });
  }

  /** Resolves when every task started so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  get size(): number {
    return this.running.size;
  }
}
