// Limits and names of the hook-executor, in one place.

export const SERVICE_NAME = 'hook-executor';

/** Where the hook-executor listens unless PORT says otherwise. */
export const DEFAULT_PORT = 8082;

/** Operator variables `HOOK_ENV_<NAME>=v` reach hooks as `<NAME>=v`. */
export const HOOK_ENV_PREFIX = 'HOOK_ENV_';

/** Variable names a hook environment may carry (POSIX portable names). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The payload variables: the runbooks documentation's contract with hook authors. */
export const PAYLOAD_ENV = {
  payload: 'HOOP_RUNBOOK_HOOK_PAYLOAD',
  payloadFile: 'HOOP_RUNBOOK_HOOK_PAYLOAD_FILE',
  /** "1" when input/output were cut in HOOP_RUNBOOK_HOOK_PAYLOAD (the file is whole), else "0". */
  payloadTruncated: 'HOOP_RUNBOOK_HOOK_PAYLOAD_TRUNCATED',
} as const;

/** Names the executor sets itself; an operator's HOOK_ENV_<NAME> may not replace them. */
export const RESERVED_HOOK_ENV_NAMES: readonly string[] = ['PATH', 'HOME', 'LANG', 'TMPDIR', ...Object.values(PAYLOAD_ENV)];

/** Largest hook output cap: two capped streams (JSON-escaped) must fit one Kafka record. */
export const MAX_OUTPUT_CAP_BYTES = 512 * 1024;

/** Hook files bigger than this are refused (a runbook is a script, not a payload). */
export const MAX_HOOK_FILE_BYTES = 1024 * 1024;

/**
 * HOOP_RUNBOOK_HOOK_PAYLOAD stays under this many bytes: Linux refuses any single
 * environment string over 128 KiB (MAX_ARG_STRLEN), and the whole environment shares
 * the argv space. The payload file always has everything.
 */
export const PAYLOAD_ENV_MAX_BYTES = 64 * 1024;

/** What a cut text field keeps at most in the variable, before the whole is fitted. */
export const PAYLOAD_TEXT_FIELD_MAX_BYTES = 32 * 1024;

/** Appended to a text field cut in the variable, so a reader of the value sees it. */
export const TRUNCATION_MARK = '…[truncated]';

/** PATH for hooks (and git) when the service itself has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_LANG = 'C.UTF-8';
