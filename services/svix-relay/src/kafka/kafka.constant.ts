/** Injection token of the shared kafkajs client. */
export const KAFKA_CLIENT = Symbol('hookline:svix-relay:kafka-client');
