import { HttpException } from '@nestjs/common';

export interface ApiErrorDetail {
  readonly field: string;
  readonly message: string;
}

/**
 * An error answered as `{ error, message, details? }` with its status and headers.
 * Messages name the problem and never quote a secret or a whole payload.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ApiErrorDetail[] | undefined = undefined,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, status);
  }

  toBody(): { error: string; message: string; details?: readonly ApiErrorDetail[] } {
    return { error: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}
