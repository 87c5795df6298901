import { HttpException } from '@nestjs/common';

export interface ApiErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** An error answered as `{ error, message, details? }` with its status. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly ApiErrorDetail[],
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, status);
  }

  toBody(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.extra, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}
