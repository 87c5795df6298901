import { All, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { APP_CONFIG } from '@hookline/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { IngestRoutes } from '../auth/ingest-routes.decorator.js';
import { ingestPrincipalOf } from '../auth/ingest-principal.js';
import type { ProducerConfig } from '../config/producer.settings.js';
import { IngestBodyReader } from '../ingest/ingest-body.reader.js';
import { DoorApplications } from './door-applications.service.js';
import { DoorMessageService } from './door-message.service.js';
import { MANAGEMENT_MAX_BODY_BYTES, SVIX_DOOR_PREFIX, SVIX_ID_MAX_LENGTH, SVIX_ID_PATTERN } from './svix-door.constant.js';
import { SvixDoorExceptionFilter, writeSvixAnswer } from './svix-door.filter.js';
import { SvixDoorMetrics } from './svix-door.metrics.js';
import { SvixUpstream } from './svix-upstream.service.js';
import { SvixHttpError } from './svix-wire.js';

type Params = Record<string, string | undefined>;

function paramsOf(request: IncomingMessage): Params {
  return (request as IncomingMessage & { params?: Params }).params ?? {};
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** Every path parameter must be a Svix id: no '/', no '..', nothing a URL would re-interpret upstream. */
function checkedPathAndQuery(request: IncomingMessage): string {
  for (const [name, value] of Object.entries(paramsOf(request))) {
    if (value === undefined || value === '.' || value === '..' || value.length > SVIX_ID_MAX_LENGTH || !SVIX_ID_PATTERN.test(value)) {
      throw SvixHttpError.validation(['path', name], 'must be 1-256 characters of a-z A-Z 0-9 - _ .');
    }
  }
  const url = new URL(request.url ?? '/', 'http://door');
  return `${url.pathname}${url.search}`;
}

/** A token bound to an organisation (INGEST_ORG_TOKENS) reaches only that organisation's application. */
function checkOrganisation(request: IncomingMessage, appId: string | undefined): void {
  const org = ingestPrincipalOf(request).org;
  if (org !== undefined && appId !== org) {
    throw SvixHttpError.of(403, 'forbidden', 'this token is bound to another organisation: it reaches only its own application');
  }
}

/**
 * The subset of Svix's API that hoop's webhooks plugin and `hoop admin … svix…` call, in
 * Svix's wire format, bearer = an ingest token (checked before any body is read):
 * Message.Create is ingest (→ Kafka); Application.List/GetOrCreate answer the plugin's
 * organisations; the management calls are forwarded to the Svix the svix-relay publishes to.
 */
@IngestRoutes(SVIX_DOOR_PREFIX)
@UseFilters(SvixDoorExceptionFilter)
export class SvixDoorController {
  constructor(
    private readonly messages: DoorMessageService,
    private readonly applications: DoorApplications,
    private readonly upstream: SvixUpstream,
    private readonly bodyReader: IngestBodyReader,
    private readonly metrics: SvixDoorMetrics,
    @Inject(APP_CONFIG) private readonly config: Pick<ProducerConfig, 'SVIX_DOOR_MANAGEMENT'>,
  ) {}

  @Post('app/:appId/msg')
  async createMessage(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const appId = paramsOf(request).appId ?? '';
    checkOrganisation(request, appId);
    const withContent = new URL(request.url ?? '/', 'http://door').searchParams.get('with_content') !== 'false';
    const answer = await this.messages.create(appId, header(request, 'idempotency-key'), () => this.bodyReader.read(request), withContent);
    if (answer.status < 300) this.applications.seen(appId);
    writeSvixAnswer(response, answer.status, answer.body, answer.headers);
  }

  @Get('app')
  async listApplications(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const answer = await this.applications.list(checkedPathAndQuery(request));
    const org = ingestPrincipalOf(request).org;
    const body = answer.body as { data?: unknown } | null;
    // A bound token lists its own organisation's application only.
    if (org !== undefined && answer.status === 200 && typeof body === 'object' && body !== null && Array.isArray(body.data)) {
      body.data = (body.data as { uid?: unknown }[]).filter((app) => app.uid === org);
    }
    writeSvixAnswer(response, answer.status, body);
  }

  @Post('app')
  async createApplication(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const pathAndQuery = checkedPathAndQuery(request);
    const body = await this.bodyReader.read(request);
    if (ingestPrincipalOf(request).org !== undefined) checkOrganisation(request, (body as { uid?: unknown } | null)?.uid as string | undefined);
    const answer = await this.applications.getOrCreate(pathAndQuery, body, header(request, 'idempotency-key'));
    writeSvixAnswer(response, answer.status, answer.body);
  }

  @All(['app/:appId/endpoint', 'app/:appId/endpoint/:endpointId'])
  endpoints(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.forward('endpoint', request, response);
  }

  @Get('app/:appId/endpoint/:endpointId/stats')
  endpointStats(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.forward('endpoint_stats', request, response);
  }

  @All(['event-type', 'event-type/:eventTypeName'])
  eventTypes(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.forward('event_type', request, response);
  }

  @Get('app/:appId/msg/:msgId')
  getMessage(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.forward('message_get', request, response);
  }

  @Get('app/:appId/attempt/endpoint/:endpointId')
  attemptsByEndpoint(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.forward('attempts_by_endpoint', request, response);
  }

  // The hookline console's URL once the console exists; until then Svix's own answer.
  @Post('auth/app-portal-access/:appId')
  appPortalAccess(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.forward('app_portal_access', request, response);
  }

  /** Any other /api/v1 path: Svix's 404, in its shape (after the bearer check, like every door route). */
  @All(['', '*rest'])
  notFound(@Req() request: IncomingMessage): never {
    throw SvixHttpError.of(
      404,
      'not_found',
      `the hookline Svix door does not serve ${(request.method ?? 'GET').toUpperCase()} ${new URL(request.url ?? '/', 'http://door').pathname.slice(0, 200)}`,
    );
  }

  /** Forwards the call to Svix and writes its answer unchanged (status, body, content type). */
  private async forward(operation: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathAndQuery = checkedPathAndQuery(request);
    const method = (request.method ?? 'GET').toUpperCase();
    this.checkManagement(request, operation, method);
    const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : await this.readRawBody(request);
    let answer;
    try {
      answer = await this.upstream.call(method, pathAndQuery, body, header(request, 'idempotency-key'));
    } catch (error) {
      this.metrics.forward(operation, 0);
      throw error;
    }
    this.metrics.forward(operation, answer.status);
    response.statusCode = answer.status;
    response.setHeader('Cache-Control', 'no-store');
    if (answer.contentType !== undefined && answer.text !== '') response.setHeader('Content-Type', answer.contentType);
    response.end(answer.text);
  }

  /**
   * Management calls are an admin's power (an endpoint is where security events go), while the
   * door's bearer is an ingest token: SVIX_DOOR_MANAGEMENT says how much of it the door lends.
   * App-portal access counts as a write (the portal edits endpoints); event types are global,
   * so a token bound to one organisation never writes them.
   */
  private checkManagement(request: IncomingMessage, operation: string, method: string): void {
    const policy = this.config.SVIX_DOOR_MANAGEMENT;
    const write = (method !== 'GET' && method !== 'HEAD') || operation === 'app_portal_access';
    if (policy === 'off' || (write && policy !== 'write')) {
      this.metrics.forward(operation, 403);
      throw SvixHttpError.of(
        403,
        'forbidden',
        `the hookline Svix door does not forward ${write ? 'management writes' : 'management calls'} (SVIX_DOOR_MANAGEMENT=${policy}); use hookline's admin API, or set SVIX_DOOR_MANAGEMENT=${write ? 'write' : 'read'}`,
      );
    }
    const appId = paramsOf(request).appId;
    if (appId !== undefined || (write && ingestPrincipalOf(request).org !== undefined)) checkOrganisation(request, appId);
  }

  private async readRawBody(request: IncomingMessage): Promise<string> {
    try {
      return await getRawBody(request, { limit: MANAGEMENT_MAX_BODY_BYTES, encoding: 'utf-8' });
    } catch (error) {
      const type = (error as { type?: unknown } | null)?.type;
      if (type === 'entity.too.large') throw SvixHttpError.of(413, 'payload_too_large', `request body is larger than ${MANAGEMENT_MAX_BODY_BYTES} bytes`);
      throw SvixHttpError.of(400, 'invalid_body', 'request body unreadable');
    }
  }
}
