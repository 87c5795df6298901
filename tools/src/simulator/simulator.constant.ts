/**
 * Every default, bound and data pool of the traffic simulator, in one place. The pools are
 * shaped after what a real access gateway sees: a handful of orgs, databases and servers,
 * people who query them, and the commands its agents run.
 */

/** Defaults of the simulator (and of the `simulate` CLI flags). */
export const SIMULATOR_DEFAULTS = {
  url: 'http://127.0.0.1:8081',
  /** Events per second. */
  rate: 50,
  /** Seconds; 0 = until stopped. */
  durationSec: 60,
  /** Events per POST. */
  batchSize: 50,
  /** POSTs in flight at once. */
  concurrency: 4,
  /** Share of sessions whose resource has reviews (review.create + two opens). */
  reviewRatio: 0.2,
  /** Share of emitted events that are dbroles.job.finished. */
  dbrolesRatio: 0.05,
  /** 0 = events keep their natural size. */
  eventBytes: 0,
  /** Sessions open at once; the higher, the more sessions interleave. */
  concurrentSessions: 32,
  /** Resends of one batch (503 / 429 / network error / 5xx) before it is given up. */
  maxRetries: 20,
  requestTimeoutMs: 30_000,
  progressIntervalMs: 1_000,
} as const;

/** Hard bounds on the knobs, so a typo cannot ask for a billion-event batch. */
export const SIMULATOR_BOUNDS = {
  maxBatchSize: 10_000,
  maxConcurrency: 256,
  maxRate: 1_000_000,
  /** input/output fields are capped at 1 MiB characters by the contract; stay below it. */
  maxEventBytes: 1_000_000,
} as const;

/** Retry timing when the server gives no usable Retry-After. */
export const RETRY_TIMING = {
  /** Retry-After missing on a 503/429: wait this long. */
  defaultRetryAfterMs: 1_000,
  /** A Retry-After larger than this is clamped: a simulator should not sleep for hours. */
  maxRetryAfterMs: 60_000,
  /** Network errors and other 5xx: exponential backoff from here... */
  backoffBaseMs: 250,
  /** ...up to here. */
  backoffMaxMs: 5_000,
} as const;

/** ce_source of simulated events, so downstream can tell them from a real gateway's. */
export const SIMULATOR_SOURCE = 'hookline/simulator';

export const INGEST_PATH = '/v1/events';

export const TOKEN_ENV = 'HOOKLINE_INGEST_TOKEN';

/** Server messages quoted in errors are cut here: a 4xx body could be a whole HTML page. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

/** The CLI prints this many distinct server error lines, then only counts them. */
export const MAX_PRINTED_ERRORS = 10;

export const SIMULATED_ORG_IDS = [
  '2f9c1b7e-8d4a-4e3b-a1c2-6d5e4f3a2b1c',
  '7a1d3e5f-0b2c-4d6e-8f90-a1b2c3d4e5f6',
  'c4e8a2b6-1d3f-4a5c-9e7b-0f2d4c6a8e1b',
] as const;

export interface SimulatedUser {
  readonly name: string;
  readonly email: string;
}

export const SIMULATED_USERS: readonly SimulatedUser[] = [
  { name: 'Alice Martin', email: 'alice@example.com' },
  { name: 'Bruno Costa', email: 'bruno.costa@example.com' },
  { name: 'Chen Wei', email: 'chen.wei@example.com' },
  { name: 'Dana Okafor', email: 'dana@example.com' },
  { name: 'Emil Novak', email: 'emil.novak@example.com' },
  { name: 'Fatima Haddad', email: 'fatima@example.com' },
  { name: 'Gustavo Lima', email: 'gustavo.lima@example.com' },
  { name: 'Hana Sato', email: 'hana.sato@example.com' },
  { name: 'Ivan Petrov', email: 'ivan@example.com' },
  { name: 'Julia Schmidt', email: 'julia.schmidt@example.com' },
  { name: 'Kwame Mensah', email: 'kwame@example.com' },
  { name: 'Lea Dubois', email: 'lea.dubois@example.com' },
];

/** Which kind of input a connection takes; picks the command and input pools. */
export type InputKind = 'sql-postgres' | 'sql-mysql' | 'shell' | 'kubectl' | 'mongo';

export interface SimulatedConnection {
  readonly name: string;
  readonly type: string;
  readonly subtype: string;
  readonly inputKind: InputKind;
  readonly reviewers: readonly string[];
  readonly envKeys: readonly string[];
}

