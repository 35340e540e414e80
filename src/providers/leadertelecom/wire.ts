/**
 * LeaderSSL's REST/JSON API v1 (providers.md §1), what both the client and the sandbox must agree on.
 * Confirmed: the base URL, `POST users/signin` with login/password giving `{id, auth_token}` (optional
 * `public_token`), 401 `{"error": "Invalid login or password"}` on bad credentials, the token in an
 * X-AUTH-TOKEN header (or an auth_token query parameter), the paths `billing/balance` and
 * `ssl_certificates`, REST statuses with `{"error": ...}` bodies that are not always JSON, and
 * ISO-8601 timestamps with an offset on the same backend.
 * Confirmed paths without a confirmed body: `ssl_certificates/{id}/status`, `/dcv` (DCV status) and
 * `/download` (the certificate file), and the order's DCV types EMAIL, CNAME_CSR_HASH, HTTP_CSR_HASH
 * and HTTPS_CSR_HASH (FozzyHosting/leaderssl-api-client, README and src/V1/Entities).
 * ASSUMPTIONS (one function or constant each, so one edit fixes them): the balance answer, the
 * certificate list's paging and field names, status and product vocabularies, the texts of the
 * IP-not-allowed, locked-account and invalid-token errors, how a reissue shows in the list, the
 * bodies of /status, /dcv and /download, and the reissue call (off behind
 * LEADERSSL_REISSUE_CONFIRMED until verified against the live API).
 */
import { dayFromParts, dayOfInstant, formatDay, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import type { Balance, CertificateRecord, CertificateStatus, FailureCause, OrderStage, ReissueOutcome, ReissueSupport, ValidationNeeds } from '../types.js';

export const LEADERSSL_SIGNIN_PATH = '/users/signin';
export const LEADERSSL_BALANCE_PATH = '/billing/balance';
export const LEADERSSL_CERTIFICATES_PATH = '/ssl_certificates';

/** Preferred over the auth_token query parameter, which would put the token in URLs. */
export const LEADERSSL_TOKEN_HEADER = 'x-auth-token';

export const LEADERSSL_BAD_CREDENTIALS = 'Invalid login or password';
/** ASSUMPTION: the text of a 401 for a missing, unknown or expired token (same envelope as sign-in). */
export const LEADERSSL_INVALID_TOKEN = 'Invalid auth token';
/** ASSUMPTION: the text of a 403 for a locked account. */
export const LEADERSSL_ACCOUNT_LOCKED = 'Account is locked';

/** ASSUMPTION: the text of a 403 for a caller address that is not on the account's API allow-list. */
export function leadersslIpDenied(address: string): string {
  return `Access denied for IP address ${address}`;
}

/** ASSUMPTION: the most certificates one list page holds (the `per_page` cap). */
export const LEADERSSL_PAGE_SIZE = 100;
/** ASSUMPTION: the page size the server uses when `per_page` is not sent (Rails pagination's usual 25). */
export const LEADERSSL_DEFAULT_PAGE_SIZE = 25;

/** ASSUMPTION: the list is paged by `page` (1-based) and `per_page`. */
export function leadersslPageQuery(page: number, perPage: number): Record<string, string> {
  return { page: String(page), per_page: String(perPage) };
}

/**
 * The cause behind an error answer. ASSUMPTION: any 401/403 whose text names an IP address or an
 * allow-list is the IP check, one that says locked/blocked/suspended is the account lock; every
 * other 401 is the credentials or token; any other error status is `http-status`.
 */
export function leadersslFailureCause(status: number, text: string): FailureCause {
  if (status === 401 || status === 403) {
    if (/\bip\b|ip address|allow-?list|white-?list|not allowed from/i.test(text)) return 'ip-not-allowed';
    if (/\b(locked|blocked|suspended|disabled|deactivated|banned)\b/i.test(text)) return 'account-locked';
    if (status === 401) return 'credentials';
  }
  return 'http-status';
}

/** The error text of an answer: `error` (or `errors`, `message`) from a JSON body, else the raw text without markup. */
export function leadersslErrorText(body: string): string {
  const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === 'object') {
      const o = json as Record<string, unknown>;
      for (const key of ['error', 'errors', 'message']) {
        const value = o[key];
        if (typeof value === 'string' && value.trim()) return clip(value.trim());
        if (Array.isArray(value) && value.length > 0) return clip(value.map(String).join('; '));
        if (value && typeof value === 'object') {
          return clip(
            Object.entries(value)
              .map(([field, problem]) => `${field} ${Array.isArray(problem) ? problem.join(', ') : String(problem)}`)
              .join('; '),
          );
        }
      }
    }
  } catch {
    // Not JSON: LeaderSSL's error bodies are not always JSON (providers.md §1.8).
  }
  return clip(body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
}

