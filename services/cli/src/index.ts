// What tests import from @hookline/cli; main.ts is the `hookline` bin.
export { runCli } from './cli.program.js';
export type { CliIo } from './cli-io.js';
export { CLI_ENV, CLI_EXIT } from './cli.constant.js';
