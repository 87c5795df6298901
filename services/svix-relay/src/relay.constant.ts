// Every name, limit and default of the svix-relay, in one place.
import { GATEWAY_TOPICS, TOPICS } from '@hookline/contracts';

export const SERVICE_NAME = 'svix-relay';

/** Realm named in the management API's WWW-Authenticate challenges. */
export const AUTH_REALM = 'hookline-relay';

/** Where the relay listens unless PORT says otherwise. */
export const DEFAULT_PORT = 8083;

/** The topics the relay consumes (its own consumer group). */
export const CONSUMED_TOPICS = GATEWAY_TOPICS;
/** Where each publication is recorded. */
export const PUBLICATIONS_TOPIC = TOPICS.svixPublications;

export const RELAY_METRICS = {
  published: 'hookline_relay_published_total',
  filtered: 'hookline_relay_filtered_total',
  svixErrors: 'hookline_relay_svix_errors_total',
  publishSeconds: 'hookline_relay_publish_seconds',
} as const;

/** `reason` label values of hookline_relay_filtered_total. */
export const FILTER_REASONS = {
  /** The session's connection does not have the webhooks plugin enabled. */
  pluginDisabled: 'plugin_disabled',
  /** A session.close whose session.open the relay never saw: its connection is unknown. */
  unknownSession: 'unknown_session',
} as const;

/** The one plugin the relay knows. */
export const WEBHOOKS_PLUGIN = 'webhooks';

/** Svix's id pattern (app uid, eventId, event type name). */
export const SVIX_ID_PATTERN = /^[a-zA-Z0-9\-_.]+$/;
export const SVIX_ID_MAX_LENGTH = 256;

/** Idempotency keys are this prefix + the message's eventId. */
export const IDEMPOTENCY_KEY_PREFIX = 'hookline-evt-';

/** The SDK's own retries are off: the consumer retries, holding the partition (see RelayConsumer). */
export const SVIX_SDK_RETRY_SCHEDULE_MS: number[] = [];

/**
 * Fetch sizes of the relay's consumer (kafkajs defaults: 10 MB a fetch, 1 MB a partition).
 * Fetched records wait in memory until they are relayed (each is decoded only once it has a
 * handler slot): with the defaults the relay's peak RSS was 241-255 MB in bench:relay, when
 * whole fetches were still decoded at once. The consumer runner fetches again as
 * soon as a fetch is scheduled, so small fetches cost no throughput (~200 events each).
 */
export const RELAY_FETCH_MAX_BYTES = 128 * 1024;
export const RELAY_FETCH_MAX_BYTES_PER_PARTITION = 16 * 1024;

/**
 * How long a publication record waits for others to share its produce request. Every
 * event's record is produced (acks=all) before its offset may be committed; at the lib's
 * 2 ms a produce request carried ~8 records in bench:relay and kafkajs' per-request work
 * was a tenth of the relay's CPU. The wait holds neither a key slot nor a Svix one (the
 * handler hands the acknowledgement to the runner), only the commit of the event's offset.
 */
export const PUBLICATION_LINGER_MS = 20;

/**
 * Records of one partition fetched and not yet relayed before the relay pauses fetching it
 * (resumed at half): 64 x 12 partitions is still three times RELAY_KEY_CONCURRENCY's default,
 * and kept peak RSS at 188-192 MB in bench:relay where 256 reached 197-209 MB.
 */
export const RELAY_MAX_BUFFERED_PER_PARTITION = 64;

/**
 * Longest time the broker holds a fetch open for partitions with nothing new (Java's
 * fetch.max.wait.ms; the lib's default is 500 ms). A partition resumed after a pause is
 * fetched only with the next fetch, and while the relay works off a backlog the fetch in
 * flight is usually parked on partitions that are caught up (here the dbroles topic's):
 * at 500 ms the resumed sessions partitions ran dry and waited, and the relay idled about
 * a third of each second in bench:relay (1,500-1,700 events/s; 1,900-2,700 at 100 ms).
 * An idle relay sends ten empty fetches a second at this value, which costs next to nothing.
 */
export const RELAY_FETCH_MAX_WAIT_MS = 100;

/** Sockets to Svix beyond SVIX_CONCURRENCY, for the management API's calls. */
export const SVIX_API_EXTRA_CONNECTIONS = 4;

/** Longest Retry-After the relay honours in one wait; a longer one is waited for again on the next try. */
export const MAX_RETRY_AFTER_MS = 5 * 60 * 1000;

/** A Teams card quotes at most this much input (Teams caps a message at ~28 KB). */
export const TEAMS_CARD_INPUT_MAX_CHARS = 4_000;

/** Drizzle migrations journal table of this service. */
export const MIGRATIONS_TABLE = 'svix_relay_migrations';

/** Management API path prefix. */
export const API_PREFIX = 'v1';

/** /health/ready's probes answer within this. */
export const HEALTH_PROBE_TIMEOUT_MS = 1_500;

/** Default page size of attempt listings (the issue's `limit` default). */
export const DEFAULT_ATTEMPTS_LIMIT = 50;
export const MAX_ATTEMPTS_LIMIT = 250;