export interface LeadersslSession {
  readonly userId: number | null;
  readonly authToken: string;
  readonly publicToken: string | null;
}

/** The sign-in answer `{"id": 48213, "auth_token": "..."}`; null without a token. */
export function parseLeadersslSignIn(json: unknown): LeadersslSession | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (typeof o.auth_token !== 'string' || o.auth_token.length === 0) return null;
  return {
    userId: typeof o.id === 'number' && Number.isInteger(o.id) ? o.id : null,
    authToken: o.auth_token,
    publicToken: typeof o.public_token === 'string' && o.public_token.length > 0 ? o.public_token : null,
  };
}

/** 1523.4, "1523.40", "-1832.23" or "1,523.40" to a number; null for anything else. */
export function parseLeadersslAmount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/\s+/g, '');
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) return Number(text.replace(/,/g, ''));
  return null;
}

/** ASSUMPTION: the account currency when the balance answer does not name one (LeaderSSL prices in euros). */
export const LEADERSSL_DEFAULT_CURRENCY = 'EUR';

/**
 * ASSUMPTION: the balance answer is `{"balance": "1523.40", "currency": "EUR"}`. Tolerated besides:
 * numeric amounts, a balance-like key (`balance`, `amount`, `available_balance`, `sum`, `value`), a
 * nested `{"balance": {"amount": ..., "currency": ...}}`, `currency_code`, and no currency at all.
 */
export function leadersslBalance(json: unknown): Balance | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  const nested = o.balance && typeof o.balance === 'object' && !Array.isArray(o.balance) ? (o.balance as Record<string, unknown>) : null;
  const source = nested ?? o;
  let amount: number | null = null;
  for (const key of ['balance', 'amount', 'available_balance', 'sum', 'value']) {
    amount = parseLeadersslAmount(source[key]);
    if (amount !== null) break;
  }
  if (amount === null) return null;
  const currency = [source.currency, source.currency_code, o.currency, o.currency_code].find((c): c is string => typeof c === 'string' && /^[A-Za-z]{3}$/.test(c.trim()));
  return { amount, currency: currency ? currency.trim().toUpperCase() : LEADERSSL_DEFAULT_CURRENCY };
}

/** The sandbox's balance answer, in the shape leadersslBalance reads first. */
export function formatLeadersslBalance(amount: number, currency: string): { balance: string; currency: string } {
  return { balance: amount.toFixed(2), currency };
}

/**
 * ASSUMPTION: a list page is either a JSON array of certificates or an object holding them under
 * `ssl_certificates` (or `certificates`, `data`, `items`) with the count of all of them in `total`
 * (or `total_count`, `meta.total`, `meta.total_count`). Null for anything else.
 */
