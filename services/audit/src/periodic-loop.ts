import { setTimeout as delay } from 'node:timers/promises';

/** Work the service repeats until it shuts down: a round now, then one every interval after the last ended. */
export class PeriodicLoop {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  /** Aborted by stop(): long rounds check it between steps. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** `round` handles its own errors: one that fails waits for the next interval like any other. */
  start(intervalMs: number, round: () => Promise<void>): void {
    this.loop = (async () => {
      while (!this.stopping.signal.aborted) {
        await round();
        try {
          await delay(intervalMs, undefined, { signal: this.stopping.signal });
        } catch {
          return;
        }
      }
    })();
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}
