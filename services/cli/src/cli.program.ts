import { Command, CommanderError, Option } from 'commander';
import { CLI_ENV, CLI_EXIT, OUTPUT_FORMATS } from './cli.constant.js';
import type { CliIo } from './cli-io.js';
import { adminCreateCommand } from './commands/admin-create.command.js';
import { adminDeleteCommand } from './commands/admin-delete.command.js';
import { adminGetCommand } from './commands/admin-get.command.js';
import { loginCommand } from './commands/login.command.js';
import { CliError } from './http/cli.error.js';

function buildProgram(io: CliIo): Command {
  const program = new Command('hookline')
    .description("hookline's admin CLI: Svix event types, endpoints, messages and the webhooks plugin (svix-relay); session timelines and hook runs (audit)")
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--api-url <url>', `base URL of every service (${CLI_ENV.apiUrl})`))
    .addOption(new Option('--relay-url <url>', `svix-relay URL (${CLI_ENV.relayUrl}; default http://127.0.0.1:8083)`))
    .addOption(new Option('--audit-url <url>', `audit service URL (${CLI_ENV.auditUrl}; default http://127.0.0.1:8084)`))
    .addOption(new Option('--token <token>', `bearer token (${CLI_ENV.token})`))
    .addOption(new Option('--org <org_id>', `organisation (Svix application uid) (${CLI_ENV.org})`))
    .showHelpAfterError('(add --help for usage)');

  program.addCommand(loginCommand(io));
  const admin = new Command('admin').description('Manage and inspect hookline');
  admin.addCommand(adminCreateCommand(io));
  admin.addCommand(adminGetCommand(io));
  admin.addCommand(adminDeleteCommand(io));
  program.addCommand(admin);

  // Output goes through io (tests read it); commander's own exits become exit codes.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs `hookline <argv>` and returns the exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return CLI_EXIT.ok;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // --help and --version end with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? CLI_EXIT.ok : CLI_EXIT.usage;
    }
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return CLI_EXIT.serverError;
  }
}