export function leadersslPage(json: unknown): { items: unknown[]; total: number | null } | null {
  if (Array.isArray(json)) return { items: json, total: null };
  if (!json || typeof json !== 'object') return null;
  const o = json as Record<string, unknown>;
  const items = [o.ssl_certificates, o.certificates, o.data, o.items].find(Array.isArray);
  if (!items) return null;
  const meta = o.meta && typeof o.meta === 'object' ? (o.meta as Record<string, unknown>) : {};
  const total = [o.total, o.total_count, meta.total, meta.total_count].map(parseLeadersslAmount).find((n) => n !== null && Number.isInteger(n) && n >= 0);
  return { items, total: total ?? null };
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * An ISO-8601 timestamp such as `2026-03-01T00:00:00+03:00` to the UTC day it falls on
 * (`2026-02-28`); a bare `YYYY-MM-DD` is that day. ASSUMPTION: a time without an offset is UTC.
 */
export function parseLeadersslTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return null;
  const [, year, month, dayOfMonth, hours, minutes, seconds, zone] = match;
  const date = dayFromParts(Number(year), Number(month), Number(dayOfMonth));
  if (date === null) return null;
  if (hours === undefined) return formatDay(date);
  const [h, m, s] = [Number(hours), Number(minutes), Number(seconds ?? 0)];
  if (h > 23 || m > 59 || s > 60) return null;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = Number(digits.slice(2) || 0);
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offH * 60 + offM);
  }
  const instant = date * 86_400_000 + ((h * 60 + m - offsetMinutes) * 60 + s) * 1000;
  return formatDay(dayOfInstant(new Date(instant)));
}

/** The sandbox's timestamps: a UTC day and second of that day, written at +03:00 (Moscow time, as on the sibling API). */
export function formatLeadersslTime(value: Day, secondOfDay: number): string {
  const local = new Date(value * 86_400_000 + (secondOfDay + 3 * 3600) * 1000).toISOString().slice(0, 19);
  return `${local}+03:00`;
}

/** ASSUMPTION: which keys carry each date (valid_till is the simulator's name; the others are tolerated). */
export const LEADERSSL_DATE_FIELDS = {
  orderDate: ['created_at', 'ordered_at', 'order_date'],
  validFrom: ['valid_from', 'starts_at', 'start_date', 'issued_at'],
  validTo: ['valid_till', 'valid_to', 'valid_until', 'expires_at', 'end_date', 'expiration_date'],
} as const;

/** A status word in one spelling: "Awaiting Validation" and "awaiting-validation" are awaiting_validation. */
const statusWord = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** ASSUMPTION: LeaderSSL's status words (issued/pending/cancelled/revoked/expired and their likely synonyms). */
export function leadersslStatus(text: string): CertificateStatus {
  const status = statusWord(text);
  if (/^(issued|active|valid|completed?|done)$/.test(status)) return 'issued';
  if (/^(pending|processing|new|in_progress|validation|validating|reissu\w*)$|^(awaiting|waiting|pending)_/.test(status)) return 'pending';
  if (/^(cancell?ed|refunded|rejected|declined)$/.test(status)) return 'cancelled';
  if (status === 'revoked') return 'revoked';
  if (status === 'expired') return 'expired';
  return 'unknown';
}

/** ASSUMPTION: `validation_type` is dv/ov/ev (or spelt out); otherwise the product name tells. */
export function leadersslValidation(validationType: unknown, product: string | null): ValidationType | null {
  const stated = typeof validationType === 'string' ? validationType.trim().toLowerCase() : '';
  if (/^(dv|domain(_validation)?)$/.test(stated)) return 'dv';
  if (/^(ov|org(ani[sz]ation)?(_validation)?)$/.test(stated)) return 'ov';
  if (/^(ev|extended(_validation)?)$/.test(stated)) return 'ev';
  const name = product ?? '';
  if (/\bEV\b|extended validation/i.test(name)) return 'ev';
  if (/\bOV\b|organi[sz]ation|business ?id|instantssl|premium ssl/i.test(name)) return 'ov';
  if (/\bDV\b|domain valid|positivessl|rapidssl|essentialssl|alphassl|quickssl|encryption everywhere/i.test(name)) return 'dv';
  return null;
}

/** The names a single-domain certificate carries besides its main one: www.x with x, *.x with x. */
function twins(mainDomain: string): Set<string> {
  const base = mainDomain.replace(/^(www\.|\*\.)/, '');
  return new Set([base, `www.${base}`, `*.${base}`].filter((name) => name !== mainDomain));
}

/**
 * ASSUMPTION: a certificate is multi-domain when its product says so (Multi-Domain, SAN, UCC, MDC)
 * or when it carries a name other than the www./wildcard twin of its main domain.
 */
