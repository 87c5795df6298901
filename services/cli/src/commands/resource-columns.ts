import type {
  EndpointView,
  EventTypeView,
  HookExecutionSummary,
  MessageAttemptView,
  MessageView,
  PluginChange,
  PluginConnectionView,
  TimelineEntry,
} from '@hookline/contracts';
import type { Column } from '../output/render-output.js';
import { formatAge } from '../output/format-age.js';

/** An answer as it may arrive from a relay of another version: any field may be missing. */
type Received<T> = { readonly [K in keyof T]?: T[K] | undefined };

type Cell = ReturnType<Column<unknown>['cell']>;
/** The names of T's fields a cell can show as they are. */
type CellField<T> = { [K in keyof T]: T[K] extends Cell ? K : never }[keyof T];

/** Columns that show fields as they are, header → field, in order. */
function fieldColumns<T>(spec: Readonly<Record<string, CellField<T>>>): Column<T>[] {
  return Object.entries(spec).map(([header, field]) => ({ header, cell: (row: T) => row[field] as Cell }));
}

/** How long ago the row's time was (`5m`, `2d`). */
function ageColumn<T>(now: Date, timeOf: (row: T) => string | null | undefined): Column<T> {
  return { header: 'AGE', cell: (row) => formatAge(timeOf(row), now) };
}

/** A row of `get plugin` (the list) or of `create plugin` (what each change did). */
export type PluginConnectionRow = PluginConnectionView | PluginChange;

export function endpointColumns(now: Date): Column<Received<EndpointView>>[] {
  return [
    ...fieldColumns<Received<EndpointView>>({ ID: 'id', DESCRIPTION: 'description' }),
    { header: 'DISABLED', cell: (r) => r.disabled ?? false },
    // The relay answers no version (Svix retired it); the column stays where scripts read it.
    { header: 'VERSION', cell: () => null },
    { header: 'FAIL', cell: (r) => r.stats?.fail },
    { header: 'PENDING', cell: (r) => r.stats?.pending },
    { header: 'SENDING', cell: (r) => r.stats?.sending },
    { header: 'SUCCESS', cell: (r) => r.stats?.success },
    { header: 'FILTERS', cell: (r) => (r.event_types === null || r.event_types === undefined || r.event_types.length === 0 ? '*' : r.event_types.join(',')) },
    ageColumn(now, (r) => r.created_at),
  ];
}

export function attemptColumns(now: Date): Column<MessageAttemptView>[] {
  return [
    ...fieldColumns<MessageAttemptView>({ ID: 'msg_id', ATTEMPTID: 'id', TRIGGER: 'trigger_type', STATUS: 'status', STATUSCODE: 'response_status_code' }),
    ageColumn(now, (r) => r.timestamp),
  ];
}

export function messageColumns(now: Date): Column<MessageView>[] {
  return [...fieldColumns<MessageView>({ ID: 'id', EVENTID: 'event_id', EVENTTYPE: 'event_type', SIZE: 'payload_size' }), ageColumn(now, (r) => r.timestamp)];
}

export function eventTypeColumns(now: Date): Column<Received<EventTypeView>>[] {
  return [
    ...fieldColumns<Received<EventTypeView>>({ NAME: 'name', DESCRIPTION: 'description' }),
    { header: 'SCHEMA', cell: (r) => (r.schema === null || r.schema === undefined ? 'no' : 'yes') },
    { header: 'ARCHIVED', cell: (r) => r.archived ?? false },
    ageColumn(now, (r) => r.created_at),
  ];
}

export function pluginColumns(now: Date): Column<PluginConnectionRow>[] {
  return [
    { header: 'PLUGIN', cell: () => 'webhooks' },
    { header: 'ORG', cell: (r) => r.org_id },
    { header: 'CONNECTION', cell: (r) => r.connection_name },
    { header: 'ENABLED', cell: (r) => ('enabled' in r ? r.enabled : true) },
    ageColumn(now, (r) => ('enabled_at' in r ? r.enabled_at : undefined)),
  ];
}

/** One line per timeline entry: what it was and how it went. */
function timelineSummary(entry: TimelineEntry): string {
  const d = entry.detail;
  const text = (key: string): string => {
    const value = d[key];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '-';
  };
  switch (entry.kind) {
    case 'hook_execution':
      return `${text('hook')} ${text('outcome')} exit=${text('exit_code')} ${text('duration_ms')}ms`;
    case 'publication':
      return `svix message ${text('svix_message_id')}`;
    case 'attempt':
      return `${text('status')} ${text('response_status_code')} endpoint=${text('endpoint_id')}`;
    // An event, or a kind a newer audit service answers.
    case 'event':
    default:
      return text('connection_name') === '-' ? '' : `connection=${text('connection_name')}`;
  }
}

export const timelineColumns: Column<TimelineEntry>[] = [
  ...fieldColumns<TimelineEntry>({ TIME: 'time', KIND: 'kind', EVENTTYPE: 'event_type', EVENTID: 'event_id' }),
  { header: 'DETAIL', cell: timelineSummary },
];

export function hookRunColumns(now: Date): Column<HookExecutionSummary>[] {
  return [
    ...fieldColumns<HookExecutionSummary>({ ID: 'id', SID: 'sid', HOOK: 'hook', OUTCOME: 'outcome' }),
    { header: 'EXIT', cell: (r) => r.exit_code ?? r.signal },
    { header: 'DURATION', cell: (r) => `${Math.round(r.duration_ms)}ms` },
    { header: 'COMMIT', cell: (r) => r.git_commit?.slice(0, 12) },
    ageColumn(now, (r) => r.started_at),
  ];
}
