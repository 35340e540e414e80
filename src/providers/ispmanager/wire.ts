/**
 * The ispmanager billing's API (a BILLmanager, providers.md §4): what the client and the sandbox
 * must agree on.
 *
 * Confirmed: `{url}?func=<function>&out=json&…`, GET or a POST form; `authinfo=<user>:<password>` on
 * every call; JSON as `{"doc": {…}}` with element text under "$", attributes as "$name" keys, lists
 * in `doc.elem` and the `doc.p_elems` marker; errors as `doc.error` with the text in
 * `doc.error.msg.$`, answered with HTTP 200; `func=whoami`; `func=certificate` and its columns id,
 * CN, pricelist, createdate, expiredate, status_msg, item_status, cost; `func=certificate.reissue`.
 *
 * ASSUMPTIONS (one function or constant each, so one edit fixes each): the error attributes' spelling
 * and what each error type means; the paging parameters; the date and amount formats; the balance
 * function; the product names behind DV/OV/EV and multi-domain; the `altname` column; the
 * item_status codes; the reissue parameters; the `lang` parameter; the path of a bare host.
 */
import { dayFromParts, formatDay, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import { ProviderError, type Balance, type CertificateRecord, type CertificateStatus, type FailureCause, type ReissueSupport } from '../types.js';

// ---------------------------------------------------------------------------------------------
// Requests

/** The output format asked for on every call (confirmed: `out=json` gives `{"doc": …}`). */
export const ISP_OUTPUT = 'json';

/** ASSUMPTION: `lang=en` makes the billing answer its messages in English (BILLmanager's `$lang`). */
export const ISP_LANGUAGE = 'en';

/** Per-request authentication (confirmed): the user name and the password joined by one colon. */
export function ispAuthinfo(username: string, password: string): string {
  return `${username}:${password}`;
}

/** How the billing reads authinfo: split at the first colon, so the password may hold colons and the user name cannot. */
export function splitIspAuthinfo(value: string): { username: string; password: string } | null {
  const colon = value.indexOf(':');
  return colon < 0 ? null : { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/**
 * ASSUMPTION: an address without a path ("https://api-eu.ispmanager.com", as the ispmanager docs
 * name the billing) means the billing's API under /billmgr; any other path is used as given.
 */
export function ispEndpoint(address: string): URL {
  const url = new URL(address);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/billmgr';
  return url;
}

// ---------------------------------------------------------------------------------------------
// The JSON document

export type IspNode = Record<string, unknown>;

const isNode = (value: unknown): value is IspNode => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The body of a `{"doc": {…}}` answer; anything else is an unexpected response. */
export function parseIspDocument(body: string, what: string): IspNode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // The parser's own message quotes the body, so it is left out.
    const start = body.trimStart().slice(0, 1);
    const kind = start === '<' ? 'HTML or XML, not JSON' : 'not valid JSON';
    throw new ProviderError('unexpected-response', `${what}: the answer (${Buffer.byteLength(body)} bytes) is ${kind}`);
  }
  const doc = isNode(parsed) ? parsed.doc : undefined;
  if (!isNode(doc)) throw new ProviderError('unexpected-response', `${what}: the answer has no "doc" object`);
  return doc;
}

/** An element's text: `{"$": "value"}`, or a bare string or number. Null when absent. */
export function ispText(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (isNode(node)) return '$' in node ? ispText(node.$) : null;
  return null;
}

/** A child element's text (`elem.CN.$`). */
export function ispField(node: unknown, name: string): string | null {
  return isNode(node) ? ispText(node[name]) : null;
}

/** An attribute (`user.$balance`). */
export function ispAttribute(node: unknown, name: string): string | null {
  return isNode(node) ? ispText(node[`$${name}`]) : null;
}

/** A repeated element: an array, or one object where the converter did not make an array of one. */
export function ispList(node: unknown): IspNode[] {
  if (Array.isArray(node)) return node.filter(isNode);
  return isNode(node) ? [node] : [];
}

/** A field value as BILLmanager sends it. */
export const ispValue = (value: string): { $: string } => ({ $: value });

// ---------------------------------------------------------------------------------------------
// Errors

export interface IspError {
  readonly type: string;
  readonly object: string;
  readonly message: string;
}

/**
 * `doc.error` (confirmed), its text in `msg.$` (confirmed). ASSUMPTION: the XML attributes type and
 * object arrive as "$type" and "$object", by the attribute convention.
 */
export function ispError(doc: IspNode): IspError | null {
  const error = doc.error;
  if (error === undefined || error === null) return null;
  return {
    type: ispAttribute(error, 'type') ?? '',
    object: ispAttribute(error, 'object') ?? '',
    message: (ispField(error, 'msg') ?? ispText(error) ?? '').trim(),
  };
}

/** The error body in BILLmanager's shape (the sandbox answers with it). */
export function ispErrorDocument(error: IspError): IspNode {
  return { error: { $type: error.type, $object: error.object, $lang: ISP_LANGUAGE, msg: ispValue(error.message) } };
}

/**
 * ASSUMPTION: what the error types mean (none is documented for a client login). `auth` or
 * `invalid_login_or_passwd` is a rejected login; any of them about a locked or disabled account is
 * a locked account, and about the IP address (object `ip`, or the text) the billing's authinfo
 * allow-list; any other `access` error, and every other type, is the provider's own.
 */
export function ispmanagerFailureCause(error: IspError): FailureCause {
  const type = error.type.toLowerCase();
  const object = error.object.toLowerCase();
  if (type !== 'auth' && type !== 'access' && type !== 'invalid_login_or_passwd') return 'provider-error';
  if (/^(locked|disabled|blocked|suspended)$/.test(object) || /\b(locked|disabled|blocked|suspended)\b/i.test(error.message)) return 'account-locked';
  if (object === 'ip' || /\bip\b|ip address/i.test(error.message)) return 'ip-not-allowed';
  // Any other refusal of access (a function this login may not call) is not a login problem.
  return type === 'access' ? 'provider-error' : 'credentials';
}

/** The errors the sandbox plays for the account checks (texts invented, shapes per providers.md §4.5). */
export const ISP_BAD_CREDENTIALS: IspError = { type: 'auth', object: 'badpassword', message: 'Invalid username or password' };
export const ISP_IP_NOT_ALLOWED: IspError = { type: 'access', object: 'ip', message: 'Access from this IP address is denied' };
export const ISP_ACCOUNT_LOCKED: IspError = { type: 'auth', object: 'locked', message: 'Account is locked' };

// ---------------------------------------------------------------------------------------------
// Paging

/** Rows asked for per page of `func=certificate`. */
export const ISP_PAGE_SIZE = 100;

/** ASSUMPTION: lists page with `p_num` (1-based page) and `p_cnt` (rows per page), as the list screens do. */
export function ispPageParams(page: number, rows: number): Record<string, string> {
  return { p_num: String(page), p_cnt: String(rows) };
}

/** ASSUMPTION: `doc.p_elems.$` is the number of rows in the whole list, not on the page. Null when absent. */
export function ispTotal(doc: IspNode): number | null {
  const text = ispText(doc.p_elems);
  const total = text === null ? NaN : Number(text.trim());
  return Number.isInteger(total) && total >= 0 ? total : null;
}

// ---------------------------------------------------------------------------------------------
// Dates and amounts

/**
 * ASSUMPTION: dates are `YYYY-MM-DD`, possibly followed by a time; the `DD.MM.YYYY` of a Russian
 * interface is read too. Empty values and BILLmanager's "0000-00-00" give null.
 */
export function parseIspDate(text: string | null): string | null {
  const value = (text ?? '').trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/.exec(value);
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?$/.exec(value);
  const parts = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : null;
  if (!parts) return null;
  const result = dayFromParts(Number(parts[0]), Number(parts[1]), Number(parts[2]));
  return result === null ? null : formatDay(result);
}

export function formatIspDate(value: Day): string {
  return formatDay(value);
}

const CURRENCY_SIGNS: Readonly<Record<string, string>> = { '₽': 'RUB', 'руб': 'RUB', 'руб.': 'RUB', 'р.': 'RUB', $: 'USD', '€': 'EUR', '£': 'GBP', '₸': 'KZT', '₴': 'UAH' };

/** An ISO 4217 code from a code ("rub", "RUB") or a sign ("₽"); null otherwise. */
export function ispCurrency(text: string | null): string | null {
  const value = (text ?? '').trim();
  if (/^[A-Za-z]{3}$/.test(value)) return value.toUpperCase();
  return CURRENCY_SIGNS[value.toLowerCase()] ?? null;
}

const CURRENCY_TOKEN = String.raw`[A-Za-z]{3}|₽|руб\.?|р\.|\$|€|£|₸|₴`;
const AMOUNT = new RegExp(String.raw`^(-)?\s*(${CURRENCY_TOKEN})?\s*(-)?\s*(\d(?:[\d\s.,']*\d)?)\s*(${CURRENCY_TOKEN})?$`, 'u');

/**
 * ASSUMPTION: amounts come as "1500.00", "1500.00 RUB", "-1832.23", "1 500,00 ₽" or "$1,500.00".
 * Spaces and apostrophes group thousands; when both "." and "," occur, the last one is the decimal
 * separator; a lone "," is decimal unless exactly three digits follow it. Null for anything else.
 */
export function parseIspAmount(text: string | null): { amount: number; currency: string | null } | null {
  const match = AMOUNT.exec((text ?? '').replace(/[\u00a0\u202f]/g, ' ').trim());
  if (!match) return null;
  const [, signBefore, currencyBefore, signAfter, digits = '', currencyAfter] = match;
  if (signBefore && signAfter) return null;
  if (currencyBefore && currencyAfter) return null;
  let number = digits.replace(/[\s']/g, '');
  const lastDot = number.lastIndexOf('.');
  const lastComma = number.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const grouping = decimal === '.' ? ',' : '.';
    number = number.split(grouping).join('').replace(decimal, '.');
  } else if (lastComma >= 0) {
    const commas = number.split(',').length - 1;
    number = commas === 1 && number.length - lastComma - 1 !== 3 ? number.replace(',', '.') : number.split(',').join('');
  } else if (number.split('.').length > 2) {
    number = number.split('.').join('');
  }
  if (!/^\d+(\.\d+)?$/.test(number)) return null;
  const amount = Number(number) * (signBefore || signAfter ? -1 : 1);
  return { amount: Object.is(amount, -0) ? 0 : amount, currency: ispCurrency(currencyBefore ?? currencyAfter ?? null) };
}

export function formatIspAmount(amount: number): string {
  return amount.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Balance

/** Personal accounts: the first one whose balance and currency can be read. */
function balanceFromSubaccounts(doc: IspNode): Balance | null {
  for (const elem of ispList(doc.elem)) {
    const amount = parseIspAmount(ispField(elem, 'balance'));
    const currency = ispCurrency(ispField(elem, 'currency')) ?? amount?.currency ?? null;
    if (amount && currency) return { amount: amount.amount, currency };
  }
  return null;
}

/** The user element of whoami: `doc.user.$balance` (seen on a production BILLmanager), its currency in the amount or `$currency`. */
function balanceFromWhoami(doc: IspNode): Balance | null {
  const amount = parseIspAmount(ispAttribute(doc.user, 'balance'));
  const currency = ispCurrency(ispAttribute(doc.user, 'currency')) ?? amount?.currency ?? null;
  return amount && currency ? { amount: amount.amount, currency } : null;
}

/**
 * ASSUMPTION: a client reads its balance from its personal accounts, `func=subaccount` → `doc.elem[]`
 * with `balance` and `currency`; when that function is refused or gives no readable balance, from
 * `func=whoami` → `doc.user.$balance`. Tried in this order.
 */
export const ISP_BALANCE_SOURCES: readonly { readonly func: string; read(doc: IspNode): Balance | null }[] = [
  { func: 'subaccount', read: balanceFromSubaccounts },
  { func: 'whoami', read: balanceFromWhoami },
];

// ---------------------------------------------------------------------------------------------
// Certificates

/** The list of the account's certificates (confirmed). */
export const ISP_LIST_FUNCTION = 'certificate';

/** ASSUMPTION: the validation type from the tariff (pricelist) name. */
export function ispValidation(product: string): ValidationType | null {
  if (/extendedssl|\bEV\b|extended validation/i.test(product)) return 'ev';
  if (/organizationssl|instantssl|\bOV\b|organi[sz]ation validation|premium ?ssl|business ?id/i.test(product)) return 'ov';
  if (/alphassl|domainssl|rapidssl|positivessl|essentialssl|quickssl|\bDV\b|domain validation/i.test(product)) return 'dv';
  return null;
}

/** ASSUMPTION: the `altname` column holds the extra names of a multi-domain certificate, space-separated (as ordered). */
export function ispAltNames(altname: string | null): string[] {
  return (altname ?? '')
    .split(/[\s,;]+/)
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}

/** ASSUMPTION: a certificate is multi-domain when its tariff name says so or it carries extra names in `altname`. */
export function ispMultiDomain(product: string, altNames: readonly string[]): boolean {
  return altNames.length > 0 || /multi-?domain|\bSAN\b|\bUCC\b|\bMDC\b|unified communications/i.test(product);
}

/**
 * ASSUMPTION: the item_status codes of BILLmanager services. A certificate whose end date has
 * passed is expired while its service is active or suspended; a deleted one stays cancelled.
 */
export const ISP_ITEM_STATUS: Readonly<Record<string, { readonly label: string; readonly status: CertificateStatus | 'suspended' }>> = {
  '1': { label: 'ordered', status: 'pending' },
  '2': { label: 'active', status: 'issued' },
  '3': { label: 'suspended', status: 'suspended' },
  '4': { label: 'deleted', status: 'cancelled' },
  '5': { label: 'processing', status: 'pending' },
};

/** certops' status from item_status and expiredate; `today` is `YYYY-MM-DD` by the provider's clock. */
export function ispStatus(itemStatus: string | null, expireDate: string | null, today: string): CertificateStatus {
  const known = ISP_ITEM_STATUS[(itemStatus ?? '').trim()];
  if (!known) return 'unknown';
  const ended = expireDate !== null && expireDate <= today;
  if (known.status === 'issued' || known.status === 'suspended') return ended ? 'expired' : known.status === 'issued' ? 'issued' : 'unknown';
  return known.status;
}

// ---------------------------------------------------------------------------------------------
// Reissue

/** The reissue function (confirmed for a client login). */
export const ISP_REISSUE_FUNCTION = 'certificate.reissue';

/** ASSUMPTION: the reissue form takes the certificate as elid, a pasted CSR as crt_type=csr and csr, and runs with sok=ok. */
export function ispReissueParams(certificateId: string, csr: string): Record<string, string> {
  return { elid: certificateId, sok: 'ok', crt_type: 'csr', csr };
}

/** Only a certificate that has been issued can be reissued; the billing refuses the others. */
export function ispReissuable(status: CertificateStatus): boolean {
  return status === 'issued';
}

/**
 * ASSUMPTION: the list carries the service's paid period in months in a `period` column ("12",
 * "24 months"), as certificate.order takes `period=12|24`; the documented columns have no paid term,
 * and without one no reissue within a subscription can be planned.
 */
export function ispTermMonths(text: string | null): number | null {
  const match = /^\s*(\d{1,3})\b/.exec(text ?? '');
  const months = match ? Number(match[1]) : NaN;
  return Number.isInteger(months) && months > 0 ? months : null;
}

export function ispmanagerReissueSupport(certificate: CertificateRecord): ReissueSupport {
  return ispReissuable(certificate.status)
    ? { supported: true }
    : { supported: false, reason: `the ispmanager billing reissues only issued certificates; this one is ${certificate.status} (${certificate.providerStatus || 'no status'})` };
}