export function leadersslMultiDomain(product: string | null, mainDomain: string, otherNames: readonly string[] | null): boolean {
  if (/multi-?domain|\bSAN\b|\bUCC\b|\bMDC\b|unified communications/i.test(product ?? '')) return true;
  const free = twins(mainDomain);
  return (otherNames ?? []).some((name) => !free.has(name));
}

/** `additional_domains`, comma-separated (as in the order call) or an array; null when absent. */
export function leadersslOtherNames(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  const names = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[,\s]+/) : null;
  return names === null ? null : [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
}

/** ASSUMPTION: the paid term is `period` in months; else the order call's `days`, `months` or `years`. */
export function leadersslTermMonths(item: Record<string, unknown>): number | null {
  const whole = (value: unknown) => {
    const n = parseLeadersslAmount(value);
    return n !== null && Number.isInteger(n) && n > 0 ? n : null;
  };
  const period = whole(item.period) ?? whole(item.months);
  if (period !== null) return period;
  const days = whole(item.days);
  if (days !== null) return Math.max(1, Math.round((days * 12) / 365));
  const years = whole(item.years);
  return years === null ? null : years * 12;
}

/** ASSUMPTION: the product is `product` (a name, or an object with `name`/`title`), `product_name`, else the nomenclature id. */
export function leadersslProduct(item: Record<string, unknown>): string | null {
  const product = item.product;
  if (typeof product === 'string' && product.trim()) return product.trim();
  if (product && typeof product === 'object') {
    const { name, title } = product as Record<string, unknown>;
    const text = [name, title].find((t): t is string => typeof t === 'string' && t.trim().length > 0);
    if (text) return text.trim();
  }
  if (typeof item.product_name === 'string' && item.product_name.trim()) return item.product_name.trim();
  const nomenclature = item.nomenclature_id;
  return typeof nomenclature === 'number' || (typeof nomenclature === 'string' && nomenclature.trim()) ? `nomenclature ${String(nomenclature).trim()}` : null;
}

/**
 * ASSUMPTION (the one mapping of a list entry): `id`, `domain_name`, `additional_domains`, `status`,
 * `created_at`, `valid_from`, `valid_till` (or the other date keys above), `period` (months),
 * `product` / `nomenclature_id`, `validation_type`. Null when the entry has no id or domain.
 */
export function leadersslCertificate(entry: unknown): CertificateRecord | null {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return null;
  const item = entry as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '');
  const id = text(item.id);
  const mainDomain = text(item.domain_name ?? item.domain ?? item.common_name).toLowerCase();
  if (!id || !mainDomain) return null;
  const date = (keys: readonly string[]) => {
    for (const key of keys) {
      const value = parseLeadersslTime(item[key]);
      if (value !== null) return value;
    }
    return null;
  };
  const product = leadersslProduct(item);
  const otherNames = leadersslOtherNames(item.additional_domains)?.filter((name) => name !== mainDomain) ?? null;
  const providerStatus = text(item.status);
  const validTo = date(LEADERSSL_DATE_FIELDS.validTo);
  const reissue = leadersslReissueOnEntry(providerStatus, validTo);
  return {
    id,
    mainDomain,
    otherNames,
    validation: leadersslValidation(item.validation_type, product),
    multiDomain: leadersslMultiDomain(product, mainDomain, otherNames),
    orderDate: date(LEADERSSL_DATE_FIELDS.orderDate),
    validFrom: date(LEADERSSL_DATE_FIELDS.validFrom),
    validTo,
    termMonths: leadersslTermMonths(item),
    // While a reissue runs (or after one failed) the certificate in force is still the issued one.
    status: reissue === null ? leadersslStatus(providerStatus) : 'issued',
    providerStatus,
    product,
    // The reissue keeps the certificate's id (ASSUMPTION, as for the reissue call's answer).
    pendingReissue: reissue === 'validating' ? id : null,
  };
}


/**
 * ASSUMPTION: the status words of a reissue on a certificate that stays in force meanwhile, as the
 * list and `ssl_certificates/{id}/status` give them: under way, refused at validation, cancelled.
 * Nothing public shows LeaderSSL's words; the sandbox writes these, the client reads them (and the
 * synonyms in leadersslOrderStage).
 */
