/** Where the producer listens unless PORT says otherwise (npm start and the CLI count on it). */
export const DEFAULT_PORT = 8081;
