import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TrafficGenerator } from './traffic-generator.js';
import { TrafficSimulator, ingestUrl, type SimulationSummary } from './traffic-simulator.js';
import { MAX_PRINTED_ERRORS, SIMULATOR_BOUNDS, SIMULATOR_DEFAULTS, TOKEN_ENV } from './simulator.constant.js';

/** Exit codes: 0 all acknowledged, 1 some events rejected or unacknowledged, 2 bad usage. */
export const EXIT = { ok: 0, incomplete: 1, usage: 2, interrupted: 130 } as const;

export interface SimulateCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Where SIGINT comes from; injectable so a test does not signal its own runner. */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

interface SimulateFlags {
  url: string;
  token?: string;
  rate: number;
  duration: number;
  batch: number;
  concurrency: number;
  seed?: number;
  eventBytes: number;
  reviewRatio: number;
  dbrolesRatio: number;
  maxRetries: number;
}

function numberParser(kind: 'positive' | 'non-negative' | 'ratio', integer: boolean, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    const bad =
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      (kind === 'positive' && value <= 0) ||
      (kind === 'non-negative' && value < 0) ||
      (kind === 'ratio' && (value < 0 || value > 1)) ||
      value > max;
    if (bad) {
      const what =
        kind === 'ratio' ? 'a number between 0 and 1' : `a ${kind} ${integer ? 'integer' : 'number'}${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`;
      // Commander prefixes this with the flag's name: "option '--rate <n>' argument 'x' is invalid."
      throw new InvalidArgumentError(`Expected ${what}.`);
    }
    return value;
  };
}

function buildProgram(io: SimulateCliIo): Command {
  return new Command('simulate')
    .description('Send realistic, reproducible gateway traffic to a hookline producer (POST /v1/events).')
    .addOption(new Option('--url <url>', 'producer base URL').default(SIMULATOR_DEFAULTS.url))
    .addOption(new Option('--token <token>', 'ingest bearer token').env(TOKEN_ENV))
    .addOption(
      new Option('--rate <events-per-sec>', 'events per second')
        .argParser(numberParser('positive', false, SIMULATOR_BOUNDS.maxRate))
        .default(SIMULATOR_DEFAULTS.rate),
    )
    .addOption(
      new Option('--duration <seconds>', 'seconds to run, 0 = until Ctrl-C')
        .argParser(numberParser('non-negative', false))
        .default(SIMULATOR_DEFAULTS.durationSec),
    )
    .addOption(
      new Option('--batch <events>', 'events per request')
        .argParser(numberParser('positive', true, SIMULATOR_BOUNDS.maxBatchSize))
        .default(SIMULATOR_DEFAULTS.batchSize),
    )
    .addOption(
      new Option('--concurrency <requests>', 'requests in flight at once')
        .argParser(numberParser('positive', true, SIMULATOR_BOUNDS.maxConcurrency))
        .default(SIMULATOR_DEFAULTS.concurrency),
    )
    .addOption(
      new Option('--seed <integer>', 'PRNG seed; same seed, same events and ids (default: random, printed in the summary)').argParser(
        numberParser('non-negative', true, 0xffff_ffff),
      ),
    )
    .addOption(
      new Option('--event-bytes <bytes>', 'pad each event to about this JSON size, 0 = natural')
        .argParser(numberParser('non-negative', true, SIMULATOR_BOUNDS.maxEventBytes))
        .default(SIMULATOR_DEFAULTS.eventBytes),
    )
    .addOption(
      new Option('--review-ratio <0..1>', 'share of sessions on resources with reviews')
        .argParser(numberParser('ratio', false))
        .default(SIMULATOR_DEFAULTS.reviewRatio),
    )
    .addOption(
      new Option('--dbroles-ratio <0..1>', 'share of events that are dbroles jobs')
        .argParser(numberParser('ratio', false))
        .default(SIMULATOR_DEFAULTS.dbrolesRatio),
    )
    .addOption(
      new Option('--max-retries <n>', 'resends of one batch (503/429/5xx/network) before giving up')
        .argParser(numberParser('non-negative', true))
        .default(SIMULATOR_DEFAULTS.maxRetries),
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

/**
 * The `npm run simulate` command. Prints a progress line per second to stderr and the
 * final summary as JSON to stdout. Resolves to the exit code instead of exiting, so
 * `npm start` and tests can run it in-process.
 */
export async function runSimulateCli(argv: readonly string[], io: Partial<SimulateCliIo> = {}): Promise<number> {
  const out: SimulateCliIo = {
    stdout: io.stdout ?? ((text) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text)),
    env: io.env ?? process.env,
    signals: io.signals ?? process,
  };
  const program = buildProgram(out);
  let flags: SimulateFlags;
  try {
    program.parse([...argv], { from: 'user' });
    flags = program.opts<SimulateFlags>();
  } catch (error) {
    // --help and --version end here too, with exit code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }

  const usage = (message: string): number => {
    out.stderr(`simulate: ${message}\n`);
    return EXIT.usage;
  };
  // Commander reads the env var itself only when process.env is the source; honour an injected env too.
  const token = flags.token ?? out.env[TOKEN_ENV];
  if (token === undefined || token === '') return usage(`--token is required (or set ${TOKEN_ENV})`);
  try {
    ingestUrl(flags.url);
  } catch {
    return usage(`--url must be an http(s) URL, got '${flags.url}'`);
  }

  let printedErrors = 0;
  const simulator = new TrafficSimulator({
    url: flags.url,
    token,
    rate: flags.rate,
    durationSec: flags.duration,
    batchSize: flags.batch,
    concurrency: flags.concurrency,
    maxRetries: flags.maxRetries,
    generator: new TrafficGenerator({
      // Unset = random (TrafficGenerator's default); the summary prints the seed used.
      seed: flags.seed,
      eventBytes: flags.eventBytes,
      reviewRatio: flags.reviewRatio,
      dbrolesRatio: flags.dbrolesRatio,
    }),
    onProgress: (progress) => out.stderr(`${TrafficSimulator.formatProgress(progress)}\n`),
    onError: (error) => {
      // Quote the server for the first few failures; past that the summary counts them.
      printedErrors++;
      if (printedErrors > MAX_PRINTED_ERRORS) return;
      const what = error.status === null ? 'request failed' : `HTTP ${error.status}`;
      const next = error.retrying ? 'resending' : error.status !== null && error.status < 500 ? 'rejected' : 'giving up';
      out.stderr(`simulate: ${what} for ${error.events} events (${next}): ${error.message}\n`);
      if (printedErrors === MAX_PRINTED_ERRORS) out.stderr('simulate: further errors are only counted in the summary\n');
    },
  });

  let interrupts = 0;
  let summary: SimulationSummary;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      out.stderr('simulate: stopping (Ctrl-C again to quit at once)\n');
      simulator.stop();
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  out.signals.on('SIGINT', onSigint);
  try {
    summary = await simulator.run();
  } finally {
    out.signals.off('SIGINT', onSigint);
  }
  out.stdout(`${JSON.stringify(summary)}\n`);
  return summary.rejected > 0 || summary.unacknowledged > 0 ? EXIT.incomplete : EXIT.ok;
}
