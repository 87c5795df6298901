import type { EndpointView, EventTypeView } from '@hookline/contracts';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { CLI_EXIT, WEBHOOKS_PLUGIN } from '../cli.constant.js';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../http/cli.error.js';
import { CommandContext } from './command-context.js';
import { endpointColumns, eventTypeColumns, pluginColumns, type PluginConnectionRow } from './resource-columns.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A --payload file://schema.json: the event type's JSON Schema, read and checked here so a typo fails before any call. */
async function readSchemaFile(ref: string): Promise<Record<string, unknown>> {
  if (!ref.startsWith('file://')) throw new CliError(`--payload must be a file:// URL, e.g. file://schema.json (got ${JSON.stringify(ref)})`, CLI_EXIT.usage);
  // file://schema.json is relative to the working directory; file:///abs/path is absolute.
  const path = ref.startsWith('file:///') ? fileURLToPath(ref) : ref.slice('file://'.length);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`--payload: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, CLI_EXIT.usage);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--payload: ${path} is not JSON: ${(err as Error).message}`, CLI_EXIT.usage);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new CliError(`--payload: ${path} must hold a JSON Schema object`, CLI_EXIT.usage);
  return schema as Record<string, unknown>;
}

export function adminCreateCommand(io: CliIo): Command {
  const create = new Command('create').description('Create (or with --overwrite, replace) a plugin configuration, Svix event type or endpoint');

  create
    .command('plugin')
    .description(`Enable the ${WEBHOOKS_PLUGIN} plugin for connections: their session events are published to Svix`)
    .argument('<name>', `plugin name (${WEBHOOKS_PLUGIN})`)
    .requiredOption('--connection <name>', 'a connection to enable (repeat for more)', collect)
    .option('--overwrite', 'make the list exactly these connections: disable every other connection of the organisation')
    .action(async (name: string, opts: { connection: string[]; overwrite?: boolean }, command: Command) => {
      if (name !== WEBHOOKS_PLUGIN) throw new CliError(`unknown plugin ${JSON.stringify(name)}: the only plugin is ${WEBHOOKS_PLUGIN}`, CLI_EXIT.usage);
      const ctx = await CommandContext.of(command, io);
      const org = ctx.org();
      const relay = ctx.relay();
      const base = `/v1/plugins/${WEBHOOKS_PLUGIN}/connections/${org}`;
      const rows: PluginConnectionRow[] = [];
      for (const connection of new Set(opts.connection)) {
        rows.push(await relay.request<PluginConnectionRow>({ method: 'PUT', path: `${base}/${encodeURIComponent(connection)}` }));
      }
      if (opts.overwrite === true) {
        const current = await relay.request<{ data: PluginConnectionRow[] }>({
          path: `/v1/plugins/${WEBHOOKS_PLUGIN}/connections`,
          query: { org_id: ctx.settings.org },
        });
        for (const row of current.data.filter((r) => !opts.connection.includes(r.connection_name))) {
          rows.push(await relay.request<PluginConnectionRow>({ method: 'DELETE', path: `${base}/${encodeURIComponent(row.connection_name)}` }));
        }
      }
      ctx.print(rows, pluginColumns(ctx.now));
    });

  create
    .command('svixeventtype')
    .description('Create a Svix event type (with --overwrite: replace its description and schema)')
    .argument('<name>', 'event type name, e.g. session.open')
    .requiredOption('--description <text>', 'what the event means')
    .option('--payload <file://schema.json>', 'JSON Schema of the payload')
    .option('--overwrite', 'replace the event type if it exists')
    .action(async (name: string, opts: { description: string; payload?: string; overwrite?: boolean }, command: Command) => {
      const schema = opts.payload === undefined ? undefined : await readSchemaFile(opts.payload);
      const ctx = await CommandContext.of(command, io);
      const body = { description: opts.description, ...(schema === undefined ? {} : { schema }) };
      const row =
        opts.overwrite === true
          ? await ctx.relay().request<EventTypeView>({ method: 'PUT', path: `/v1/event-types/${encodeURIComponent(name)}`, body })
          : await ctx.relay().request<EventTypeView>({ method: 'POST', path: '/v1/event-types', body: { name, ...body } });
      ctx.print(row, eventTypeColumns(ctx.now));
    });

  create
    .command('svixendpoint')
    .description('Create a Svix endpoint for the organisation (with <id> and --overwrite: replace that endpoint)')
    .argument('[id]', 'endpoint id to overwrite (needs --overwrite)')
    .requiredOption('--url <url>', 'where Svix delivers (SIEM collector, Teams incoming webhook, …)')
    .option('--description <text>', 'what the endpoint is')
    .addOption(new Option('--filters <types>', 'only these event types, comma-separated, e.g. session.open,session.close'))
    .option('--overwrite', 'replace the endpoint <id>')
    .action(async (id: string | undefined, opts: { url: string; description?: string; filters?: string; overwrite?: boolean }, command: Command) => {
      if (id !== undefined && opts.overwrite !== true)
        throw new CliError(`endpoint ${id} is named: add --overwrite to replace it, or leave the id out to create a new endpoint`, CLI_EXIT.usage);
      if (id === undefined && opts.overwrite === true) throw new CliError('--overwrite needs the id of the endpoint to replace', CLI_EXIT.usage);
      const filters = opts.filters
        ?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (filters !== undefined && filters.length === 0)
        throw new CliError('--filters is empty: name at least one event type, or leave it out for all', CLI_EXIT.usage);
      const ctx = await CommandContext.of(command, io);
      const org = ctx.org();
      const body = {
        url: opts.url,
        ...(opts.description === undefined ? {} : { description: opts.description }),
        ...(filters === undefined ? {} : { event_types: filters }),
      };
      const row =
        id === undefined
          ? await ctx.relay().request<EndpointView>({ method: 'POST', path: `/v1/orgs/${org}/endpoints`, body })
          : await ctx.relay().request<EndpointView>({ method: 'PUT', path: `/v1/orgs/${org}/endpoints/${encodeURIComponent(id)}`, body });
      ctx.print(row, endpointColumns(ctx.now));
    });

  return create;
}
