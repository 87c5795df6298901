import type { EndpointView, EventTypeView, HookExecutionPage, HookExecutionView, MessageAttemptPage, MessageView, Timeline } from '@hookline/contracts';
import { Command } from 'commander';
import { CLI_EXIT, WEBHOOKS_PLUGIN } from '../cli.constant.js';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../http/cli.error.js';
import { escapeControl } from '../output/escape-control.js';
import type { Column } from '../output/render-output.js';
import { CommandContext, parseQueryPairs } from './command-context.js';
import {
  attemptColumns,
  endpointColumns,
  eventTypeColumns,
  hookRunColumns,
  messageColumns,
  pluginColumns,
  timelineColumns,
  type PluginConnectionRow,
} from './resource-columns.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const ATTEMPT_FILTERS = ['endpoint_id', 'limit', 'status', 'event_types', 'iterator'] as const;
export const HOOK_RUN_FILTERS = ['hook', 'outcome', 'sid', 'since', 'until', 'limit', 'cursor'] as const;

/** A relay listing's one item (by key) or, without a key, all of it. */
async function printOneOrAll<T>(ctx: CommandContext, listPath: string, key: string | undefined, columns: readonly Column<T>[]): Promise<void> {
  if (key !== undefined) {
    ctx.print(await ctx.relay().request<T>({ path: `${listPath}/${encodeURIComponent(key)}` }), columns);
    return;
  }
  ctx.print((await ctx.relay().request<{ data: T[] }>({ path: listPath })).data, columns);
}

interface Listing {
  readonly name: string;
  readonly description: string;
  readonly argument: readonly [name: string, description: string];
  readonly print: (ctx: CommandContext, key: string | undefined) => Promise<void>;
}

/** The relay's resources `get` shows all of, or one of by key. */
const LISTINGS: readonly Listing[] = [
  {
    name: 'svixeventtype',
    description: 'Svix event types (all, or one by name)',
    argument: ['[name]', 'event type name'],
    print: (ctx, name) => printOneOrAll<EventTypeView>(ctx, '/v1/event-types', name, eventTypeColumns(ctx.now)),
  },
  {
    name: 'svixendpoint',
    description: "The organisation's Svix endpoints with delivery stats (all, or one by id)",
    argument: ['[id]', 'endpoint id'],
    print: (ctx, id) => printOneOrAll<EndpointView>(ctx, `/v1/orgs/${ctx.org()}/endpoints`, id, endpointColumns(ctx.now)),
  },
];

export function adminGetCommand(io: CliIo): Command {
  const get = new Command('get').description('Show plugin connections, Svix event types, endpoints, messages and attempts, session timelines, hook runs');

  get
    .command('plugin')
    .description(`Connections the ${WEBHOOKS_PLUGIN} plugin is enabled for (of --org, or of every organisation)`)
    .argument('<name>', `plugin name (${WEBHOOKS_PLUGIN})`)
    .action(async (name: string, _opts: unknown, command: Command) => {
      if (name !== WEBHOOKS_PLUGIN) throw new CliError(`unknown plugin ${JSON.stringify(name)}: the only plugin is ${WEBHOOKS_PLUGIN}`, CLI_EXIT.usage);
      const ctx = await CommandContext.of(command, io);
      const page = await ctx
        .relay()
        .request<{ data: PluginConnectionRow[] }>({ path: `/v1/plugins/${WEBHOOKS_PLUGIN}/connections`, query: { org_id: ctx.settings.org } });
      ctx.print(page.data, pluginColumns(ctx.now));
    });

  for (const listing of LISTINGS) {
    get
      .command(listing.name)
      .description(listing.description)
      .argument(...listing.argument)
      .action(async (key: string | undefined, _opts: unknown, command: Command) => {
        const ctx = await CommandContext.of(command, io);
        await listing.print(ctx, key);
      });
  }

  get
    .command('svixmsg')
    .description('Delivery attempts of an endpoint (-q endpoint_id=… when the organisation has several), or one message by id')
    .argument('[id]', 'message id (or the event id it was published with)')
    .option('-q, --query <key=value>', `filter, repeatable: ${ATTEMPT_FILTERS.join(', ')}`, collect, [])
    .action(async (id: string | undefined, opts: { query: string[] }, command: Command) => {
      const ctx = await CommandContext.of(command, io);
      const org = ctx.org();
      if (id !== undefined) {
        if (opts.query.length > 0) throw new CliError('-q filters the attempt list; leave it out when naming a message', CLI_EXIT.usage);
        ctx.print(await ctx.relay().request<MessageView>({ path: `/v1/orgs/${org}/messages/${encodeURIComponent(id)}` }), messageColumns(ctx.now));
        return;
      }
      const query = parseQueryPairs(opts.query, ATTEMPT_FILTERS);
      const page = await ctx.relay().request<MessageAttemptPage>({ path: `/v1/orgs/${org}/attempts`, query });
      ctx.print(page.data, attemptColumns(ctx.now));
    });

  get
    .command('session')
    .description("A session's timeline from the audit record: events, hook runs, publications, delivery attempts")
    .argument('<sid>', 'session id')
    .action(async (sid: string, _opts: unknown, command: Command) => {
      const ctx = await CommandContext.of(command, io);
      const timeline = await ctx.audit().request<Timeline>({ path: `/v1/sessions/${encodeURIComponent(sid)}/timeline` });
      ctx.print(timeline.entries, timelineColumns);
      if (timeline.truncated) ctx.info(`(more entries than one answer holds: use -o json and the audit API for the rest)`);
    });

  get
    .command('hookruns')
    .description('Runbook hook runs from the audit record, newest first')
    .option('-q, --query <key=value>', `filter, repeatable: ${HOOK_RUN_FILTERS.join(', ')}`, collect, [])
    .action(async (opts: { query: string[] }, command: Command) => {
      const ctx = await CommandContext.of(command, io);
      const query = parseQueryPairs(opts.query, HOOK_RUN_FILTERS);
      const page = await ctx.audit().request<HookExecutionPage>({ path: '/v1/hook-executions', query });
      ctx.print(page.data, hookRunColumns(ctx.now));
      // An answer from outside: a missing cursor is as good as null.
      if (typeof page.next_cursor === 'string') ctx.info(`more: -q cursor=${page.next_cursor}`);
    });

  get
    .command('hookrun')
    .description('One runbook hook run from the audit record, with its captured stdout and stderr')
    .argument('<id>', 'the run id (ID of `get hookruns`)')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const ctx = await CommandContext.of(command, io);
      if (!/^\d{1,18}$/.test(id))
        throw new CliError(`hookrun ${JSON.stringify(escapeControl(id))}: expected a run id (digits) from \`get hookruns\``, CLI_EXIT.usage);
      const run = await ctx.audit().request<HookExecutionView>({ path: `/v1/hook-executions/${id}` });
      ctx.print(run, hookRunColumns(ctx.now));
      if (ctx.format !== 'table') return;
      // The hook's output, with line breaks kept and every control character shown escaped.
      for (const [name, stream] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ] as const) {
        ctx.write(`--- ${name} (${stream.bytes} bytes${stream.truncated ? ', truncated' : ''}) ---\n`);
        if (stream.text !== '') ctx.write(escapeControl(stream.text, 'newlines').replace(/\n?$/, '\n'));
      }
    });

  return get;
}
