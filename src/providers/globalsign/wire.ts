/**
 * GlobalSign's GCC/GAS SOAP API (providers.md §2), what both the client and the sandbox must agree on.
 * Confirmed (real WSDL, live recordings, BILLmanager's own module): SOAP 1.1 document/literal with
 * `SOAPAction: ""`; the three v1 services; the operation element in the v1 namespace with unqualified
 * children and a `<Request>` wrapper; `QueryRequestHeader` for queries and `OrderRequestHeader` for
 * ReIssue, both holding `AuthToken/UserName/Password`; `{Op}Response/Response/{Header}` with
 * `SuccessCode` 0 / 1 (warning) / -1 and `Errors/Error/{ErrorCode, ErrorField, ErrorMessage}`; the
 * codes -4001, -4201, -9939 (and the others below); GetOrderByDateRange's `FromDate`, `ToDate`,
 * `OrderQueryOption` and `OrderDetails/OrderDetail` tree; ReIssue's `OrderParameter/CSR`,
 * `TargetOrderID`, `HashAlgorithm` and its answer's new `OrderID`; GetOrderByOrderID's `OrderID`,
 * `OrderQueryOption/ReturnOriginalCSR` and `OrderDetail/Fulfillment/OriginalCSR`; status codes 1–7;
 * ISO dates with milliseconds and an offset; the SANOptionType codes of BILLmanager's module.
 * Also confirmed: a reissue is a new order whose `OrderInfo/OriginalOrderIDForReIssue` names the
 * order it replaces; `Fulfillment` {`CACertificates/CACertificate` {`CACertType`, `CACert`},
 * `ServerCertificate` {`X509Cert`, `PKCS7Cert`}, `OriginalCSR`} with PEMs written with `&#xD;`, the
 * intermediate (INTER) and the ROOT both sent on `ReturnFulfillment` alone (pepabo's recording
 * with_fulfillment.yml); status codes 8–10 (Keyfactor); `OrderOption/ApproverEmailAddress`,
 * `OrderSubInfo/DNSOrderFlag` and `OrderSubInfo/VerificationUrl` (WSDL); `DNSTXT`,
 * `VerificationFQDNList`, `MetaTag` in the answers to DVDNSOrder and URLVerification (recordings).
 * ASSUMPTIONS (one function or constant each, so one edit fixes them): AccountSnapshot's balance
 * fields and default currency; the answer to a date window holding too many orders (its limit and
 * error code); how a product code tells DV/OV/EV; how SAN entries tell a multi-domain certificate;
 * which status wins when the order's and the certificate's differ; dates without an offset; ReIssue
 * without DNSNames; BILLmanager's SANOptionType table being GlobalSign's; the locked account's text;
 * the form of OriginalCSR (PEM or bare base64); where a GetOrderByOrderID answer carries the DNS
 * record and the HTTP file of a validating order (GLOBALSIGN_VERIFICATION_PLACE); how it says why an
 * order was denied or cancelled (globalsignOrderRemark).
 */
import { isIP } from 'node:net';
import type { ValidationType } from '../../rules/cab-forum.js';
import { dayFromParts, dayOfInstant, formatDay } from '../../rules/calendar.js';
import { UC_SAN_PREFIXES } from '../../rules/uc-sans.js';
import { readCsrText, type CsrText } from '../csr-pem.js';
import type { Balance, CertificateStatus, FailureCause, OrderStage, ValidationNeeds } from '../types.js';
import { escapeXml, xmlAt, xmlList, xmlText, type XmlNode } from '../xml.js';

export const GLOBALSIGN_NAMESPACE = 'https://system.globalsign.com/kb/ws/v1/';
export const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

export type GlobalsignService = 'AccountService' | 'GASService' | 'ServerSSLService';
export const GLOBALSIGN_SERVICES: readonly GlobalsignService[] = ['AccountService', 'GASService', 'ServerSSLService'];

export type RequestHeaderName = 'QueryRequestHeader' | 'OrderRequestHeader';
export type ResponseHeaderName = 'QueryResponseHeader' | 'OrderResponseHeader';

