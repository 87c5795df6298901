/** Anything a test opens and must close: a service, client, server, database or fixture. */
export type Closable = { close(): unknown } | { disconnect(): unknown } | { stop(): unknown } | { drop(): unknown } | { remove(): unknown };

/** Closes one resource by the verb it has (close, disconnect, stop, drop, remove: first found). */
async function closeOne(resource: Closable): Promise<void> {
  if ('close' in resource) await resource.close();
  else if ('disconnect' in resource) await resource.disconnect();
  else if ('stop' in resource) await resource.stop();
  else if ('drop' in resource) await resource.drop();
  else await resource.remove();
}

/**
 * Closes the given resources in the order given (a test's `after`), skipping those never opened.
 * Every one is tried even when an earlier one fails, so one bad close leaks nothing else; the
 * failures are thrown together at the end.
 */
export async function closeAll(...resources: (Closable | null | undefined)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const resource of resources) {
    if (resource === undefined || resource === null) continue;
    try {
      await closeOne(resource);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} resources failed to close`);
}

/** Clean-up steps a test registers as it opens things, run last first (say in `afterEach`), each once. */
export class CleanupSteps {
  readonly #steps: (() => unknown)[] = [];

  push(step: () => unknown): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) await step();
  }
}
