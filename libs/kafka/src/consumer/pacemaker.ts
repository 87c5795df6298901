/**
 * Heartbeats on a timer while a batch is being worked on (retry backoffs, long
 * handlers), like amplication's KafkaPacemaker, so the group coordinator does not
 * think the member died. kafkajs throttles real heartbeats to its heartbeatInterval.
 */
export class Pacemaker {
  private readonly timer: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly heartbeat: () => Promise<void>,
    intervalMs: number,
    /** Called on each tick before the heartbeat; and with the error when a heartbeat fails (a rebalance, usually). */
    private readonly hooks: { tick?: () => void; failed: (error: unknown) => void },
  ) {
    this.timer = setInterval(() => this.beat(), intervalMs);
  }

  private beat(): void {
    this.hooks.tick?.();
    if (this.beating) return;
    this.beating = true;
    this.heartbeat()
      .catch((error: unknown) => this.hooks.failed(error))
      .finally(() => {
        this.beating = false;
      });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
