/**
 * The ispmanager billing's API (a BILLmanager, providers.md §4): what the client and the sandbox
 * must agree on.
 *
 * Confirmed: `{url}?func=<function>&out=json&…`, GET or a POST form; `authinfo=<user>:<password>` on
 * every call; JSON as `{"doc": {…}}` with element text under "$", attributes as "$name" keys, lists
 * in `doc.elem` and the `doc.p_elems` marker; errors as `doc.error` with the text in
 * `doc.error.msg.$` (with any HTTP status: the body is read first); `func=whoami`, whose
 * `doc.user.$balance` may be a bare amount; `func=certificate` and its columns id, CN, pricelist,
 * createdate, expiredate, status_msg, item_status, cost; `func=certificate.reissue`; a certificate's
 * own status codes (3 requested, 4 enrolled, 5 issued, 6 failed), apart from its service's.
 *
 * ASSUMPTIONS (one function or constant each, so one edit fixes each): the error attributes' spelling
 * and what each error type means; the paging parameters; the date and amount formats; the balance
 * function; the product names behind DV/OV/EV and multi-domain; the `altname` column; the
 * item_status codes; the reissue parameters; the `lang` parameter; the path of a bare host; the
 * column of the certificate status; the function and fields that give a certificate's state, its
 * validation data and the issued certificate.
 */
