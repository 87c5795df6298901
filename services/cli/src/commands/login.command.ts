import { Command } from 'commander';
import { CLI_EXIT } from '../cli.constant.js';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../http/cli.error.js';
import { configFilePath, readConfigFile, writeConfigFile, type CliConfigFile } from '../settings/cli-settings.js';

export function loginCommand(io: CliIo): Command {
  return new Command('login')
    .description('Save the API URLs, token and organisation for later commands (file mode 0600)')
    .action(async (_opts: unknown, command: Command) => {
      const flags = command.optsWithGlobals<{ apiUrl?: string; relayUrl?: string; auditUrl?: string; token?: string; org?: string }>();
      const update: CliConfigFile = Object.fromEntries(
        Object.entries({ apiUrl: flags.apiUrl, relayUrl: flags.relayUrl, auditUrl: flags.auditUrl, token: flags.token, org: flags.org }).filter(
          ([, v]) => v !== undefined && v !== '',
        ),
      );
      if (Object.keys(update).length === 0)
        throw new CliError('nothing to save: pass --token and/or --api-url, --relay-url, --audit-url, --org', CLI_EXIT.usage);
      const path = configFilePath(io.env);
      const merged = { ...(await readConfigFile(path)), ...update };
      try {
        await writeConfigFile(path, merged);
      } catch (err) {
        throw new CliError(`cannot write ${path}: ${(err as Error).message}`, CLI_EXIT.usage);
      }
      // The token itself is never echoed.
      io.stderr(`saved ${Object.keys(update).join(', ')} to ${path}\n`);
    });
}
