import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CommandContext } from './command-context.js';

interface Deletable {
  readonly name: string;
  readonly description: string;
  readonly argument: readonly [name: string, description: string];
  readonly path: (ctx: CommandContext, key: string) => string;
}

const DELETABLE: readonly Deletable[] = [
  {
    name: 'svixendpoint',
    description: "Delete one of the organisation's endpoints",
    argument: ['<id>', 'endpoint id'],
    path: (ctx, id) => `/v1/orgs/${ctx.org()}/endpoints/${encodeURIComponent(id)}`,
  },
  {
    name: 'svixeventtype',
    description: 'Delete (archive) an event type',
    argument: ['<name>', 'event type name'],
    path: (_ctx, name) => `/v1/event-types/${encodeURIComponent(name)}`,
  },
];

export function adminDeleteCommand(io: CliIo): Command {
  const del = new Command('delete').description('Delete a Svix endpoint or event type');
  for (const resource of DELETABLE) {
    del
      .command(resource.name)
      .description(resource.description)
      .argument(...resource.argument)
      .action(async (key: string, _opts: unknown, command: Command) => {
        const ctx = await CommandContext.of(command, io);
        await ctx.relay().request({ method: 'DELETE', path: resource.path(ctx, key) });
        ctx.info(`${resource.name} ${key} deleted`);
      });
  }
  return del;
}
