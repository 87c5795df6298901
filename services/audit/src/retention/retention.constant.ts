/** Tables retention prunes, by the column that says how old a row is. */
export const RETENTION_TABLES = [
  { table: 'gateway_events', column: 'event_time' },
  { table: 'hook_executions', column: 'started_at' },
  { table: 'svix_publications', column: 'published_at' },
  { table: 'delivery_attempts', column: 'attempted_at' },
  { table: 'operational_webhooks', column: 'received_at' },
] as const;
