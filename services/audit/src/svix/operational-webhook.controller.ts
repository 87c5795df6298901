import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { openApiSchema, operationalReceiptSchema } from '@hookline/contracts';
import { ApiError, APP_CONFIG, ReadsOwnBody } from '@hookline/observability';
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import type { AuditConfig } from '../config/audit.settings.js';
import { OperationalWebhookService, type OperationalReceipt } from './operational-webhook.service.js';

/** Svix's operational webhooks (endpoint disabled, attempts exhausted or failing...). */
@ApiTags('svix')
@Controller('v1/svix')
@ReadsOwnBody()
export class OperationalWebhookController {
  private readonly limit: number;

  constructor(
    private readonly service: OperationalWebhookService,
    @Inject(APP_CONFIG) config: Pick<AuditConfig, 'OPERATIONAL_WEBHOOK_MAX_BYTES'>,
  ) {
    this.limit = config.OPERATIONAL_WEBHOOK_MAX_BYTES;
  }

  @Post('operational')
  @HttpCode(200)
  @ApiOperation({ summary: 'Receive a Svix operational webhook (signature verified with the svix SDK; stored once per svix-id)' })
  @ApiOkResponse({ schema: openApiSchema(operationalReceiptSchema) })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong signature, or a timestamp more than 5 minutes off' })
  @ApiBadRequestResponse({ description: 'The body is not an operational webhook' })
  async receive(
    @Req() request: IncomingMessage,
    @Headers('svix-id') svixId: string | undefined,
    @Headers('svix-timestamp') svixTimestamp: string | undefined,
    @Headers('svix-signature') svixSignature: string | undefined,
  ): Promise<OperationalReceipt> {
    const headers = { 'svix-id': svixId, 'svix-timestamp': svixTimestamp, 'svix-signature': svixSignature };
    // Unsigned: refused before a byte of the body is read.
    this.service.precheck(headers);
    // The signature covers the exact bytes: read them raw, before any parsing.
    const body = await this.readBody(request);
    return this.service.receive(body, headers);
  }

  private async readBody(request: IncomingMessage): Promise<Buffer> {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limit) throw this.tooLarge();
    try {
      return await getRawBody(request, { limit: this.limit });
    } catch (error) {
      if ((error as { type?: unknown }).type === 'entity.too.large') throw this.tooLarge();
      throw new ApiError(400, 'unreadable_body', 'the request body could not be read');
    }
  }

  private tooLarge(): ApiError {
    return new ApiError(413, 'payload_too_large', `the body is larger than ${this.limit} bytes (OPERATIONAL_WEBHOOK_MAX_BYTES)`);
  }
}