export const LEADERSSL_REISSUE_STATUS = { validating: 'reissue', failed: 'reissue_failed', cancelled: 'reissue_cancelled' } as const;

/**
 * ASSUMPTION: where an order (or the reissue on it) stands, from its status word: issued;
 * validating (reissue, processing, pending, awaiting_…); failed (reissue_failed, rejected, declined,
 * dcv_failed); cancelled (reissue_cancelled, cancelled, refunded, revoked). null for a word that does
 * not say where an order stands (expired, or one not known).
 */
export function leadersslOrderStage(text: string): OrderStage | null {
  const status = statusWord(text);
  if (/^(issued|reissued|active|valid|completed?|done)$/.test(status)) return 'issued';
  if (/^(reissue_?failed|failed|rejected|declined|(dcv|validation)_failed)$/.test(status)) return 'failed';
  if (/^(reissue_?cancell?ed|cancell?ed|refunded|revoked)$/.test(status)) return 'cancelled';
  if (/^(pending|processing|new|in_progress|validation|validating|reissue|reissuing|reissue_(pending|processing|in_progress))$|^(awaiting|waiting|pending)_/.test(status)) {
    return 'validating';
  }
  return null;
}

/**
 * ASSUMPTION: how a list entry shows a reissue. A reissue keeps the certificate's id and the entry
 * keeps the dates of the certificate in force until the new one is issued; so an entry with a
 * valid-till date whose status says an order is in progress has a reissue under way (a new order has
 * no dates yet), and one whose status is reissue_failed / reissue_cancelled had its last reissue end
 * without a certificate. The reissue's stage, or null when the entry tells of none.
 */
export function leadersslReissueOnEntry(status: string, validTo: string | null): OrderStage | null {
  if (validTo === null) return null;
  const word = statusWord(status);
  if (/^reissue_?(failed|cancell?ed)$/.test(word)) return leadersslOrderStage(word);
  return leadersslOrderStage(word) === 'validating' ? 'validating' : null;
}

/** The confirmed per-certificate calls: `ssl_certificates/{id}/status`, `/dcv` and `/download`. */
export function leadersslCertificateActionPath(certificateId: string, action: 'status' | 'dcv' | 'download'): string {
  return `${LEADERSSL_CERTIFICATES_PATH}/${encodeURIComponent(certificateId)}/${action}`;
}

