// What tests import from @hookline/cli; main.ts is the `hookline` bin.
export { runCli } from './cli.program.js';
export type { CliIo } from './cli-io.js';
export { CLI_DEFAULTS, CLI_ENV, CLI_EXIT } from './cli.constant.js';
export { ApiClient, type ApiRequest } from './http/api-client.js';
export { CliError } from './http/cli.error.js';
