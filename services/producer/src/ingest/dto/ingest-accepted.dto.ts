/** 202 answer: every event is on Kafka (acknowledged, acks=all), in request order. */
export interface IngestAcceptedDto {
  readonly accepted: number;
  /** The event ids (ce_id): the gateway's own when it sent one, otherwise a UUIDv7. */
  readonly ids: readonly string[];
}
