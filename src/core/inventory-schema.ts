/** The stored form of a CertificateRecord (providers/types.ts), validated when the inventory is read. */
import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const CertificateRecordSchema = z.object({
  id: z.string(),
  mainDomain: z.string(),
  otherNames: z.array(z.string()).nullable(),
  validation: z.enum(['dv', 'ov', 'ev']).nullable(),
  multiDomain: z.boolean(),
  orderDate: day.nullable(),
  validFrom: day.nullable(),
  validTo: day.nullable(),
  termMonths: z.number().int().positive().nullable(),
  status: z.enum(['issued', 'pending', 'expired', 'cancelled', 'revoked', 'unknown']),
  providerStatus: z.string(),
  product: z.string().nullable(),
});
