import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { openApiSchema, eventTypeListSchema, eventTypeViewSchema, type EventTypeView } from '@hookline/contracts';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { parseInput } from '../http/parse-input.js';
import { API_PREFIX } from '../relay.constant.js';
import { eventTypeCreateSchema, eventTypeUpdateSchema, svixName } from './dto/admin.schemas.js';
import { SvixAdmin } from './svix-admin.service.js';

@ApiTags('event types')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller(`${API_PREFIX}/event-types`)
export class EventTypesController {
  constructor(private readonly admin: SvixAdmin) {}

  @Get()
  @ApiOperation({ summary: 'List the Svix event types (with their JSON Schemas)' })
  @ApiOkResponse({ schema: openApiSchema(eventTypeListSchema) })
  async list(): Promise<{ data: EventTypeView[] }> {
    return { data: await this.admin.listEventTypes() };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get one event type' })
  @ApiOkResponse({ schema: openApiSchema(eventTypeViewSchema) })
  get(@Param('name') name: string): Promise<EventTypeView> {
    return this.admin.getEventType(parseInput(svixName, name, 'query'));
  }

  @Post()
  @ApiOperation({ summary: 'Create an event type (name, description, JSON Schema)' })
  @ApiBody({ schema: openApiSchema(eventTypeCreateSchema, 'input') })
  @ApiCreatedResponse({ schema: openApiSchema(eventTypeViewSchema) })
  create(@Body() body: unknown): Promise<EventTypeView> {
    return this.admin.createEventType(parseInput(eventTypeCreateSchema, body, 'body'));
  }

  @Put(':name')
  @ApiOperation({ summary: 'Create or overwrite an event type' })
  @ApiBody({ schema: openApiSchema(eventTypeUpdateSchema, 'input') })
  @ApiOkResponse({ schema: openApiSchema(eventTypeViewSchema) })
  overwrite(@Param('name') name: string, @Body() body: unknown): Promise<EventTypeView> {
    return this.admin.overwriteEventType(parseInput(svixName, name, 'query'), parseInput(eventTypeUpdateSchema, body, 'body'));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete (archive) an event type' })
  async remove(@Param('name') name: string): Promise<void> {
    await this.admin.deleteEventType(parseInput(svixName, name, 'query'));
  }
}
