import { rm } from 'node:fs/promises';

/**
 * One commit of the runbooks repository checked out to its own folder. Runs lease
 * it; a superseded snapshot's folder is removed once its last run has finished, so
 * a refresh never changes files under a running hook.
 */
export class RunbookSnapshot {
  private leases = 0;
  private superseded = false;
  /** When a fetch last confirmed this commit is the branch's tip (ms since epoch). */
  confirmedAt: number;

  constructor(
    readonly commit: string,
    readonly dir: string,
    fetchedAt: number,
  ) {
    this.confirmedAt = fetchedAt;
  }

  /** A run holds it now. */
  get inUse(): boolean {
    return this.leases > 0;
  }

  acquire(): () => void {
    this.leases += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leases -= 1;
      if (this.leases === 0 && this.superseded) void this.remove();
    };
  }

  supersede(): void {
    this.superseded = true;
    if (this.leases === 0) void this.remove();
  }

  private async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
