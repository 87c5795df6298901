import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { openApiSchema, messageAttemptPageSchema, messageViewSchema, type MessageAttemptPage, type MessageView } from '@hookline/contracts';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { parseInput } from '../http/parse-input.js';
import { API_PREFIX, DEFAULT_ATTEMPTS_LIMIT } from '../relay.constant.js';
import { attemptsQuerySchema, svixName, testMessageSchema } from './dto/admin.schemas.js';
import { SvixAdmin } from './svix-admin.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller(`${API_PREFIX}/orgs/:org_id`)
export class MessagesController {
  constructor(private readonly admin: SvixAdmin) {}

  @Post('messages')
  @ApiOperation({ summary: 'Send a test message of an event type (its example payload)' })
  @ApiBody({ schema: openApiSchema(testMessageSchema, 'input') })
  @ApiCreatedResponse({ schema: openApiSchema(messageViewSchema) })
  createTest(@Param('org_id') orgId: string, @Body() body: unknown): Promise<MessageView> {
    const input = parseInput(testMessageSchema, body, 'body');
    return this.admin.createTestMessage(parseInput(svixName, orgId, 'query'), input.event_type);
  }

  @Get('messages/:id')
  @ApiOperation({ summary: 'Get one message (id, event type, payload size, time); id or eventId' })
  @ApiOkResponse({ schema: openApiSchema(messageViewSchema) })
  get(@Param('org_id') orgId: string, @Param('id') id: string): Promise<MessageView> {
    return this.admin.getMessage(parseInput(svixName, orgId, 'query'), parseInput(svixName, id, 'query'));
  }

  @Get('attempts')
  @ApiOperation({ summary: 'List delivery attempts of an endpoint (endpoint_id optional when the organisation has exactly one; else 422)' })
  @ApiQuery({ name: 'endpoint_id', required: false })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', default: DEFAULT_ATTEMPTS_LIMIT } })
  @ApiQuery({ name: 'status', required: false, enum: ['success', 'pending', 'fail', 'sending'] })
  @ApiQuery({ name: 'event_types', required: false, description: 'comma-separated' })
  @ApiQuery({ name: 'iterator', required: false })
  @ApiOkResponse({ schema: openApiSchema(messageAttemptPageSchema) })
  attempts(@Param('org_id') orgId: string, @Query() query: unknown): Promise<MessageAttemptPage> {
    return this.admin.listAttempts(parseInput(svixName, orgId, 'query'), parseInput(attemptsQuerySchema, query, 'query'));
  }
}