export interface LeadersslOrderStatus {
  /** The status word, as given. */
  readonly status: string;
  /** The provider's words about it (why it failed, what it waits for); null when none. */
  readonly message: string | null;
  /** The dates of the certificate in force (UTC days), null when not given. */
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

/**
 * ASSUMPTION: `GET ssl_certificates/{id}/status` answers
 * `{"id": 500001, "status": "reissue", "message": null, "valid_from": "…+03:00", "valid_till": "…+03:00"}`:
 * the status word (as in the list), the CA's words in `message` (also read: `reason`,
 * `status_message`, `comment`), the dates of the certificate in force. A bare JSON string is read as
 * the status word alone. Null without a status.
 */
export function leadersslOrderStatus(json: unknown): LeadersslOrderStatus | null {
  if (typeof json === 'string' && json.trim()) return { status: json.trim(), message: null, validFrom: null, validTo: null };
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  const status = [o.status, o.state].find((s): s is string => typeof s === 'string' && s.trim().length > 0);
  if (!status) return null;
  const message = [o.message, o.reason, o.status_message, o.comment].find((m): m is string => typeof m === 'string' && m.trim().length > 0);
  const date = (keys: readonly string[]) => keys.map((key) => parseLeadersslTime(o[key])).find((d) => d !== null) ?? null;
  return { status: status.trim(), message: message?.trim() ?? null, validFrom: date(LEADERSSL_DATE_FIELDS.validFrom), validTo: date(LEADERSSL_DATE_FIELDS.validTo) };
}

/** The sandbox's status answer, in the shape leadersslOrderStatus reads first. */
export function formatLeadersslOrderStatus(id: number, status: string, message: string | null, validFrom: string | null, validTill: string | null): Record<string, unknown> {
  return { id, status, message, valid_from: validFrom, valid_till: validTill };
}

/** The order's DCV types (README of the PHP client). */
export type LeadersslDcvType = 'EMAIL' | 'CNAME_CSR_HASH' | 'HTTP_CSR_HASH' | 'HTTPS_CSR_HASH';

/** One domain of the DCV status answer. */
export interface LeadersslDcvDomain {
  readonly domainName: string;
  readonly dcvType: string | null;
  readonly dcvStatus: string | null;
  readonly dcvEmail: string | null;
  /** CNAME_CSR_HASH: the record to create. */
  readonly cname: { readonly name: string; readonly value: string } | null;
  /** HTTP(S)_CSR_HASH: where the file must answer (http:// or https://, as the type says) and its content. */
  readonly http: { readonly url: string; readonly content: string } | null;
}

/**
 * ASSUMPTION: `GET ssl_certificates/{id}/dcv` answers one entry per domain, under `domains` (or a
 * bare array): `{"domain_name", "dcv_type", "dcv_status", "dcv_email", "cname": {"name", "value"},
 * "http": {"url", "content"}}`. dcv_type and dcv_email are the order's own fields (README); the
 * README says CNAME_CSR_HASH is "a certain DNS record" and HTTP(S)_CSR_HASH "a plain text file with
 * a specific name and content" at the web root, so the record and the file come as name/value and
 * url/content. Null when no entry has a domain name.
 */
export function leadersslDcv(json: unknown): LeadersslDcvDomain[] | null {
  const o = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  const entries = Array.isArray(json) ? json : o && Array.isArray(o.domains) ? o.domains : o && typeof o.domain_name === 'string' ? [o] : null;
  if (!entries) return null;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  const pair = (value: unknown, a: string, b: string) => {
    if (!value || typeof value !== 'object') return null;
    const v = value as Record<string, unknown>;
    const first = text(v[a]);
    const second = typeof v[b] === 'string' ? (v[b] as string) : null;
    return first !== null && second !== null ? ([first, second] as const) : null;
  };
  const domains: LeadersslDcvDomain[] = [];
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const domainName = text(e.domain_name ?? e.domain);
    if (!domainName) continue;
    const cname = pair(e.cname, 'name', 'value');
    const http = pair(e.http, 'url', 'content');
    domains.push({
      domainName: domainName.toLowerCase(),
      dcvType: text(e.dcv_type),
      dcvStatus: text(e.dcv_status ?? e.status),
      dcvEmail: text(e.dcv_email),
      cname: cname ? { name: cname[0], value: cname[1] } : null,
      http: http ? { url: http[0], content: http[1] } : null,
    });
  }
  return domains.length > 0 ? domains : null;
}

/** The sandbox's DCV answer, in the shape leadersslDcv reads first. */
export function formatLeadersslDcv(id: number, domains: readonly LeadersslDcvDomain[]): Record<string, unknown> {
  return {
    id,
    domains: domains.map((d) => ({ domain_name: d.domainName, dcv_type: d.dcvType, dcv_status: d.dcvStatus, dcv_email: d.dcvEmail, cname: d.cname, http: d.http })),
  };
}

/** What each DCV type asks for, as the README describes them (CNAME: a DNS record; HTTP(S): a file; EMAIL: an approver). */
export function leadersslDcvMethod(dcvType: string | null): ValidationNeeds['method'] {
  const type = (dcvType ?? '').trim().toUpperCase();
  if (type === 'EMAIL') return 'email';
  if (type === 'CNAME_CSR_HASH') return 'dns';
  if (type === 'HTTP_CSR_HASH' || type === 'HTTPS_CSR_HASH') return 'http';
  return 'unknown';
}

/** ASSUMPTION: the dcv_status words of a domain whose validation is done. */
export function leadersslDcvDone(dcvStatus: string | null): boolean {
  return /^(validated|valid|passed|approved|completed?|done|ok|success(ful)?)$/.test(statusWord(dcvStatus ?? ''));
}

/**
 * What validation needs, from the DCV answer: the first domain not yet validated (else the first).
 * A CNAME_CSR_HASH record is a CNAME; an HTTP(S) file is given by its path from the site's root.
 */
