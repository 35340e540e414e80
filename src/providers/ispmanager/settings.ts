/**
 * Ispmanager (SSL) integration settings: "URL ispmanager", user name, password; and
 * certops' optional "Currency" of the balance. The data center is a module parameter (settings.ts),
 * not an integration setting.
 *
 * The account is a client login in the ispmanager billing (a BILLmanager). Two-factor authentication
 * on that account breaks the integration: the API cannot answer a second factor, so every call is
 * refused. Disable 2FA on it, or use a separate account without 2FA for the integration.
 */
import * as z from '../zod.js';
import { apiUrlSchema, requiredText, secretSchema } from '../settings.js';

/** The .com side of ispmanager's billing; the .ru side is https://api.ispmanager.com/billmgr. No default: BILLmanager asks for it. */
export const ISPMANAGER_EXAMPLE_URL = 'https://api-eu.ispmanager.com/billmgr';

export const ISPMANAGER_URL_HELP =
  `the address of the ispmanager billing you are a client of, e.g. ${ISPMANAGER_EXAMPLE_URL} (ispmanager.com) or https://api.ispmanager.com/billmgr (ispmanager.ru)`;
export const ISPMANAGER_ACCOUNT_HELP =
  'the user name and password of your client account in the ispmanager billing; two-factor authentication on that account breaks the integration (disable it or use another account)';

export const ISPMANAGER_CURRENCY_HELP = 'the ISO 4217 code of the account currency (e.g. RUB, EUR, USD), used when the billing does not name the currency of the balance';

/**
 * "Currency": a 3-letter ISO 4217 code, upper-cased; an empty field means none. The billing's whoami
 * may give a bare amount (providers-evidence.md item 6): this names its currency.
 */
const currencySchema = z.pipe(
  z.transform((value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)),
  z.optional(
    z.string({ error: 'the currency must be text' }).check(
      z.trim(),
      z.toUpperCase(),
      z.regex(/^[A-Z]{3}$/, 'the currency must be a 3-letter ISO 4217 code, e.g. RUB, EUR or USD'),
    ),
  ),
);

export const ispmanagerIntegrationSchema = z.object({
  /** "URL ispmanager": required, no default. A bare host is completed with /billmgr (wire.ts). */
  url: z.pipe(requiredText('the URL ispmanager'), apiUrlSchema),
  /** The login in the ispmanager client area. It travels as authinfo=<user>:<password>, so it cannot hold a colon. */
  username: requiredText('the user name').check(
    z.refine((name) => !name.includes(':'), 'the user name cannot contain ":" (the API separates it from the password with one)'),
  ),
  /** The account password; kept as typed. An account with 2FA switched on cannot be used. */
  password: secretSchema('the password'),
  /** The currency of the balance where the billing does not name it. */
  currency: currencySchema,
});
export type IspmanagerIntegration = z.infer<typeof ispmanagerIntegrationSchema>;
