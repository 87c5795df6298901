import { setFlagsFromString } from 'node:v8';

/**
 * The environment every service's node process starts with (the Dockerfile's defaults,
 * `npm start`, the benchmarks). V8 grows the young generation to 2 × 64 MB under a high
 * allocation rate, which is most of a busy service's resident memory; 2 × 8 MB keeps it
 * small at no cost in throughput measured. glibc gives each thread that allocates an arena
 * of its own (8 per core) and keeps what they free; two suffice. NODE_OPTIONS admits the
 * semi-space flag; the growth of the old space is set in the process (`limitHeapGrowth`).
 */
export const SERVICE_PROCESS_ENV = { NODE_OPTIONS: '--max-semi-space-size=8', MALLOC_ARENA_MAX: '2' } as const;

/** Old space may grow by this percent of what survived the last full collection before the next one. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Caps how far V8 lets garbage grow the old space between full collections (its own factor
 * goes up to 4× the live size under load). The flag is read at each collection, so setting
 * it first thing in main.ts takes effect; NODE_OPTIONS does not admit it.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
