import { Injectable } from '@nestjs/common';
import { EVENT_CONTRACTS, eventJsonSchema } from '@hookline/contracts';
import { SvixClient } from './svix-client.service.js';

/** Schema version key of Svix's `schemas` object. */
const SCHEMA_VERSION = '1';

/**
 * Creates or updates the Svix event types from libs/contracts (name, description, JSON
 * Schema): an upsert per type, so running it at every start is idempotent.
 */
@Injectable()
export class EventTypeSync {
  constructor(private readonly svix: SvixClient) {}

  async sync(): Promise<string[]> {
    const api = this.svix.require();
    const names: string[] = [];
    for (const contract of EVENT_CONTRACTS) {
      // Draft 7: the JSON Schema dialect Svix's schema viewer and validator read.
      const schema = eventJsonSchema(contract.type, 'draft-7');
      await api.eventType.upsert(contract.type, { description: contract.description, schemas: { [SCHEMA_VERSION]: schema } });
      names.push(contract.type);
    }
    return names;
  }
}
