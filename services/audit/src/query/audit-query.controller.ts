import { applyDecorators, Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  ATTEMPT_STATUSES,
  EVENT_TYPES,
  HOOK_NAMES,
  HOOK_OUTCOMES,
  attemptPageSchema,
  endpointsSummarySchema,
  hookExecutionPageSchema,
  hookExecutionViewSchema,
  openApiSchema,
  timelineSchema,
} from '@hookline/contracts';
import { QUERY_DEFAULT_LIMIT, QUERY_MAX_ANSWER_BYTES, QUERY_MAX_LIMIT } from '../audit.constant.js';
import { ReaderTokenGuard } from '../auth/reader-token.guard.js';
import { AuditQueryService } from './audit-query.service.js';
import { QueryGate } from './query-gate.js';
import { attemptsQuerySchema, endpointsSummaryQuerySchema, hookExecutionsQuerySchema, parseQuery, sidSchema } from './query-params.schema.js';
import { ApiError } from '@hookline/observability';

const SINCE = { name: 'since', required: false, description: 'ISO 8601 date-time with a zone; only items at or after it' };
const UNTIL = { name: 'until', required: false, description: 'ISO 8601 date-time with a zone; only items at or before it' };
const LIMIT = {
  name: 'limit',
  required: false,
  description: `Items per page, 1-${QUERY_MAX_LIMIT} (default ${QUERY_DEFAULT_LIMIT}); a page also ends before ${QUERY_MAX_ANSWER_BYTES} bytes of JSON`,
};
const RUN_ID = /^\d{1,18}$/;
const CURSOR = { name: 'cursor', required: false, description: 'next_cursor of the previous page' };

/** The time window every list and summary takes. */
const ApiWindowQueries = () => applyDecorators(ApiQuery(SINCE), ApiQuery(UNTIL));
/** A newest-first list's window and paging. */
const ApiPageQueries = () => applyDecorators(ApiWindowQueries(), ApiQuery(LIMIT), ApiQuery(CURSOR));

/** Read-only audit queries; admin and auditor tokens may call them. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or unknown bearer token' })
@ApiBadRequestResponse({ description: 'A query parameter is invalid (each is named)' })
@ApiServiceUnavailableResponse({ description: 'Too many queries at once; retry after the Retry-After header' })
@UseGuards(ReaderTokenGuard)
@Controller('v1')
export class AuditQueryController {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly gate: QueryGate,
  ) {}

  @Get('attempts')
  @ApiOperation({ summary: 'Svix delivery attempts, newest first' })
  @ApiQuery({ name: 'endpoint', required: false, description: 'Svix endpoint id' })
  @ApiQuery({ name: 'status', required: false, enum: ATTEMPT_STATUSES, description: 'Or Svix number 0-4' })
  @ApiQuery({ name: 'event_type', required: false, enum: EVENT_TYPES })
  @ApiPageQueries()
  @ApiOkResponse({ schema: openApiSchema(attemptPageSchema) })
  attempts(@Query() query: Record<string, unknown>) {
    const parsed = parseQuery(attemptsQuerySchema, query);
    return this.gate.run(() => this.queries.attempts(parsed));
  }

  @Get('hook-executions')
  @ApiOperation({ summary: "Runbook hook runs, newest first: each run's output sizes and truncation flags, not its text (GET /v1/hook-executions/{id})" })
  @ApiQuery({ name: 'hook', required: false, enum: HOOK_NAMES })
  @ApiQuery({ name: 'outcome', required: false, enum: HOOK_OUTCOMES })
  @ApiQuery({ name: 'sid', required: false })
  @ApiPageQueries()
  @ApiOkResponse({ schema: openApiSchema(hookExecutionPageSchema) })
  hookExecutions(@Query() query: Record<string, unknown>) {
    const parsed = parseQuery(hookExecutionsQuerySchema, query);
    if (parsed.cursor !== undefined && !RUN_ID.test(parsed.cursor.id)) {
      throw new ApiError(400, 'invalid_query', 'invalid query: cursor is not a cursor this API returned', {
        details: [{ path: 'cursor', message: 'not from this list' }],
      });
    }
    return this.gate.run(() => this.queries.hookExecutions(parsed));
  }

  @Get('hook-executions/:id')
  @ApiOperation({ summary: 'One runbook hook run with its captured stdout and stderr' })
  @ApiOkResponse({ schema: openApiSchema(hookExecutionViewSchema) })
  @ApiNotFoundResponse({ description: 'No run with this id' })
  async hookExecution(@Param('id') id: string) {
    if (!RUN_ID.test(id))
      throw new ApiError(400, 'invalid_id', 'the id must be a hook run id from this API (digits)', {
        details: [{ path: 'id', message: 'must be 1-18 digits' }],
      });
    const run = await this.gate.run(() => this.queries.hookExecution(id));
    if (run === undefined) throw new ApiError(404, 'not_found', `no hook run with id ${id}`);
    return run;
  }

  @Get('sessions/:sid/timeline')
  @ApiOperation({ summary: "A session's events, hook runs, publications and delivery attempts, in time order" })
  @ApiOkResponse({ schema: openApiSchema(timelineSchema) })
  timeline(@Param('sid') sid: string) {
    const parsed = sidSchema.safeParse(sid);
    if (!parsed.success)
      throw new ApiError(400, 'invalid_sid', 'the sid must be 1-256 characters', { details: [{ path: 'sid', message: 'must be 1-256 characters' }] });
    return this.gate.run(() => this.queries.timeline(parsed.data));
  }

  @Get('endpoints/summary')
  @ApiOperation({ summary: 'Per endpoint: attempts by status over the window (default the last 24 h), last success and failure, disabled' })
  @ApiWindowQueries()
  @ApiOkResponse({ schema: openApiSchema(endpointsSummarySchema) })
  endpointsSummary(@Query() query: Record<string, unknown>) {
    const parsed = parseQuery(endpointsSummaryQuerySchema, query);
    return this.gate.run(() => this.queries.endpointsSummary(parsed));
  }
}