const DB_ENV_KEYS = ['envvar:HOST', 'envvar:PORT', 'envvar:USER', 'envvar:PASS', 'envvar:DB'] as const;

export const SIMULATED_CONNECTIONS: readonly SimulatedConnection[] = [
  { name: 'pg-billing-prod', type: 'database', subtype: 'postgres', inputKind: 'sql-postgres', reviewers: ['dba-team', 'security'], envKeys: DB_ENV_KEYS },
  { name: 'pg-analytics-replica', type: 'database', subtype: 'postgres', inputKind: 'sql-postgres', reviewers: ['data-eng'], envKeys: DB_ENV_KEYS },
  { name: 'pg-auth-staging', type: 'database', subtype: 'postgres', inputKind: 'sql-postgres', reviewers: ['platform'], envKeys: DB_ENV_KEYS },
  { name: 'mysql-orders-prod', type: 'database', subtype: 'mysql', inputKind: 'sql-mysql', reviewers: ['dba-team'], envKeys: DB_ENV_KEYS },
  { name: 'mysql-legacy-crm', type: 'database', subtype: 'mysql', inputKind: 'sql-mysql', reviewers: ['dba-team', 'sales-ops'], envKeys: DB_ENV_KEYS },
  { name: 'mongo-events', type: 'database', subtype: 'mongodb', inputKind: 'mongo', reviewers: ['data-eng'], envKeys: ['envvar:MONGO_URI'] },
  {
    name: 'ssh-bastion-eu',
    type: 'application',
    subtype: 'ssh',
    inputKind: 'shell',
    reviewers: ['sre', 'security'],
    envKeys: ['envvar:SSH_HOST', 'envvar:SSH_USER', 'filesystem:SSH_PRIVATE_KEY'],
  },
  {
    name: 'ssh-batch-worker-03',
    type: 'application',
    subtype: 'ssh',
    inputKind: 'shell',
    reviewers: ['sre'],
    envKeys: ['envvar:SSH_HOST', 'envvar:SSH_USER', 'filesystem:SSH_PRIVATE_KEY'],
  },
  {
    name: 'k8s-prod-eu-west-1',
    type: 'application',
    subtype: 'kubernetes',
    inputKind: 'kubectl',
    reviewers: ['sre', 'platform'],
    envKeys: ['filesystem:KUBECONFIG'],
  },
  { name: 'k8s-staging', type: 'application', subtype: 'kubernetes', inputKind: 'kubectl', reviewers: ['platform'], envKeys: ['filesystem:KUBECONFIG'] },
  {
    name: 'bash-ops-runner',
    type: 'custom',
    subtype: '',
    inputKind: 'shell',
    reviewers: ['sre'],
    envKeys: ['envvar:AWS_REGION', 'envvar:AWS_ACCESS_KEY_ID', 'envvar:AWS_SECRET_ACCESS_KEY'],
  },
];

export const COMMANDS_BY_KIND: Readonly<Record<InputKind, readonly (readonly string[])[]>> = {
  'sql-postgres': [
    ['psql', '-v', 'ON_ERROR_STOP=1', '-A', '-P', 'pager=off'],
    ['psql', '-A', '-F\t', '-P', 'pager=off'],
  ],
  'sql-mysql': [
    ['mysql', '--batch', '--skip-column-names'],
    ['mysql', '-N', '-B'],
  ],
  mongo: [['mongosh', '--quiet', '--norc']],
  shell: [['bash'], ['/bin/sh', '-e'], ['bash', '--noprofile', '--norc']],
  kubectl: [['kubectl', 'exec', '-i', 'deploy/api', '--', 'sh'], ['bash']],
};

export const INPUTS_BY_KIND: Readonly<Record<InputKind, readonly string[]>> = {
  'sql-postgres': [
    "SELECT id, status, amount FROM invoices WHERE created_at > now() - interval '1 day';",
    'SELECT count(*) FROM users WHERE last_login_at IS NULL;',
    "UPDATE invoices SET status = 'void' WHERE id = 8813;",
    'EXPLAIN ANALYZE SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 1000;',
    "SELECT pid, state, query FROM pg_stat_activity WHERE state <> 'idle';",
    "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
  ],
  'sql-mysql': [
    'SELECT id, email FROM customers ORDER BY created_at DESC LIMIT 20;',
    'SHOW PROCESSLIST;',
    'UPDATE orders SET shipped = 1 WHERE id IN (4411, 4412);',
    'SELECT table_name, table_rows FROM information_schema.tables WHERE table_schema = DATABASE();',
  ],
  mongo: ['db.events.find({ type: "login_failed" }).sort({ ts: -1 }).limit(10)', 'db.events.countDocuments({ ts: { $gt: ISODate("2025-06-01") } })'],
  shell: [
    'df -h && free -m',
    'tail -n 200 /var/log/app/worker.log | grep -i error',
    'systemctl status nginx --no-pager',
    'sudo journalctl -u api --since "10 min ago" --no-pager | tail -n 50',
    'ls -la /srv/releases && readlink /srv/current',
  ],
  kubectl: [
    'kubectl get pods -n payments -o wide',
    'kubectl logs deploy/api -n payments --tail=100',
    'kubectl rollout restart deploy/worker -n payments',
    'kubectl describe node ip-10-0-3-17.eu-west-1.compute.internal',
  ],
};

