import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { EVENT_TYPES, HOOK_NAMES, HOOK_OUTCOMES } from '@hookline/contracts';
import { ATTEMPT_STATUSES, QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT } from '../audit.constant.js';
import { ReaderTokenGuard } from '../auth/reader-token.guard.js';
import { ApiError } from '../http/api-error.js';
import { AuditQueryService } from './audit-query.service.js';
import { AttemptPageDto, EndpointsSummaryDto, HookExecutionPageDto, TimelineDto } from './dto/query-responses.dto.js';
import { attemptsQuerySchema, endpointsSummaryQuerySchema, hookExecutionsQuerySchema, parseQuery, sidSchema } from './query-params.schema.js';

const SINCE = { name: 'since', required: false, description: 'ISO 8601 date-time with a zone; only items at or after it' };
const UNTIL = { name: 'until', required: false, description: 'ISO 8601 date-time with a zone; only items at or before it' };
const LIMIT = { name: 'limit', required: false, description: `Items per page, 1-${QUERY_MAX_LIMIT} (default ${QUERY_DEFAULT_LIMIT})` };
const CURSOR = { name: 'cursor', required: false, description: 'next_cursor of the previous page' };

/** Read-only audit queries; admin and auditor tokens may call them. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or unknown bearer token' })
@ApiBadRequestResponse({ description: 'A query parameter is invalid (each is named)' })
@UseGuards(ReaderTokenGuard)
@Controller('v1')
export class AuditQueryController {
  constructor(private readonly queries: AuditQueryService) {}

  @Get('attempts')
  @ApiOperation({ summary: 'Svix delivery attempts, newest first' })
  @ApiQuery({ name: 'endpoint', required: false, description: 'Svix endpoint id' })
  @ApiQuery({ name: 'status', required: false, enum: ATTEMPT_STATUSES, description: 'Or Svix number 0-4' })
  @ApiQuery({ name: 'event_type', required: false, enum: EVENT_TYPES })
  @ApiQuery(SINCE)
  @ApiQuery(UNTIL)
  @ApiQuery(LIMIT)
  @ApiQuery(CURSOR)
  @ApiOkResponse({ type: AttemptPageDto })
  attempts(@Query() query: Record<string, unknown>) {
    return this.queries.attempts(parseQuery(attemptsQuerySchema, query));
  }

  @Get('hook-executions')
  @ApiOperation({ summary: 'Runbook hook runs, newest first' })
  @ApiQuery({ name: 'hook', required: false, enum: HOOK_NAMES })
  @ApiQuery({ name: 'outcome', required: false, enum: HOOK_OUTCOMES })
  @ApiQuery({ name: 'sid', required: false })
  @ApiQuery(SINCE)
  @ApiQuery(UNTIL)
  @ApiQuery(LIMIT)
  @ApiQuery(CURSOR)
  @ApiOkResponse({ type: HookExecutionPageDto })
  hookExecutions(@Query() query: Record<string, unknown>) {
    const parsed = parseQuery(hookExecutionsQuerySchema, query);
    if (parsed.cursor !== undefined && !/^\d{1,18}$/.test(parsed.cursor.id)) {
      throw new ApiError(400, 'invalid_query', 'invalid query: cursor is not a cursor this API returned', [{ field: 'cursor', message: 'not from this list' }]);
    }
    return this.queries.hookExecutions(parsed);
  }

  @Get('sessions/:sid/timeline')
  @ApiOperation({ summary: "A session's events, hook runs, publications and delivery attempts, in time order" })
  @ApiOkResponse({ type: TimelineDto })
  timeline(@Param('sid') sid: string) {
    const parsed = sidSchema.safeParse(sid);
    if (!parsed.success) throw new ApiError(400, 'invalid_sid', 'the sid must be 1-256 characters', [{ field: 'sid', message: 'must be 1-256 characters' }]);
    return this.queries.timeline(parsed.data);
  }

  @Get('endpoints/summary')
  @ApiOperation({ summary: 'Per endpoint: attempts by status over the window (default the last 24 h), last success and failure, disabled' })
  @ApiQuery(SINCE)
  @ApiQuery(UNTIL)
  @ApiOkResponse({ type: EndpointsSummaryDto })
  endpointsSummary(@Query() query: Record<string, unknown>) {
    return this.queries.endpointsSummary(parseQuery(endpointsSummaryQuerySchema, query));
  }
}
