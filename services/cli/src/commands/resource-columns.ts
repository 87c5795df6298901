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

/** A row of `get plugin` (the list) or of `create plugin` (what each change did). */
export type PluginConnectionRow = PluginConnectionView | PluginChange;

export function endpointColumns(now: Date): Column<EndpointView>[] {
  return [
    { header: 'ID', cell: (r) => r.id },
    { header: 'DESCRIPTION', cell: (r) => r.description },
    { header: 'DISABLED', cell: (r) => r.disabled ?? false },
    // The relay answers no version (Svix retired it); the column stays where scripts read it.
    { header: 'VERSION', cell: () => null },
    { header: 'FAIL', cell: (r) => r.stats?.fail },
    { header: 'PENDING', cell: (r) => r.stats?.pending },
    { header: 'SENDING', cell: (r) => r.stats?.sending },
    { header: 'SUCCESS', cell: (r) => r.stats?.success },
    { header: 'FILTERS', cell: (r) => (r.event_types === null || r.event_types === undefined || r.event_types.length === 0 ? '*' : r.event_types.join(',')) },
    { header: 'AGE', cell: (r) => formatAge(r.created_at, now) },
  ];
}

export function attemptColumns(now: Date): Column<MessageAttemptView>[] {
  return [
    { header: 'ID', cell: (r) => r.msg_id },
    { header: 'ATTEMPTID', cell: (r) => r.id },
    { header: 'TRIGGER', cell: (r) => r.trigger_type },
    { header: 'STATUS', cell: (r) => r.status },
    { header: 'STATUSCODE', cell: (r) => r.response_status_code },
    { header: 'AGE', cell: (r) => formatAge(r.timestamp, now) },
  ];
}

export function messageColumns(now: Date): Column<MessageView>[] {
  return [
    { header: 'ID', cell: (r) => r.id },
    { header: 'EVENTID', cell: (r) => r.event_id },
    { header: 'EVENTTYPE', cell: (r) => r.event_type },
    { header: 'SIZE', cell: (r) => r.payload_size },
    { header: 'AGE', cell: (r) => formatAge(r.timestamp, now) },
  ];
}

export function eventTypeColumns(now: Date): Column<EventTypeView>[] {
  return [
    { header: 'NAME', cell: (r) => r.name },
    { header: 'DESCRIPTION', cell: (r) => r.description },
    { header: 'SCHEMA', cell: (r) => (r.schema === null || r.schema === undefined ? 'no' : 'yes') },
    { header: 'ARCHIVED', cell: (r) => r.archived ?? false },
    { header: 'AGE', cell: (r) => formatAge(r.created_at, now) },
  ];
}

export function pluginColumns(now: Date): Column<PluginConnectionRow>[] {
  return [
    { header: 'PLUGIN', cell: () => 'webhooks' },
    { header: 'ORG', cell: (r) => r.org_id },
    { header: 'CONNECTION', cell: (r) => r.connection_name },
    { header: 'ENABLED', cell: (r) => ('enabled' in r ? r.enabled : true) },
    { header: 'AGE', cell: (r) => formatAge('enabled_at' in r ? r.enabled_at : undefined, now) },
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
  { header: 'TIME', cell: (r) => r.time },
  { header: 'KIND', cell: (r) => r.kind },
  { header: 'EVENTTYPE', cell: (r) => r.event_type },
  { header: 'EVENTID', cell: (r) => r.event_id },
  { header: 'DETAIL', cell: timelineSummary },
];

export function hookRunColumns(now: Date): Column<HookExecutionSummary>[] {
  return [
    { header: 'ID', cell: (r) => r.id },
    { header: 'SID', cell: (r) => r.sid },
    { header: 'HOOK', cell: (r) => r.hook },
    { header: 'OUTCOME', cell: (r) => r.outcome },
    { header: 'EXIT', cell: (r) => r.exit_code ?? r.signal },
    { header: 'DURATION', cell: (r) => `${Math.round(r.duration_ms)}ms` },
    { header: 'COMMIT', cell: (r) => r.git_commit?.slice(0, 12) },
    { header: 'AGE', cell: (r) => formatAge(r.started_at, now) },
  ];
}