/** The operations certops uses (and the sandbox serves): their service and header names. */
export const GLOBALSIGN_OPERATIONS = {
  AccountSnapshot: { service: 'AccountService', request: 'QueryRequestHeader', response: 'QueryResponseHeader' },
  GetOrderByDateRange: { service: 'GASService', request: 'QueryRequestHeader', response: 'QueryResponseHeader' },
  // The WSDL's quirk: a query whose answer names its header OrderResponseHeader (type QueryResponseHeader).
  GetOrderByOrderID: { service: 'GASService', request: 'QueryRequestHeader', response: 'OrderResponseHeader' },
  ReIssue: { service: 'GASService', request: 'OrderRequestHeader', response: 'OrderResponseHeader' },
} as const satisfies Record<string, { service: GlobalsignService; request: RequestHeaderName; response: ResponseHeaderName }>;
export type GlobalsignOperation = keyof typeof GLOBALSIGN_OPERATIONS;

export const SUCCESS = 0;
/** Accepted but flagged (e.g. a phishing check); BILLmanager's module treats it as success. */
export const SUCCESS_WITH_WARNING = 1;
export const FAILURE = -1;

export const ERROR_LOGIN = '-4001';
export const ERROR_IP_NOT_ALLOWED = '-4201';
export const ERROR_ACCOUNT_LOCKED = '-9939';
export const ERROR_ORDER_NOT_FOUND = '-4003';
export const ERROR_CSR_MISMATCH = '-4006';
export const ERROR_INVALID_CSR = '-4007';
export const ERROR_TARGET_EXPIRED = '-4008';
export const ERROR_ALREADY_REISSUED = '-4016';
export const ERROR_VERIFICATION_FAILED = '-4147';
export const ERROR_ORDER_CANCELLED = '-9915';
export const ERROR_MANDATORY_MISSING = '-102';
export const ERROR_FORMAT = '-104';
export const ERROR_BAD_COMBINATION = '-105';

export const MESSAGE_LOGIN = 'Login failure invalid user ID or password.';
export const MESSAGE_IP_NOT_ALLOWED = 'This IP Address is not registered for API access.';
/** ASSUMPTION: the wording (only the code and "account invalid, stopped or locked" are documented); clients key on the code. */
export const MESSAGE_ACCOUNT_LOCKED = 'The account is invalid, stopped or locked.';

/**
 * ASSUMPTION: the most orders one GetOrderByDateRange answer carries. Keyfactor advises windows with
 * no more than 500 enrollments; the real limit is undocumented.
 */
export const GLOBALSIGN_MAX_ORDERS_PER_WINDOW = 500;
/**
 * ASSUMPTION: how GlobalSign refuses a window over the limit: SuccessCode -1 with this ErrorCode (not
 * in any published table; chosen for the sandbox, "too many results, narrow the date range"). The
 * client also splits any window that comes back full, in case the real server cuts the list instead.
 */
export const ERROR_TOO_MANY_ORDERS = '-9999';
export const MESSAGE_TOO_MANY_ORDERS = 'Too many results; narrow the date range.';

/** The first window length of the walk, in days (Keyfactor pages its full sync the same way). */
export const GLOBALSIGN_WINDOW_DAYS = 30;
/** No live certificate is older: terms are at most 5 years, and a year of slack covers late issuance. */
export const GLOBALSIGN_LOOKBACK_YEARS = 6;

/** The cause behind an ErrorCode. GlobalSign's texts vary between sources, so only the code counts. */
export function globalsignFailureCause(errorCode: string): FailureCause {
  switch (errorCode.trim()) {
    case ERROR_LOGIN:
      return 'credentials';
    case ERROR_IP_NOT_ALLOWED:
      return 'ip-not-allowed';
    case ERROR_ACCOUNT_LOCKED:
      return 'account-locked';
    default:
      return 'provider-error';
  }
}

/** A SOAP 1.1 request: the operation in the v1 namespace, everything inside it unqualified. */
export function soapRequest(operation: string, header: RequestHeaderName, username: string, password: string, payload: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NAMESPACE}" xmlns:ns1="${GLOBALSIGN_NAMESPACE}"><soap:Body>` +
    `<ns1:${operation}><Request><${header}><AuthToken><UserName>${escapeXml(username)}</UserName><Password>${escapeXml(password)}</Password></AuthToken></${header}>` +
    `${payload}</Request></ns1:${operation}></soap:Body></soap:Envelope>`
  );
}

