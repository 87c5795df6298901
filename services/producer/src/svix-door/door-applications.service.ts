import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { SEEN_APPLICATIONS_MAX, SVIX_ID_MAX_LENGTH, SVIX_ID_PATTERN } from './svix-door.constant.js';
import { SvixDoorMetrics } from './svix-door.metrics.js';
import { SvixUpstream } from './svix-upstream.service.js';
import { SvixHttpError } from './svix-wire.js';

type Json = Record<string, unknown>;

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Svix's ApplicationOut for an organisation the door has seen but Svix does not list (yet). */
function applicationOut(uid: string, name: string, at: Date): Json {
  const time = at.toISOString();
  return { id: uid, uid, name, rateLimit: null, throttleRate: null, metadata: {}, createdAt: time, updatedAt: time };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Application.List and Application.GetOrCreate, so hoop's webhooks plugin loads its
 * organisations (it sends events only for app uids it has loaded): the applications of the
 * Svix the relay publishes to, plus the organisations this producer has seen (GetOrCreate
 * or an accepted message), newest SEEN_APPLICATIONS_MAX, kept in memory.
 */
@Injectable()
export class DoorApplications {
  private readonly known = new LRUCache<string, { name: string; at: Date }>({ max: SEEN_APPLICATIONS_MAX });

  constructor(
    private readonly upstream: SvixUpstream,
    private readonly metrics: SvixDoorMetrics,
  ) {}

  seen(uid: string, name = uid.slice(0, 8)): { name: string; at: Date } {
    let app = this.known.get(uid);
    if (app === undefined) {
      app = { name, at: new Date() };
      this.known.set(uid, app);
    }
    return app;
  }

  async list(pathAndQuery: string): Promise<Answer> {
    const seen = [...this.known.entries()].map(([uid, app]) => applicationOut(uid, app.name, app.at));
    if (!this.upstream.enabled) return { status: 200, body: { data: seen, done: true, iterator: null, prevIterator: null } };
    const answer = await this.forward('application_list', 'GET', pathAndQuery, undefined, undefined);
    const body = parse(answer.text);
    const firstPage = !new URL(pathAndQuery, 'http://door').searchParams.has('iterator');
    if (answer.status !== 200 || !firstPage || typeof body !== 'object' || body === null || !Array.isArray((body as Json).data))
      return { status: answer.status, body };
    const listed = (body as { data: Json[] }).data;
    const uids = new Set(listed.map((app) => app.uid));
    return { status: 200, body: { ...(body as Json), data: [...listed, ...seen.filter((app) => !uids.has(app.uid))] } };
  }

  async getOrCreate(pathAndQuery: string, body: unknown, idempotencyKey: string | undefined): Promise<Answer> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw SvixHttpError.validation(['body'], 'expected an ApplicationIn object {name, uid?}', 'type_error.dict');
    const { name, uid } = body as Json;
    if (typeof name !== 'string' || name === '') throw SvixHttpError.validation(['body', 'name'], 'field required: a non-empty string', 'value_error.missing');
    if (uid !== undefined && uid !== null && (typeof uid !== 'string' || !SVIX_ID_PATTERN.test(uid) || uid.length > SVIX_ID_MAX_LENGTH)) {
      throw SvixHttpError.validation(['body', 'uid'], 'uid must be 1-256 characters of a-z A-Z 0-9 - _ .');
    }
    if (this.upstream.enabled) {
      const answer = await this.forward('application_create', 'POST', pathAndQuery, JSON.stringify(body), idempotencyKey);
      if (answer.status < 300 && typeof uid === 'string') this.seen(uid, name);
      return { status: answer.status, body: parse(answer.text) };
    }
    // No Svix: the organisation is remembered and answered as an application whose id is its uid.
    if (typeof uid !== 'string')
      throw SvixHttpError.validation(
        ['body', 'uid'],
        'without a Svix behind hookline an application is an organisation: send its id as uid',
        'value_error.missing',
      );
    const existed = this.known.has(uid);
    const getIfExists = new URL(pathAndQuery, 'http://door').searchParams.get('get_if_exists') === 'true';
    if (existed && !getIfExists) throw SvixHttpError.of(409, 'conflict', 'An application with this uid already exists');
    const app = this.seen(uid, name);
    return { status: existed ? 200 : 201, body: applicationOut(uid, app.name, app.at) };
  }

  private async forward(operation: string, method: string, pathAndQuery: string, body: string | undefined, idempotencyKey: string | undefined) {
    try {
      const answer = await this.upstream.call(method, pathAndQuery, body, idempotencyKey);
      this.metrics.forward(operation, answer.status);
      return answer;
    } catch (error) {
      this.metrics.forward(operation, 0);
      throw error;
    }
  }
}
