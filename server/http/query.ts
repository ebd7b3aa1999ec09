import { z } from 'zod';
import { Code, Instant } from '../../shared/schemas';
import { parseOrThrow } from '../errors';

const ms = Instant.transform((s) => Date.parse(s));

export const OutageQuerySchema = z.strictObject({
  meeting: Code.optional(),
  point: Code.optional(),
  from: ms.optional(),
  to: ms.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const SampleQuerySchema = z.strictObject({
  from: ms.optional(),
  to: ms.optional(),
});

export const GapQuerySchema = SampleQuerySchema;

/** Query strings repeat keys as arrays; a repeated key is a caller mistake, reported as such. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  return parseOrThrow(schema, query, ['query']);
}
