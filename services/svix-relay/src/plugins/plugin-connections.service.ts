import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { PluginConnectionView } from '@hookline/contracts';
import type { DatabaseHandle } from '@hookline/database';
import { APP_CONFIG, HealthRegistry } from '@hookline/observability';
import { and, asc, eq } from 'drizzle-orm';
import { PinoLogger } from 'nestjs-pino';
import type { RelayConfig } from '../config/relay.settings.js';
import { DATABASE } from '../database/database.constant.js';
import { WEBHOOKS_PLUGIN } from '../relay.constant.js';
import { pluginConnections } from './plugin-connection.table.js';

export type PluginConnection = PluginConnectionView;

function keyOf(orgId: string, connectionName: string): string {
  return `${orgId}\u0000${connectionName}`;
}

/**
 * The connections the webhooks plugin is enabled for. PostgreSQL is the truth; each relay
 * keeps a snapshot re-read every PLUGIN_REFRESH_MS (and at once after its own changes),
 * so a change made through any instance's API takes effect everywhere within seconds,
 * and events are filtered without a query each.
 */
@Injectable()
export class PluginConnections implements OnModuleInit, OnApplicationShutdown {
  private enabled = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastRefreshOk = false;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(APP_CONFIG) private readonly config: Pick<RelayConfig, 'PLUGIN_REFRESH_MS'>,
    private readonly logger: PinoLogger,
    health: HealthRegistry,
  ) {
    this.logger.setContext(PluginConnections.name);
    health.register('plugin-connections', () =>
      Promise.resolve({ up: this.lastRefreshOk, detail: { enabled_connections: this.enabled.size, refresh_ms: this.config.PLUGIN_REFRESH_MS } }),
    );
  }

  async onModuleInit(): Promise<void> {
    // The first snapshot is needed before any event is filtered.
    await this.refresh();
    this.schedule();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  isEnabled(orgId: string, connectionName: string): boolean {
    return this.enabled.has(keyOf(orgId, connectionName));
  }

  async list(orgId?: string): Promise<PluginConnection[]> {
    const rows = await this.database.db
      .select()
      .from(pluginConnections)
      .where(
        orgId === undefined
          ? eq(pluginConnections.plugin, WEBHOOKS_PLUGIN)
          : and(eq(pluginConnections.plugin, WEBHOOKS_PLUGIN), eq(pluginConnections.orgId, orgId)),
      )
      .orderBy(asc(pluginConnections.orgId), asc(pluginConnections.connectionName));
    return rows.map((row) => ({ org_id: row.orgId, connection_name: row.connectionName, enabled_at: row.enabledAt.toISOString() }));
  }

  /** Enables the plugin for a connection; true when it was not enabled before. */
  async enable(orgId: string, connectionName: string): Promise<boolean> {
    const inserted = await this.database.db
      .insert(pluginConnections)
      .values({ plugin: WEBHOOKS_PLUGIN, orgId, connectionName })
      .onConflictDoNothing()
      .returning({ orgId: pluginConnections.orgId });
    await this.refresh();
    return inserted.length > 0;
  }

  /** Disables the plugin for a connection; true when it was enabled. */
  async disable(orgId: string, connectionName: string): Promise<boolean> {
    const deleted = await this.database.db
      .delete(pluginConnections)
      .where(and(eq(pluginConnections.plugin, WEBHOOKS_PLUGIN), eq(pluginConnections.orgId, orgId), eq(pluginConnections.connectionName, connectionName)))
      .returning({ orgId: pluginConnections.orgId });
    await this.refresh();
    return deleted.length > 0;
  }

  /** Re-reads the whole set; on failure the last snapshot stays in use (and health says so). */
  async refresh(): Promise<void> {
    try {
      const rows = await this.database.db
        .select({ orgId: pluginConnections.orgId, connectionName: pluginConnections.connectionName })
        .from(pluginConnections)
        .where(eq(pluginConnections.plugin, WEBHOOKS_PLUGIN));
      this.enabled = new Set(rows.map((row) => keyOf(row.orgId, row.connectionName)));
      this.lastRefreshOk = true;
    } catch (error) {
      this.lastRefreshOk = false;
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'reading the plugin connections failed; keeping the last snapshot');
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => {
        if (this.timer !== undefined) this.schedule();
      });
    }, this.config.PLUGIN_REFRESH_MS);
    this.timer.unref();
  }
}
