import { z } from 'zod';
import { email, password, roleSchema, staffRoleSchema, text } from '../../platform/http.js';

export const userSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  roles: z.array(staffRoleSchema),
  active: z.boolean(),
  hasPassword: z.boolean(),
  /** Set while signing in is locked after too many failed attempts. */
  lockedUntil: z.string().nullable(),
  groupIds: z.array(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type UserDto = z.infer<typeof userSchema>;

export const createUserBody = z.strictObject({
  email,
  name: text(200),
  roles: z.array(staffRoleSchema).min(1, 'a user needs at least one role'),
  password: password.optional(),
  active: z.boolean().optional(),
});
export const updateUserBody = z.strictObject({
  email: email.optional(),
  name: text(200).optional(),
  roles: z.array(staffRoleSchema).min(1, 'a user needs at least one role').optional(),
  password: password.optional(),
  active: z.boolean().optional(),
});
export const userListQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  role: staffRoleSchema.optional(),
  active: z.enum(['true', 'false', 'all']).default('all'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const groupSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  memberIds: z.array(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type GroupDto = z.infer<typeof groupSchema>;

const memberIds = z.array(z.number().int().positive()).max(1000);
export const createGroupBody = z.strictObject({
  name: text(200),
  description: z.string().trim().max(2000).optional(),
  memberIds: memberIds.optional(),
  active: z.boolean().optional(),
});
export const updateGroupBody = z.strictObject({
  name: text(200).optional(),
  description: z.string().trim().max(2000).optional(),
  memberIds: memberIds.optional(),
  active: z.boolean().optional(),
});
export const groupListQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  active: z.enum(['true', 'false', 'all']).default('all'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const loginBody = z.strictObject({
  // Checked again after lower-casing: some letters grow (İ → i̇), and the email is stored for the lockout.
  email: z.string().trim().min(1, 'must not be empty').max(320).transform((v) => v.toLowerCase()).pipe(z.string().max(320, 'must be at most 320 characters')),
  password: z.string().min(1, 'must not be empty').max(200),
  /** true: sign in a portal contact; false/absent: a staff user (falls back to a contact). */
  portal: z.boolean().optional(),
});

export const meSchema = z.object({
  type: z.enum(['user', 'contact']),
  id: z.number(),
  email: z.string(),
  name: z.string(),
  roles: z.array(roleSchema),
  accountId: z.number().nullable(),
});

export const tokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const createdTokenSchema = tokenSchema.extend({ token: z.string() });
export const createTokenBody = z.strictObject({ name: text(200) });
