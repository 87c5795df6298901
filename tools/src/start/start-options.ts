import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { START_ENV, START_EXIT } from './start.constant.js';

export interface StartOptions {
  readonly rate: number;
  /** Seconds; 0 runs until Ctrl-C. */
  readonly duration: number;
  readonly simulator: boolean;
  readonly svixStandIn: boolean;
  /** A path or git URL; undefined: RUNBOOKS_GIT_URL, else the example runbooks. */
  readonly runbooks: string | undefined;
  readonly fresh: boolean;
  readonly quiet: boolean;
}

/** Bad usage: printed as one line (no stack), exit 2. */
export class StartUsageError extends Error {
  override readonly name = 'StartUsageError';
}

/** What parseStartOptions decided: run with these options, or exit now (after --help). */
export type StartCommand = { readonly run: StartOptions } | { readonly exitCode: number };

function positiveNumber(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a positive number of events/s');
  return value;
}

function seconds(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('expected seconds >= 0 (0 = until Ctrl-C)');
  return value;
}

function startProgram(env: NodeJS.ProcessEnv, write: (text: string) => void): Command {
  return new Command('npm start --')
    .description('The whole pipeline on this machine: Kafka, the four services, a local SIEM receiver and the traffic simulator. Ctrl-C stops everything.')
    .addOption(
      new Option('--rate <events/s>', 'simulated events per second')
        .argParser(positiveNumber)
        .default(positiveNumberOr(env[START_ENV.rate], 20), `$${START_ENV.rate} or 20`),
    )
    .addOption(
      new Option('--duration <seconds>', 'stop after this long (0: until Ctrl-C)')
        .argParser(seconds)
        .default(secondsOr(env[START_ENV.duration], 0), `$${START_ENV.duration} or 0`),
    )
    .option('--no-simulator', 'send no simulated traffic (send your own events)')
    .option('--svix-stand-in', "publish to a local Svix stand-in delivering to the SIEM receiver (instead of SVIX_AUTH_TOKEN's Svix)")
    .option(
      '--runbooks <path-or-url>',
      'the runbooks repository the hooks come from: a folder (a git repository, or plain files) or a git URL (default: $RUNBOOKS_GIT_URL, else examples/runbooks)',
    )
    .option('--fresh', "forget the previous run's state (backlog, endpoints, databases, logs) first; the downloaded Kafka jars stay")
    .option('--quiet', 'print no event lines; the summary line also shows consumer lag and failing endpoints')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => undefined })
    .allowExcessArguments(false);
}

/** An environment default that is not a valid value is reported as the option's own error. */
function positiveNumberOr(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  try {
    return positiveNumber(raw);
  } catch {
    throw new StartUsageError(`${START_ENV.rate} must be a positive number of events/s, got '${raw}'`);
  }
}

function secondsOr(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  try {
    return seconds(raw);
  } catch {
    throw new StartUsageError(`${START_ENV.duration} must be seconds >= 0 (0 = until Ctrl-C), got '${raw}'`);
  }
}

/**
 * Reads `npm start -- …`'s arguments. Throws StartUsageError with one line naming the
 * problem (unknown option, bad value); --help prints the usage and asks for exit 0.
 */
export function parseStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv, write: (text: string) => void): StartCommand {
  const program = startProgram(env, write);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return { exitCode: START_EXIT.ok };
      // Commander's text starts with "error: "; ours is prefixed by the caller instead.
      throw new StartUsageError(`${error.message.replace(/^error: /, '')} (npm start -- --help lists the options)`);
    }
    throw error;
  }
  const flags = program.opts<{
    rate: number;
    duration: number;
    simulator: boolean;
    svixStandIn?: boolean;
    runbooks?: string;
    fresh?: boolean;
    quiet?: boolean;
  }>();
  return {
    run: {
      rate: flags.rate,
      duration: flags.duration,
      simulator: flags.simulator,
      svixStandIn: flags.svixStandIn === true,
      runbooks: flags.runbooks,
      fresh: flags.fresh === true,
      quiet: flags.quiet === true,
    },
  };
}
