import { z } from 'zod';

/**
 * A zod schema as an OpenAPI 3.0 schema object, for @ApiBody / @ApiOkResponse: what /docs
 * shows is generated from the schema the code validates or answers with. `input` describes
 * a request body (before defaults and transforms), `output` an answer.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
  return rest;
}