/** A date for FromDate/ToDate: `yyyy-MM-ddTHH:mm:ss.fffZ`. */
export function formatGlobalsignDate(instantMs: number): string {
  return new Date(instantMs).toISOString();
}

/** GetOrderByDateRange's request payload for the UTC days [from, to], both whole. */
export function dateRangePayload(fromMs: number, toMs: number): string {
  return (
    `<FromDate>${formatGlobalsignDate(fromMs)}</FromDate><ToDate>${formatGlobalsignDate(toMs)}</ToDate>` +
    `<OrderQueryOption><ReturnCertificateInfo>true</ReturnCertificateInfo><ReturnSANEntries>true</ReturnSANEntries></OrderQueryOption>`
  );
}

/**
 * ReIssue's request payload. ASSUMPTION: without `OrderParameter/DNSNames` GlobalSign keeps the
 * names of the target order (BILLmanager's module sends none); the CSR's own names are not sent apart.
 */
export function reissuePayload(targetOrderId: string, csr: string): string {
  return (
    `<OrderParameter><CSR>${escapeXml(csr.trim())}</CSR></OrderParameter>` +
    `<TargetOrderID>${escapeXml(targetOrderId)}</TargetOrderID><HashAlgorithm>SHA256</HashAlgorithm>`
  );
}

/**
 * GetOrderByOrderID's request payload asking for the order's original CSR. `OriginalCSR` is a child
 * of `Fulfillment`, so ReturnFulfillment is sent with ReturnOriginalCSR, in the XSD's order inside
 * `OrderQueryOption` (every public client sends both: Keyfactor's GlobalSignApiClient.cs).
 */
export function originalCsrPayload(orderId: string): string {
  return (
    `<OrderID>${escapeXml(orderId)}</OrderID>` +
    `<OrderQueryOption><ReturnFulfillment>true</ReturnFulfillment><ReturnOriginalCSR>true</ReturnOriginalCSR></OrderQueryOption>`
  );
}

/**
 * GetOrderByOrderID's request payload for where an order stands: OrderOption (the approver e-mail),
 * CertificateInfo (status and dates) and Fulfillment (certificate and CA certificates), in the XSD's
 * order. ReturnCACerts is not sent: the recorded answer to ReturnFulfillment alone carries the
 * CACertificates (pepabo/global_sign, with_fulfillment.yml).
 */
export function orderStatePayload(orderId: string): string {
  return (
    `<OrderID>${escapeXml(orderId)}</OrderID><OrderQueryOption><ReturnOrderOption>true</ReturnOrderOption>` +
    `<ReturnCertificateInfo>true</ReturnCertificateInfo><ReturnFulfillment>true</ReturnFulfillment></OrderQueryOption>`
  );
}

/**
 * The original CSR in a GetOrderByOrderID `Response`: `OrderDetail/Fulfillment/OriginalCSR` (the
 * WSDL's place for it). ASSUMPTION: its form; the WSDL types it as a string and no recording holds
 * one, so a PEM (with the CRLF line ends GlobalSign writes its certificates with) and bare base64 of
 * the DER are both read. A missing, nil or empty element is no CSR.
 */
export function readGlobalsignOriginalCsr(response: unknown): CsrText {
  return readCsrText(xmlText(xmlAt(response, 'OrderDetail', 'Fulfillment', 'OriginalCSR')));
}

