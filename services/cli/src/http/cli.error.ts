import { CLI_EXIT } from '../cli.constant.js';

type ExitCode = (typeof CLI_EXIT)[keyof typeof CLI_EXIT];

/** An error the CLI prints as it is (one line, no stack) before exiting with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