export const OUTPUTS_BY_KIND: Readonly<Record<InputKind, readonly string[]>> = {
  'sql-postgres': ['id|status|amount\n8812|paid|129.90\n8813|open|42.00\n(2 rows)\n', 'count\n1742\n(1 row)\n', 'UPDATE 1\n', 'DELETE 3187\n'],
  'sql-mysql': ['4411\talice@example.com\n4412\tbruno.costa@example.com\n', 'Query OK, 2 rows affected\n'],
  mongo: ['[ { _id: ObjectId("665c1f0e"), type: "login_failed" } ]\n', '18233\n'],
  shell: [
    'Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   80G   41G   39G  52% /\n',
    '2025-06-02T14:01:12Z ERROR job 8812 timed out after 30s\n',
    '● nginx.service - A high performance web server\n   Active: active (running)\n',
  ],
  kubectl: [
    'NAME                      READY   STATUS    RESTARTS   AGE\napi-7c9f8d6b5-x2k4q       1/1     Running   0          3d\n',
    'deployment.apps/worker restarted\n',
  ],
};

export const FAILURES_BY_KIND: Readonly<Record<InputKind, readonly string[]>> = {
  'sql-postgres': ['ERROR:  permission denied for table invoices', 'ERROR:  canceling statement due to statement timeout'],
  'sql-mysql': ["ERROR 1142 (42000): UPDATE command denied to user 'hoop_ro'", 'ERROR 2013 (HY000): Lost connection to MySQL server during query'],
  mongo: ['MongoServerError: not authorized on events to execute command'],
  shell: ['bash: line 1: systemctl: command not found', 'tail: cannot open /var/log/app/worker.log: Permission denied'],
  kubectl: ['Error from server (Forbidden): pods is forbidden: User "hoop" cannot list resource "pods"'],
};

/** Names of variables users pass to exec sessions: names only, the contract forbids values. */
export const INPUT_ENV_KEYS = ['envvar:DRY_RUN', 'envvar:LIMIT', 'envvar:TICKET', 'envvar:REGION'] as const;

export const DBROLES_DATABASES = [
  {
    name: 'billing',
    engine: 'postgres',
    arn: 'arn:aws:rds:eu-west-1:123456789012:db:billing-prod',
    tags: [
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'billing' },
    ],
  },
  {
    name: 'orders',
    engine: 'mysql',
    arn: 'arn:aws:rds:eu-west-1:123456789012:db:orders-prod',
    tags: [
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'commerce' },
    ],
  },
  { name: 'analytics', engine: 'postgres', arn: 'arn:aws:rds:us-east-1:123456789012:cluster:analytics', tags: [{ key: 'env', value: 'prod' }] },
  {
    name: 'auth',
    engine: 'postgres',
    arn: 'arn:aws:rds:eu-west-1:210987654321:db:auth-staging',
    tags: [
      { key: 'env', value: 'staging' },
      { key: 'team', value: 'identity' },
    ],
  },
] as const;

export const DBROLES_ACCOUNT_ARNS = ['arn:aws:iam::123456789012:role/hoop-dbroles', 'arn:aws:iam::210987654321:role/hoop-dbroles'] as const;

export const DBROLES_USER_ROLES = ['hoop_ro', 'hoop_rw', 'hoop_ddl'] as const;

export const DBROLES_FAILURES = ['could not connect: timeout after 10s', 'permission denied to create role', 'secret manager: AccessDeniedException'] as const;

/** Printable filler for eventBytes: no character JSON would escape, so 1 char = 1 byte. */
export const PADDING_TEXT = ' -- padding to the benchmark event size: the quick brown fox jumps over the lazy dog;';

/** Gateway web app link on the Teams card, as the real gateway builds it. */
export const REVIEW_URL_BASE = 'https://gateway.example.com/reviews/';