export function leadersslValidationNeeds(domains: readonly LeadersslDcvDomain[]): ValidationNeeds {
  const waiting = domains.filter((d) => !leadersslDcvDone(d.dcvStatus));
  const domain = waiting[0] ?? (domains[0] as LeadersslDcvDomain);
  const method = leadersslDcvMethod(domain.dcvType);
  let httpFile: ValidationNeeds['httpFile'] = null;
  if (method === 'http' && domain.http) {
    const path = /^https?:\/\//i.test(domain.http.url) ? new URL(domain.http.url).pathname : domain.http.url.startsWith('/') ? domain.http.url : null;
    httpFile = path === null ? null : { path, content: domain.http.content };
  }
  const others = waiting.length - 1;
  const more = others > 0 ? `; ${others} more ${others === 1 ? 'domain awaits' : 'domains await'} validation` : '';
  return {
    method,
    approverEmail: method === 'email' ? domain.dcvEmail : null,
    dnsRecord: method === 'dns' && domain.cname ? { name: domain.cname.name, type: 'CNAME', value: domain.cname.value } : null,
    httpFile,
    detail: `${domain.domainName}: ${domain.dcvType ?? 'DCV'}${domain.dcvStatus ? ` ${domain.dcvStatus}` : ''}${more}`,
  };
}

/**
 * ASSUMPTION: `GET ssl_certificates/{id}/download` answers the certificate as PEM text (the PHP
 * client only streams the body to a file): the leaf first, then the intermediates, perhaps ending
 * with the root. The sandbox sends this content type.
 */
export const LEADERSSL_DOWNLOAD_CONTENT_TYPE = 'application/x-pem-file';

/** The sandbox's download body: the PEM blocks one after the other. */
export function formatLeadersslDownload(pems: readonly string[]): string {
  return `${pems.map((pem) => pem.trim()).join('\n')}\n`;
}

/** The CERTIFICATE blocks of a download, in the answer's order, each as canonical PEM; anything else (a key) is left out. */
export function leadersslDownloadBlocks(body: string): string[] {
  const blocks: string[] = [];
  for (const match of body.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    const base64 = (match[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+=*$/.test(base64)) continue;
    blocks.push(['-----BEGIN CERTIFICATE-----', ...(base64.match(/.{1,64}/g) ?? []), '-----END CERTIFICATE-----'].join('\n'));
  }
  return blocks;
}

/**
 * Whether the reissue call below is known to exist. Reissue is UNCONFIRMED (providers.md §1.7): no
 * source shows it. Set to true once verified against the live API; client and sandbox follow it.
 */
export const LEADERSSL_REISSUE_CONFIRMED = false;

export function leadersslReissueSupport(confirmed: boolean = LEADERSSL_REISSUE_CONFIRMED): ReissueSupport {
  return confirmed
    ? { supported: true }
    : {
        supported: false,
        reason: "LeaderTelecom's API has no confirmed reissue call: reissue the certificate in the LeaderSSL client area (a manual task)",
      };
}

/** ASSUMPTION: reissue is `POST ssl_certificates/{id}/reissue` (REST convention of the other certificate actions). */
export function leadersslReissuePath(certificateId: string): string {
  return `${LEADERSSL_CERTIFICATES_PATH}/${encodeURIComponent(certificateId)}/reissue`;
}

/** ASSUMPTION: the reissue call takes the CSR as a form field `csr` (the DCV fields keep the order's values). */
export function leadersslReissueForm(csr: string): URLSearchParams {
  return new URLSearchParams({ csr });
}

/** ASSUMPTION: the reissue answer is the certificate (`id`, `status`) with an optional `message`. */
export function leadersslReissueOutcome(json: unknown, requestedId: string): ReissueOutcome {
  const o = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const id = typeof o.id === 'number' || (typeof o.id === 'string' && o.id.trim()) ? String(o.id).trim() : requestedId;
  const message = [o.message, o.status].find((m): m is string => typeof m === 'string' && m.trim().length > 0);
  return { certificateId: id, message: message?.trim() ?? null };
}
