/** ENOM integration settings: API URL, username, password. */
import * as z from '../zod.js';
import { apiUrlSchema, requiredText, secretSchema } from '../settings.js';

export const ENOM_API_URL = 'https://reseller.enom.com/interface.asp';
/** eNom's test environment, for reference in help texts. */
export const ENOM_TEST_API_URL = 'https://resellertest.enom.com/interface.asp';

export const enomIntegrationSchema = z.object({
  apiUrl: z._default(apiUrlSchema, ENOM_API_URL),
  username: requiredText('the username'),
  /** The account password or an eNom API token (eNom accepts either as pw). */
  password: secretSchema('the password'),
});
export type EnomIntegration = z.infer<typeof enomIntegrationSchema>;
