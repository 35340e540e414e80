/** LeaderTelecom integration settings: username, password, API URL (blank means the default). */
import * as z from '../zod.js';
import { apiUrlSchema, requiredText, secretSchema } from '../settings.js';

/** BILLmanager's documentation: "You can leave the field blank. The billing platform will apply https://api.leaderssl.com/api/v1". */
export const LEADERSSL_API_URL = 'https://api.leaderssl.com/api/v1';

/**
 * Where the wizard's "Add New Client" option sends a reseller who has no LeaderSSL account yet.
 * ASSUMPTION: the LeaderSSL home page; no registration address is given in BILLmanager's documentation or the reference.
 */
export const LEADERSSL_SIGNUP_URL = 'https://www.leaderssl.com/';

/** A missing, null or blank API URL is the default one, as in BILLmanager. */
const blankToDefault = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? LEADERSSL_API_URL : value;

export const leadertelecomIntegrationSchema = z.object({
  /** The LeaderSSL login (the account's e-mail address). */
  username: requiredText('the username'),
  password: secretSchema('the password'),
  apiUrl: z.pipe(z.transform(blankToDefault), apiUrlSchema),
});
export type LeadertelecomIntegration = z.infer<typeof leadertelecomIntegrationSchema>;
