import { z } from 'zod';
import { email, optionalText, password, text } from '../../platform/http.js';

const activeFilter = z.enum(['true', 'false', 'all']).default('all');
const paging = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name like example.com')
  .nullable()
  .optional()
  .or(z.literal('').transform(() => null));

export const accountSchema = z.object({
  id: z.number(),
  name: z.string(),
  tier: z.string(),
  domain: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type AccountDto = z.infer<typeof accountSchema>;
export const createAccountBody = z.strictObject({ name: text(200), tier: text(40).optional(), domain, active: z.boolean().optional() });
export const updateAccountBody = z.strictObject({ name: text(200).optional(), tier: text(40).optional(), domain, active: z.boolean().optional() });
export const accountListQuery = z.strictObject({ q: z.string().trim().max(200).optional(), active: activeFilter, ...paging });

export const contactSchema = z.object({
  id: z.number(),
  accountId: z.number(),
  accountName: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  portalAccess: z.boolean(),
  hasPassword: z.boolean(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type ContactDto = z.infer<typeof contactSchema>;
const phone = optionalText(50).refine((v) => v == null || /^[0-9+()./\s-]{3,50}$/.test(v), 'must be a phone number');
const id = z.number().int().positive();
export const createContactBody = z.strictObject({
  accountId: id,
  name: text(200),
  email,
  phone,
  portalAccess: z.boolean().default(false),
  password: password.optional(),
  active: z.boolean().optional(),
});
export const updateContactBody = z.strictObject({
  accountId: id.optional(),
  name: text(200).optional(),
  email: email.optional(),
  phone,
  portalAccess: z.boolean().optional(),
  password: password.optional(),
  active: z.boolean().optional(),
});
export const contactListQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  accountId: z.coerce.number().int().positive().optional(),
  active: activeFilter,
  ...paging,
});

export const assetSchema = z.object({
  id: z.number(),
  accountId: z.number(),
  accountName: z.string(),
  name: z.string(),
  serialNumber: z.string().nullable(),
  product: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type AssetDto = z.infer<typeof assetSchema>;
export const createAssetBody = z.strictObject({
  accountId: id,
  name: text(200),
  serialNumber: optionalText(200),
  product: optionalText(200),
  active: z.boolean().optional(),
});
export const updateAssetBody = z.strictObject({
  accountId: id.optional(),
  name: text(200).optional(),
  serialNumber: optionalText(200),
  product: optionalText(200),
  active: z.boolean().optional(),
});
export const assetListQuery = contactListQuery;
