import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Connections the webhooks plugin is enabled for: a row = enabled. Keyed by organisation
 * and connection name, the two facts a gateway event carries.
 */
export const pluginConnections = pgTable(
  'relay_plugin_connections',
  {
    plugin: text('plugin').notNull(),
    orgId: text('org_id').notNull(),
    connectionName: text('connection_name').notNull(),
    enabledAt: timestamp('enabled_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.plugin, table.orgId, table.connectionName] })],
);
