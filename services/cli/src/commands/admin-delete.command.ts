import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CommandContext } from './command-context.js';

export function adminDeleteCommand(io: CliIo): Command {
  const del = new Command('delete').description('Delete a Svix endpoint or event type');

  del
    .command('svixendpoint')
    .description("Delete one of the organisation's endpoints")
    .argument('<id>', 'endpoint id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const ctx = await CommandContext.of(command, io);
      await ctx.relay().request({ method: 'DELETE', path: `/v1/orgs/${ctx.org()}/endpoints/${encodeURIComponent(id)}` });
      ctx.info(`svixendpoint ${id} deleted`);
    });

  del
    .command('svixeventtype')
    .description('Delete (archive) an event type')
    .argument('<name>', 'event type name')
    .action(async (name: string, _opts: unknown, command: Command) => {
      const ctx = await CommandContext.of(command, io);
      await ctx.relay().request({ method: 'DELETE', path: `/v1/event-types/${encodeURIComponent(name)}` });
      ctx.info(`svixeventtype ${name} deleted`);
    });

  return del;
}
