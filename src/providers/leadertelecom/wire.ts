/**
 * LeaderSSL's REST/JSON API v1 (providers.md §1), what both the client and the sandbox must agree on.
 * Confirmed: the base URL, `POST users/signin` with login/password giving `{id, auth_token}` (optional
 * `public_token`), 401 `{"error": "Invalid login or password"}` on bad credentials, the token in an
 * X-AUTH-TOKEN header (or an auth_token query parameter), the paths `billing/balance` and
 * `ssl_certificates`, REST statuses with `{"error": ...}` bodies that are not always JSON, and
 * ISO-8601 timestamps with an offset on the same backend.
 * ASSUMPTIONS (one function or constant each, so one edit fixes them): the balance answer, the
 * certificate list's paging and field names, status and product vocabularies, the texts of the
 * IP-not-allowed, locked-account and invalid-token errors, and the reissue call (off behind
 * LEADERSSL_REISSUE_CONFIRMED until verified against the live API).
 */
import { dayFromParts, dayOfInstant, formatDay, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import type { Balance, CertificateRecord, CertificateStatus, FailureCause, ReissueOutcome, ReissueSupport } from '../types.js';

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

/** ASSUMPTION: LeaderSSL's status words (issued/pending/cancelled/revoked/expired and their likely synonyms). */
export function leadersslStatus(text: string): CertificateStatus {
  const status = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
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
  return {
    id,
    mainDomain,
    otherNames,
    validation: leadersslValidation(item.validation_type, product),
    multiDomain: leadersslMultiDomain(product, mainDomain, otherNames),
    orderDate: date(LEADERSSL_DATE_FIELDS.orderDate),
    validFrom: date(LEADERSSL_DATE_FIELDS.validFrom),
    validTo: date(LEADERSSL_DATE_FIELDS.validTo),
    termMonths: leadersslTermMonths(item),
    status: leadersslStatus(providerStatus),
    providerStatus,
    product,
  };
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
        reason: "LeaderSSL's API has no confirmed reissue call: reissue the certificate in the LeaderSSL client area (a manual task)",
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
