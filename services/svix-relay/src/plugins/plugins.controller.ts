import { Controller, Delete, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { LIMITS, pluginChangeSchema, pluginConnectionListSchema, openApiSchema, type PluginChange } from '@hookline/contracts';
import { z } from 'zod';
import { listQuerySchema } from '../admin/dto/admin.schemas.js';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { parseInput } from '../http/parse-input.js';
import { API_PREFIX, WEBHOOKS_PLUGIN } from '../relay.constant.js';
import { PluginConnections, type PluginConnection } from './plugin-connections.service.js';

// The same bounds the contracts put on these fields, so any connection an event names can be enabled.
const orgIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.idLength)
  .regex(/^[\x21-\x7E]+$/, { error: 'must be visible ASCII characters' });
const connectionNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.nameLength)
  .regex(/^[^\p{Cc}]+$/u, { error: 'must not hold control characters' });

/** The webhooks plugin: which connections' session events are published. */
@ApiTags('plugin')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller(`${API_PREFIX}/plugins/${WEBHOOKS_PLUGIN}/connections`)
export class PluginsController {
  constructor(private readonly connections: PluginConnections) {}

  @Get()
  @ApiOperation({ summary: 'List the connections the webhooks plugin is enabled for' })
  @ApiQuery({ name: 'org_id', required: false })
  @ApiOkResponse({ schema: openApiSchema(pluginConnectionListSchema) })
  async list(@Query() query: unknown): Promise<{ data: PluginConnection[] }> {
    const { org_id: orgId } = parseInput(listQuerySchema, query, 'query');
    return { data: await this.connections.list(orgId) };
  }

  @Put(':org_id/:connection_name')
  @ApiOperation({ summary: 'Enable the webhooks plugin for a connection (idempotent)' })
  @ApiOkResponse({ schema: openApiSchema(pluginChangeSchema) })
  enable(@Param('org_id') orgId: string, @Param('connection_name') connectionName: string): Promise<PluginChange> {
    return this.change(orgId, connectionName, true);
  }

  @Delete(':org_id/:connection_name')
  @ApiOperation({ summary: 'Disable the webhooks plugin for a connection (idempotent)' })
  @ApiOkResponse({ schema: openApiSchema(pluginChangeSchema) })
  disable(@Param('org_id') orgId: string, @Param('connection_name') connectionName: string): Promise<PluginChange> {
    return this.change(orgId, connectionName, false);
  }

  private async change(orgId: string, connectionName: string, enabled: boolean): Promise<PluginChange> {
    const org = parseInput(orgIdSchema, orgId, 'query');
    const name = parseInput(connectionNameSchema, connectionName, 'query');
    const changed = enabled ? await this.connections.enable(org, name) : await this.connections.disable(org, name);
    return { plugin: WEBHOOKS_PLUGIN, org_id: org, connection_name: name, enabled, changed };
  }
}
