import { HttpException } from '@nestjs/common';

/** One problem with a request: where (`path`: a field, a query parameter; `index`: which event of a batch) and what. */
export interface ApiErrorDetail {
  readonly index?: number;
  readonly path: string;
  readonly message: string;
}

/** Every error a hookline service answers has this shape (plus `extra` fields some errors name). */
export interface ApiErrorBody {
  /** Stable, machine-readable code, e.g. `validation_failed`, `kafka_unavailable`. */
  readonly error: string;
  /** What went wrong and what to do, for a person; never a secret or a whole payload. */
  readonly message: string;
  readonly details?: readonly ApiErrorDetail[];
  readonly [extra: string]: unknown;
}

export interface ApiErrorOptions {
  readonly details?: readonly ApiErrorDetail[];
  readonly headers?: Readonly<Record<string, string>>;
  /** More fields of the body, e.g. the upstream's status (`svix_status`). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** An error answered as `{ error, message, details? }` with its status and headers (by ApiExceptionFilter). */
export class ApiError extends HttpException {
  readonly details: readonly ApiErrorDetail[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    status: number,
    readonly code: string,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, status);
    this.details = options.details;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  toBody(): ApiErrorBody {
    return { error: this.code, message: this.message, ...this.extra, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}
