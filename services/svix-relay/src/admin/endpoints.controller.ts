import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { openApiSchema, endpointListSchema, endpointViewSchema, type EndpointView } from '@hookline/contracts';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { parseInput } from '../http/parse-input.js';
import { API_PREFIX } from '../relay.constant.js';
import { endpointWriteSchema, svixName } from './dto/admin.schemas.js';
import { SvixAdmin } from './svix-admin.service.js';

/** Enable and disable: an action (POST) that answers 200 with the endpoint as it now is. */
const EndpointSwitch = (summary: string) =>
  applyDecorators(HttpCode(200), ApiOperation({ summary }), ApiOkResponse({ schema: openApiSchema(endpointViewSchema) }));

/** An organisation's Svix endpoints (its application's, uid = org id). */
@ApiTags('endpoints')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller(`${API_PREFIX}/orgs/:org_id/endpoints`)
export class EndpointsController {
  constructor(private readonly admin: SvixAdmin) {}

  @Get()
  @ApiOperation({ summary: "List the organisation's endpoints with their delivery stats (fail, pending, sending, success)" })
  @ApiOkResponse({ schema: openApiSchema(endpointListSchema) })
  async list(@Param('org_id') orgId: string): Promise<{ data: EndpointView[] }> {
    return { data: await this.admin.listEndpoints(org(orgId)) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an endpoint (url, description, event-type filters)' })
  @ApiBody({ schema: openApiSchema(endpointWriteSchema, 'input') })
  @ApiCreatedResponse({ schema: openApiSchema(endpointViewSchema) })
  create(@Param('org_id') orgId: string, @Body() body: unknown): Promise<EndpointView> {
    return this.admin.createEndpoint(org(orgId), parseInput(endpointWriteSchema, body, 'body'));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one endpoint' })
  @ApiOkResponse({ schema: openApiSchema(endpointViewSchema) })
  get(@Param('org_id') orgId: string, @Param('id') id: string): Promise<EndpointView> {
    return this.admin.getEndpoint(org(orgId), endpoint(id));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Overwrite an endpoint by id' })
  @ApiBody({ schema: openApiSchema(endpointWriteSchema, 'input') })
  @ApiOkResponse({ schema: openApiSchema(endpointViewSchema) })
  overwrite(@Param('org_id') orgId: string, @Param('id') id: string, @Body() body: unknown): Promise<EndpointView> {
    return this.admin.overwriteEndpoint(org(orgId), endpoint(id), parseInput(endpointWriteSchema, body, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint' })
  async remove(@Param('org_id') orgId: string, @Param('id') id: string): Promise<void> {
    await this.admin.deleteEndpoint(org(orgId), endpoint(id));
  }

  @Post(':id/enable')
  @EndpointSwitch('Enable an endpoint')
  enable(@Param('org_id') orgId: string, @Param('id') id: string): Promise<EndpointView> {
    return this.admin.setEndpointDisabled(org(orgId), endpoint(id), false);
  }

  @Post(':id/disable')
  @EndpointSwitch('Disable an endpoint')
  disable(@Param('org_id') orgId: string, @Param('id') id: string): Promise<EndpointView> {
    return this.admin.setEndpointDisabled(org(orgId), endpoint(id), true);
  }
}

function org(orgId: string): string {
  return parseInput(svixName.describe('org_id'), orgId, 'query');
}

function endpoint(id: string): string {
  return parseInput(svixName, id, 'query');
}