import { dayFromParts, formatDay, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import { ProviderError, type CertificateRecord, type CertificateStatus, type FailureCause, type OrderStage, type ReissueSupport, type ValidationNeeds } from '../types.js';

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

/**
 * A balance as the billing gives it: the amount, and its currency where the answer names one. The
 * one public client of whoami reads `$balance` as a bare number (providers-evidence.md item 6), so a
 * missing currency is normal, never a reason to fail the balance.
 */
export interface IspBalanceReading {
  readonly amount: number;
  readonly currency: string | null;
}

/** Personal accounts: the first one whose balance and currency can be read, else the first readable amount. */
function balanceFromSubaccounts(doc: IspNode): IspBalanceReading | null {
  let bare: IspBalanceReading | null = null;
  for (const elem of ispList(doc.elem)) {
    const amount = parseIspAmount(ispField(elem, 'balance'));
    if (!amount) continue;
    const currency = ispCurrency(ispField(elem, 'currency')) ?? amount.currency;
    if (currency) return { amount: amount.amount, currency };
    bare ??= { amount: amount.amount, currency: null };
  }
  return bare;
}

/** The user element of whoami: `doc.user.$balance` (seen on a production BILLmanager, bare), its currency in the amount or `$currency`. */
function balanceFromWhoami(doc: IspNode): IspBalanceReading | null {
  const amount = parseIspAmount(ispAttribute(doc.user, 'balance'));
  if (!amount) return null;
  return { amount: amount.amount, currency: ispCurrency(ispAttribute(doc.user, 'currency')) ?? amount.currency };
}

/**
 * ASSUMPTION: a client reads its balance from its personal accounts, `func=subaccount` → `doc.elem[]`
 * with `balance` and `currency`; when that function is refused or gives no readable balance, from
 * `func=whoami` → `doc.user.$balance`. Tried in this order.
 */
export const ISP_BALANCE_SOURCES: readonly { readonly func: string; read(doc: IspNode): IspBalanceReading | null }[] = [
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

/** A certificate's own status (confirmed: ISPsystemLLC/billmanager, processing/certificate/sslstore/sslutil.h). */
export type IspCertificateStatus = 'requested' | 'enrolled' | 'issued' | 'failed';

/** The codes of sslutil.h's CertificateStatus that BILLmanager 5 uses (1 and 2 are unused there). */
export const ISP_CERTIFICATE_STATUS_CODES: Readonly<Record<string, IspCertificateStatus>> = {
  '3': 'requested',
  '4': 'enrolled',
  '5': 'issued',
  '6': 'failed',
};

/**
 * ASSUMPTION: the certificate list and the certificate's form carry its own status in a
 * `service_status` column. BILLmanager keeps it in the service parameter of that name (SERVICE_STATUS
 * in the certificate modules' defines.h, set through SetServiceStatus); that a client's list shows it
 * under that name is unconfirmed.
 */
export const ISP_CERTIFICATE_STATUS_FIELD = 'service_status';

export function ispCertificateStatus(text: string | null): IspCertificateStatus | null {
  return ISP_CERTIFICATE_STATUS_CODES[(text ?? '').trim()] ?? null;
}

export function ispCertificateStatusCode(status: IspCertificateStatus): string {
  return Object.entries(ISP_CERTIFICATE_STATUS_CODES).find(([, value]) => value === status)?.[0] as string;
}

/**
 * certops' status of a listed certificate and whether a reissue is under way. An active service
 * whose certificate is requested or enrolled is being reissued while the certificate in force
 * (its end date) still serves; with no end date at all it is a new order not issued yet. A failed
 * certificate status on an active service is a failed reissue: the certificate in force stays.
 */
export function ispCertificateView(
  itemStatus: string | null,
  certificateStatus: IspCertificateStatus | null,
  expireDate: string | null,
  today: string,
): { readonly status: CertificateStatus; readonly reissueUnderWay: boolean } {
  const waiting = certificateStatus === 'requested' || certificateStatus === 'enrolled';
  const active = ISP_ITEM_STATUS[(itemStatus ?? '').trim()]?.label === 'active';
  if (active && waiting && expireDate === null) return { status: 'pending', reissueUnderWay: false };
  return { status: ispStatus(itemStatus, expireDate, today), reissueUnderWay: active && waiting };
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
  if (!ispReissuable(certificate.status)) {
    return { supported: false, reason: `Ispmanager (SSL) reissues only issued certificates; this one is ${certificate.status} (${certificate.providerStatus || 'no status'})` };
  }
  // The billing keeps one request per certificate: a second one would be refused until the first ends.
  if (certificate.pendingReissue != null) {
    return { supported: false, reason: `a reissue of this certificate is already under way at Ispmanager (SSL) (${certificate.providerStatus || 'no status'})` };
  }
  return { supported: true };
}

// ---------------------------------------------------------------------------------------------
// Where a reissue stands

/**
 * ASSUMPTION: a certificate's state, the data to confirm it ("Receive data to confirm SSL
 * certificate" in ispmanager's API list) and, once issued, the certificate itself are read from the
 * certificate's form, `func=certificate.edit&elid=<id>` without sok: BILLmanager's `<list>.edit`
 * form answers its fields when only viewed. The answer has the form's fields directly under `doc`.
 */
export const ISP_ORDER_FUNCTION = 'certificate.edit';

export function ispOrderParams(certificateId: string): Record<string, string> {
  return { elid: certificateId };
}

/**
 * Where the order stands: the certificate status first; without one, the service's. A failed
 * certificate of a deleted service is cancelled (BILLmanager has no cancelled certificate status:
 * its modules record a cancelled order as failed).
 */
export function ispOrderStage(certificateStatus: IspCertificateStatus | null, itemStatus: string | null): OrderStage | null {
  const item = ISP_ITEM_STATUS[(itemStatus ?? '').trim()];
  switch (certificateStatus) {
    case 'requested':
    case 'enrolled':
      return 'validating';
    case 'issued':
      return 'issued';
    case 'failed':
      return item?.status === 'cancelled' ? 'cancelled' : 'failed';
    default:
      if (!item) return null;
      return item.status === 'pending' ? 'validating' : item.status === 'cancelled' ? 'cancelled' : 'issued';
  }
}

/**
 * ASSUMPTION: the values of `approver_method`. `auth_email` and `auth_dnstxt` are the names
 * BILLmanager's own GlobalSign module uses (pmglobalsign.py); `auth_http` (a file on the site) is
 * guessed in the same pattern.
 */
export const ISP_APPROVER_METHODS: Readonly<Record<string, ValidationNeeds['method']>> = {
  auth_email: 'email',
  auth_dnstxt: 'dns',
  auth_http: 'http',
};

export function ispApproverMethod(method: ValidationNeeds['method']): string | null {
  return Object.entries(ISP_APPROVER_METHODS).find(([, value]) => value === method)?.[0] ?? null;
}

/**
 * ASSUMPTION: the form's validation fields. `approver_method`, `approver_email` (comma-separated when
 * there are several) and `auth_dnstxt_value` are service parameters of BILLmanager's GlobalSign
 * module (pmglobalsign.py); the TXT record's name and the HTTP file's path and content are guessed
 * in the same pattern.
 */
export const ISP_VALIDATION_FIELDS = {
  method: 'approver_method',
  approverEmail: 'approver_email',
  dnsName: 'auth_dnstxt_name',
  dnsValue: 'auth_dnstxt_value',
  httpPath: 'auth_http_path',
  httpContent: 'auth_http_content',
} as const;

/** What the validation needs, from the form; null when the form says nothing about it. */
export function ispValidationNeeds(doc: IspNode, detail: string | null): ValidationNeeds | null {
  const text = (name: string) => ispField(doc, name)?.trim() || null;
  const methodName = text(ISP_VALIDATION_FIELDS.method);
  const approverEmail = text(ISP_VALIDATION_FIELDS.approverEmail)?.split(',')[0]?.trim() || null;
  const dnsName = text(ISP_VALIDATION_FIELDS.dnsName);
  const dnsValue = text(ISP_VALIDATION_FIELDS.dnsValue);
  const httpPath = text(ISP_VALIDATION_FIELDS.httpPath);
  // The file's content is served byte for byte: it is not trimmed.
  const httpContent = ispField(doc, ISP_VALIDATION_FIELDS.httpContent);
  if (!methodName && !approverEmail && !dnsValue && !httpPath) return null;
  const method = methodName
    ? (ISP_APPROVER_METHODS[methodName] ?? 'unknown')
    : dnsValue
      ? 'dns'
      : httpPath
        ? 'http'
        : 'email';
  return {
    method,
    approverEmail,
    dnsRecord: dnsName && dnsValue ? { name: dnsName, type: 'TXT', value: dnsValue } : null,
    httpFile: httpPath && httpContent ? { path: httpPath, content: httpContent } : null,
    detail,
  };
}

/**
 * ASSUMPTION: the form's `crt` field holds the certificate in force, PEM, followed by the CA's chain.
 * `crt` is the column of BILLmanager's certificate table and the parameter of certificate.save
 * (pmthesslstore.cpp, pmglobalsign.py); whether the chain is in it and whether it ends with the
 * root are unconfirmed, so the client takes the leaf and drops any self-signed certificate. During
 * a reissue the field still holds the certificate being replaced.
 */
export const ISP_CERTIFICATE_FIELD = 'crt';

/**
 * ASSUMPTION: a key the billing generated (certificate.order.csr hands it back as model.key; the
 * certificate table has a `pkey` column) is in the form's `pkey` field. The client never reads it;
 * the sandbox sends it so that the logs are shown to mask it.
 */
export const ISP_PRIVATE_KEY_FIELD = 'pkey';

/** ASSUMPTION: the form carries the end date of the certificate in force as the list does, in `expiredate`. */
export function ispOrderValidTo(doc: IspNode): string | null {
  return parseIspDate(ispField(doc, 'expiredate'));
}
