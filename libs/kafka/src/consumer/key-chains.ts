/**
 * Runs tasks so that tasks of one key run one after another, in the order given, and
 * tasks of different keys (or of no key) run side by side. The chains are global to a
 * consumer, not per batch or generation, so a re-delivered record never runs beside an
 * older task of its key. A task may let its key go on before it has finished (`release`).
 */
export class KeyChains {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  /** Starts `task` after the previous task of `key` finished or released it; a task must not reject. */
  run(key: string | undefined, task: (release: () => void) => Promise<void>): void {
    if (key === undefined) {
      this.track(task(noop));
      return;
    }
    const previous = this.tails.get(key);
    let release!: () => void;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, tail);
    const start = (): Promise<void> => task(release).finally(release);
    this.track(previous === undefined ? start() : previous.then(start));
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  /** Resolves when every task started so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  get size(): number {
    return this.running.size;
  }

  private track(run: Promise<void>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}

function noop(): void {
  // A record without a key has no chain to release.
}
