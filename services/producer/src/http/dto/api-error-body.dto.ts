/** One problem with one event of a request: `index` in the batch, `path` in the event. */
export interface ApiErrorDetail {
  readonly index?: number;
  readonly path: string;
  readonly message: string;
}

/** Every error the producer answers has this shape. */
export interface ApiErrorBody {
  /** Stable, machine-readable code, e.g. `validation_failed`, `kafka_unavailable`. */
  readonly error: string;
  /** What went wrong and what to do, for a person. */
  readonly message: string;
  readonly details?: readonly ApiErrorDetail[];
}