/** The sandbox's (and GlobalSign's Japanese servers') way of writing an instant: millis and an offset. */
export function formatGlobalsignTimestamp(instantMs: number, offsetMinutes = 9 * 60): string {
  const shifted = new Date(instantMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * "2025-01-15T09:19:00.000+09:00" (or with Z, or without millis) to epoch milliseconds; null for
 * anything else. ASSUMPTION: a date without an offset is UTC (none was seen; the WSDL types are strings).
 */
export function parseGlobalsignInstant(text: string | null): number | null {
  const match = INSTANT.exec((text ?? '').trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const dayValue = dayFromParts(Number(y), Number(mo), Number(d));
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = Number(s);
  if (dayValue === null || hours > 23 || minutes > 59 || seconds > 59) return null;
  let offset = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const offsetHours = Number(digits.slice(1, 3));
    const offsetMinutes = Number(digits.slice(3, 5));
    if (offsetHours > 14 || offsetMinutes > 59) return null;
    offset = (digits.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  return dayValue * 86_400_000 + ((hours * 60 + minutes - offset) * 60 + seconds) * 1000 + millis;
}

/** The UTC calendar day of a GlobalSign date, as `YYYY-MM-DD`. */
export function parseGlobalsignDay(text: string | null): string | null {
  const instant = parseGlobalsignInstant(text);
  return instant === null ? null : formatDay(dayOfInstant(new Date(instant)));
}

/** ASSUMPTION: the validation type from the product code (DV_LOW = AlphaSSL, DV = DomainSSL, OV, EV; demo codes carry TEST_). */
export function globalsignValidation(productCode: string | null): ValidationType | null {
  const code = (productCode ?? '').trim().toUpperCase().replace(/^TEST_/, '');
  if (/^EV(_|$)/.test(code)) return 'ev';
  if (/^OV(_|$)/.test(code)) return 'ov';
  if (/^DV(_|$)/.test(code)) return 'dv';
  return null;
}

export const GLOBALSIGN_STATUS_NAMES: Readonly<Record<number, string>> = {
  1: 'Initial',
  2: 'Waiting for phishing check',
  3: 'Cancelled - not issued',
  4: 'Issued',
  5: 'Cancelled - issued',
  6: 'Waiting for revocation',
  7: 'Revoked',
  8: 'Pending approval',
  9: 'Locked',
  10: 'Denied',
};

/**
 * ASSUMPTION: when OrderStatus and CertificateStatus differ, the certificate's wins (an issued order
 * whose certificate was revoked); either alone is used as it is.
 */
export function globalsignStatusCode(orderStatus: number | null, certificateStatus: number | null): number | null {
  return certificateStatus ?? orderStatus;
}

/** A status code to certops' status; an issued certificate whose EndDate has passed is expired. */
export function globalsignStatus(code: number | null, endMs: number | null, nowMs: number): CertificateStatus {
  switch (code) {
    case 1:
    case 2:
    case 8:
      return 'pending';
    case 3:
    case 5:
    case 10:
      return 'cancelled';
    case 4:
      return endMs !== null && endMs <= nowMs ? 'expired' : 'issued';
    case 6:
    case 7:
      return 'revoked';
    default:
      return 'unknown';
  }
}

/** Order or certificate status codes of an order that ended without a certificate in use. */
const CANCELLED_CODES: readonly number[] = [3, 5, 6, 7];

/**
 * Where an order stands, from its OrderStatus and CertificateStatus, as ISPsystem's module reads
 * them: cancelled when either is 3, 5, 6 or 7; otherwise by the order's status (the certificate's
 * when the order has none): 10 denied is a failure, 4 issued, 1, 2, 8 and 9 still waiting. The code
 * returned is the one the stage was read from; null for a status GlobalSign does not list.
 */
export function globalsignOrderStage(orderStatus: number | null, certificateStatus: number | null): { readonly stage: OrderStage; readonly code: number } | null {
  for (const code of [orderStatus, certificateStatus]) if (code !== null && CANCELLED_CODES.includes(code)) return { stage: 'cancelled', code };
  const code = orderStatus ?? certificateStatus;
  switch (code) {
    case 10:
      return { stage: 'failed', code };
    case 4:
      return { stage: 'issued', code };
    case 1:
    case 2:
    case 8:
    case 9:
      return { stage: 'validating', code };
    default:
      return null;
  }
}

/** "www.example.com" ↔ "example.com": the name every GlobalSign single-domain certificate carries free. */
export function globalsignWwwTwin(domain: string): string {
  return domain.startsWith('www.') ? domain.slice(4) : `www.${domain}`;
}

/**
 * ASSUMPTION: a certificate is multi-domain when its order has the SAN option on (the WSDL's
 * OrderDetail has no Options, but one is honoured where it appears) or when its SAN entries hold a
 * name other than the main domain and its free www twin.
 */
export function globalsignMultiDomain(mainDomain: string, sanNames: readonly string[], sanOption: boolean): boolean {
  if (sanOption) return true;
  const free = new Set([mainDomain, globalsignWwwTwin(mainDomain)]);
  return sanNames.some((name) => !free.has(name));
}

/** Whether an `Options/Option` list has `SAN` = true (seen as true/True). */
export function sanOptionOn(options: readonly unknown[]): boolean {
  return options.some((option) => /^san$/i.test(xmlText(xmlAt(option, 'OptionName')) ?? '') && /^true$/i.test(xmlText(xmlAt(option, 'OptionValue')) ?? ''));
}

function privateIpv4(address: string): boolean {
  const [a = -1, b = -1] = address.split('.').map(Number);
  return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/**
 * SANOptionType as BILLmanager's module assigns it (get_SAN_option_type): 1 a UC SAN (www, owa,
 * mail, autodiscover of the CN), 2 another subdomain of the CN, 3 a public IP, 4 a private IPv4
 * (10/8, 172.16/12, 192.168/16), 13 a wildcard, 7 any other name. ASSUMPTION: BILLmanager's table is
 * GlobalSign's (Keyfactor agrees on 7 and 13; GlobalSign's own table could not be read).
 */
export function globalsignSanOptionType(name: string, commonName: string): number {
  const value = name.trim().toLowerCase();
  const cn = commonName.trim().toLowerCase();
  if (value.startsWith('*.')) return 13;
  const ip = isIP(value);
  if (ip !== 0) return ip === 4 && privateIpv4(value) ? 4 : 3;
  if (UC_SAN_PREFIXES.some((prefix) => value === `${prefix}.${cn}`)) return 1;
  if (value.endsWith(`.${cn}`)) return 2;
  return 7;
}

function parseAmount(text: string | null): number | null {
  const cleaned = (text ?? '').trim().replace(/[,\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

function leaves(node: unknown, name = '', out: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) {
    for (const item of node) leaves(item, name, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as XmlNode)) if (!key.startsWith('@') && key !== '#text') leaves(value, key, out);
    const text = xmlText((node as XmlNode)['#text']);
    if (text !== null && name) out.push([name, text]);
  } else {
    const text = xmlText(node);
    if (text !== null && name) out.push([name, text]);
  }
  return out;
}

/**
 * ASSUMPTION: AccountSnapshot's balance (no WSDL or recording of it was found). Read as
 * `Response/Account/Balance` and `Response/Account/Currency`; failing that, the first numeric element
 * anywhere in the answer whose name holds "Balance", then "Deposit". The currency defaults to USD when
 * the answer names none (GlobalSign partner accounts are kept in US dollars unless agreed otherwise).
 */
export function readGlobalsignBalance(response: unknown): Balance | null {
  const found = leaves(response);
  const currencyText = xmlText(xmlAt(response, 'Account', 'Currency')) ?? found.find(([name]) => /currency/i.test(name))?.[1] ?? '';
  const currency = /^[A-Za-z]{3}$/.test(currencyText.trim()) ? currencyText.trim().toUpperCase() : 'USD';
  const direct = parseAmount(xmlText(xmlAt(response, 'Account', 'Balance')));
  if (direct !== null) return { amount: direct, currency };
  for (const pattern of [/balance/i, /deposit/i]) {
    for (const [name, text] of found) {
      const amount = pattern.test(name) ? parseAmount(text) : null;
      if (amount !== null) return { amount, currency };
    }
  }
  return null;
}

/** XML's character references for whitespace, should a parser leave them undecoded (GlobalSign's `&#xD;`). */
const WHITESPACE_REFERENCE = /&#(?:[xX]0*(?:9|[aAdD]|20)|0*(?:9|10|13|32));/g;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A certificate's base64 in the canonical PEM: 64-character lines, LF, no final newline; null when it is not base64. */
function canonicalCertificate(base64: string): string | null {
  const body = base64.replace(/\s+/g, '');
  if (body === '' || !BASE64.test(body) || body.length % 4 !== 0) return null;
  return ['-----BEGIN CERTIFICATE-----', ...(body.match(/.{1,64}/g) ?? []), '-----END CERTIFICATE-----'].join('\n');
}

/**
 * The certificates of a PEM field as GlobalSign writes them (CR as `&#xD;`, lines indented in the
 * recordings), each as a canonical PEM; a field of bare base64 is one certificate. Blocks that are
 * not base64 are left out.
 */
export function globalsignCertificatePems(text: string | null): string[] {
  const cleaned = (text ?? '').replace(WHITESPACE_REFERENCE, '\n').trim();
  if (cleaned === '') return [];
  if (!cleaned.includes('-----')) {
    const one = canonicalCertificate(cleaned);
    return one === null ? [] : [one];
  }
  const pems: string[] = [];
  for (const match of cleaned.matchAll(CERTIFICATE_BLOCK)) {
    const pem = canonicalCertificate(match[1] ?? '');
    if (pem !== null) pems.push(pem);
  }
  return pems;
}

export interface GlobalsignFulfillment {
  /** `ServerCertificate/X509Cert`, canonical PEM; null when the answer has none. */
  readonly certificate: string | null;
  /** `CACertificates/CACertificate` in the answer's order: `CACertType` (INTER, ROOT) and the PEM. */
  readonly caCertificates: readonly { readonly type: string; readonly pem: string }[];
}

/** The certificate and CA certificates of an `OrderDetail/Fulfillment` (nil or missing: none). */
export function readGlobalsignFulfillment(detail: unknown): GlobalsignFulfillment {
  const fulfillment = xmlAt(detail, 'Fulfillment');
  const [certificate = null] = globalsignCertificatePems(xmlText(xmlAt(fulfillment, 'ServerCertificate', 'X509Cert')));
  const caCertificates = xmlList(xmlAt(fulfillment, 'CACertificates', 'CACertificate')).flatMap((entry) => {
    const type = (xmlText(xmlAt(entry, 'CACertType')) ?? '').trim().toUpperCase();
    return globalsignCertificatePems(xmlText(xmlAt(entry, 'CACert'))).map((pem) => ({ type, pem }));
  });
  return { certificate, caCertificates };
}

/**
 * ASSUMPTION: where a GetOrderByOrderID answer carries what a validating order waits for. The WSDL
 * confirms `OrderOption/ApproverEmailAddress` (e-mail), `OrderSubInfo/DNSOrderFlag` (a DNS order)
 * and `OrderSubInfo/VerificationUrl` (taken to be the URL of the file to serve). The TXT value and
 * the file's content are not in the WSDL's OrderDetail: GlobalSign gives them in its answers to
 * DVDNSOrder (`DNSTXT`, `VerificationFQDNList/VerificationFQDN`) and URLVerification (`MetaTag`), and
 * they are guessed to come under those names as the last children of OrderDetail (read there, or in
 * OrderSubInfo). The sandbox writes them with globalsignVerificationXml and the client reads them
 * with readGlobalsignValidation, both from this table.
 */
export const GLOBALSIGN_VERIFICATION_PLACE = {
  /** Paths under OrderDetail where the elements below are looked for, the first the sandbox's. */
  parents: [[], ['OrderSubInfo']] as readonly (readonly string[])[],
  dnsValue: 'DNSTXT',
  dnsNames: ['VerificationFQDNList', 'VerificationFQDN'] as readonly string[],
  fileContent: 'MetaTag',
} as const;

/** The verification elements of a validating order (GLOBALSIGN_VERIFICATION_PLACE), for the end of its OrderDetail. */
export function globalsignVerificationXml(verification: { readonly dnsName?: string | null; readonly dnsValue?: string | null; readonly fileContent?: string | null }): string {
  const place = GLOBALSIGN_VERIFICATION_PLACE;
  const [list, item] = place.dnsNames;
  let xml = '';
  if (verification.dnsValue) {
    xml += `<${place.dnsValue}>${escapeXml(verification.dnsValue)}</${place.dnsValue}>`;
    if (verification.dnsName) xml += `<${list}><${item}>${escapeXml(verification.dnsName)}</${item}></${list}>`;
  }
  if (verification.fileContent) xml += `<${place.fileContent}>${escapeXml(verification.fileContent)}</${place.fileContent}>`;
  return xml;
}

/** The path of a verification URL: "http://example.com/.well-known/x.txt" or a bare "example.com/x.txt". */
function urlPath(url: string): string | null {
  for (const candidate of [url, `http://${url}`]) {
    try {
      const parsed = new URL(candidate);
      if (parsed.pathname !== '/' || candidate === url) return parsed.pathname;
    } catch {
      // Not a URL in this form; the next one is tried.
    }
  }
  return url.startsWith('/') ? url : null;
}

/**
 * What a validating order waits for, from its OrderDetail (GLOBALSIGN_VERIFICATION_PLACE): a DNS
 * record for a DNS order, a file for a URL verification, an approver's answer when an approver
 * e-mail is named, the organization checks of an OV or EV order that names none of these.
 */
export function readGlobalsignValidation(detail: unknown, validation: ValidationType | null): ValidationNeeds {
  const place = GLOBALSIGN_VERIFICATION_PLACE;
  const present = (value: string | null) => (value === null || value.trim() === '' ? null : value.trim());
  const find = (...path: string[]) => {
    for (const parent of place.parents) {
      const found = present(xmlText(xmlAt(detail, ...parent, ...path)));
      if (found !== null) return found;
    }
    return null;
  };
  const dnsValue = find(place.dnsValue);
  const dnsName = firstListed(detail, place);
  const fileContent = find(place.fileContent);
  const verificationUrl = present(xmlText(xmlAt(detail, 'OrderSubInfo', 'VerificationUrl')));
  const dnsOrder = /^true$/i.test(xmlText(xmlAt(detail, 'OrderSubInfo', 'DNSOrderFlag')) ?? '');
  const approverEmail = present(xmlText(xmlAt(detail, 'OrderOption', 'ApproverEmailAddress')));
  const domain = present(xmlText(xmlAt(detail, 'OrderInfo', 'DomainName')));
  const none = { approverEmail: null, dnsRecord: null, httpFile: null, detail: null } as const;
  if (dnsOrder || dnsValue !== null) {
    const name = dnsName ?? domain;
    return { ...none, method: 'dns', dnsRecord: dnsValue !== null && name !== null ? { name, type: 'TXT', value: dnsValue } : null };
  }
  if (verificationUrl !== null || fileContent !== null) {
    const path = verificationUrl === null ? null : urlPath(verificationUrl);
    return { ...none, method: 'http', httpFile: path !== null && fileContent !== null ? { path, content: fileContent } : null };
  }
  if (approverEmail !== null) return { ...none, method: 'email', approverEmail };
  return { ...none, method: validation === 'ov' || validation === 'ev' ? 'organization' : 'unknown' };
}

function firstListed(detail: unknown, place: typeof GLOBALSIGN_VERIFICATION_PLACE): string | null {
  for (const parent of place.parents) {
    for (const entry of xmlList(xmlAt(detail, ...parent, ...place.dnsNames))) {
      const name = (xmlText(entry) ?? '').trim();
      if (name !== '') return name;
    }
  }
  return null;
}

/**
 * ASSUMPTION: how GetOrderByOrderID says why an order was denied or cancelled; nothing public shows
 * it. Taken to be a warning in the answer's header (SuccessCode 1, as GlobalSign flags an accepted
 * order), with -4147 (domain or URL verification failed) for a denied order and -9915 (order
 * cancelled) for a cancelled one, the reason as its ErrorMessage. The client reads every header error
 * of a successful GetOrderByOrderID answer as the order's reason.
 */
export function globalsignOrderRemark(state: 'failed' | 'cancelled', reason: string): { readonly code: string; readonly message: string } {
  return { code: state === 'failed' ? ERROR_VERIFICATION_FAILED : ERROR_ORDER_CANCELLED, message: reason };
}
