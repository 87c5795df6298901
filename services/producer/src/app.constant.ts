export const SERVICE_NAME = 'producer';
