import type { HookExecutionSummary, TimelineEntry } from '@hookline/contracts';
import type { Column } from '../output/render-output.js';
import { formatAge } from '../output/format-age.js';

// The svix-relay's answers as the CLI reads them (snake_case JSON); the audit's answers are
// typed by their schemas in @hookline/contracts.
export interface EndpointRow {
  id: string;
  url: string;
  description?: string | null;
  disabled?: boolean;
  version?: number | null;
  event_types?: string[] | null;
  created_at?: string;
  stats?: { fail: number; pending: number; sending: number; success: number };
}
export interface AttemptRow {
  id: string;
  msg_id: string;
  endpoint_id: string;
  status: string;
  response_status_code: number;
  trigger_type: string;
  timestamp: string;
}
export interface MessageRow {
  id: string;
  event_id: string | null;
  event_type: string;
  payload_size: number;
  timestamp: string;
}
export interface EventTypeRow {
  name: string;
  description: string;
  schema: unknown;
  archived?: boolean;
  deprecated?: boolean;
  created_at?: string;
}
export interface PluginConnectionRow {
  org_id: string;
  connection_name: string;
  enabled_at?: string;
  enabled?: boolean;
}
export function endpointColumns(now: Date): Column<EndpointRow>[] {
  return [
    { header: 'ID', cell: (r) => r.id },
    { header: 'DESCRIPTION', cell: (r) => r.description },
    { header: 'DISABLED', cell: (r) => r.disabled ?? false },
    { header: 'VERSION', cell: (r) => r.version },
    { header: 'FAIL', cell: (r) => r.stats?.fail },
    { header: 'PENDING', cell: (r) => r.stats?.pending },
    { header: 'SENDING', cell: (r) => r.stats?.sending },
    { header: 'SUCCESS', cell: (r) => r.stats?.success },
    { header: 'FILTERS', cell: (r) => (r.event_types === null || r.event_types === undefined || r.event_types.length === 0 ? '*' : r.event_types.join(',')) },
    { header: 'AGE', cell: (r) => formatAge(r.created_at, now) },
  ];
}

export function attemptColumns(now: Date): Column<AttemptRow>[] {
  return [
    { header: 'ID', cell: (r) => r.msg_id },
    { header: 'ATTEMPTID', cell: (r) => r.id },
    { header: 'TRIGGER', cell: (r) => r.trigger_type },
    { header: 'STATUS', cell: (r) => r.status },
    { header: 'STATUSCODE', cell: (r) => r.response_status_code },
    { header: 'AGE', cell: (r) => formatAge(r.timestamp, now) },
  ];
}

export function messageColumns(now: Date): Column<MessageRow>[] {
  return [
    { header: 'ID', cell: (r) => r.id },
    { header: 'EVENTID', cell: (r) => r.event_id },
    { header: 'EVENTTYPE', cell: (r) => r.event_type },
    { header: 'SIZE', cell: (r) => r.payload_size },
    { header: 'AGE', cell: (r) => formatAge(r.timestamp, now) },
  ];
}

export function eventTypeColumns(now: Date): Column<EventTypeRow>[] {
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
    { header: 'ENABLED', cell: (r) => r.enabled ?? true },
    { header: 'AGE', cell: (r) => formatAge(r.enabled_at, now) },
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
