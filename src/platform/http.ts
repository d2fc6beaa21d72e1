import { z } from 'zod';
import { ROLES, STAFF_ROLES } from './access.js';

// Schemas shared by every module's routes.

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Standard error responses a route can give, for the OpenAPI document. */
export const errors = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  412: errorSchema,
  422: errorSchema,
  429: errorSchema,
};

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const idParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const roleSchema = z.enum(ROLES);
export const staffRoleSchema = z.enum(STAFF_ROLES);

/** A trimmed, non-empty single-line text of at most max characters. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();
export const email = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email('must be an email address'))
  .transform((v) => v.toLowerCase());
export const password = z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters');
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
