/** The stored form of a CertificateRecord (providers/types.ts), validated when the inventory is read. */
import * as z from '../providers/zod.js';

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

export const CertificateRecordSchema = z.object({
  id: z.string(),
  mainDomain: z.string(),
  otherNames: z.nullable(z.array(z.string())),
  validation: z.nullable(z.enum(['dv', 'ov', 'ev'])),
  multiDomain: z.boolean(),
  orderDate: z.nullable(day),
  validFrom: z.nullable(day),
  validTo: z.nullable(day),
  termMonths: z.nullable(z.int().check(z.positive())),
  status: z.enum(['issued', 'pending', 'expired', 'cancelled', 'revoked', 'unknown']),
  providerStatus: z.string(),
  product: z.nullable(z.string()),
  pendingReissue: z.optional(z.nullable(z.string())),
});
