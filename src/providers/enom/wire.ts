/**
 * eNom's interface.asp in XML (providers.md §3), what both the client and the sandbox must agree on.
 * Confirmed: command/uid/pw/responsetype parameters, the interface-response envelope, ErrCount and
 * errors/ErrN, GetBalance's comma-separated amounts, CertGetCerts paging (StartPosition, at most 250
 * per page) and field names, M/D/YYYY dates, CertReissueCert's CertID/CSR, CertGetCertDetail's
 * CertID and its `CertGetCertDetail` wrapper with the CSR (CDATA, "NEW CERTIFICATE REQUEST" armour,
 * indented lines), the private key (PVT) beside it, and its `M/D/YYYY h:mm:ss AM/PM` dates.
 * ASSUMPTIONS (one function each, so one edit fixes them): the wording of a locked-account error;
 * which product names mean DV/OV/EV, multi-domain, and reissue through CertReissueCert; that the
 * detail's CSR is the last reissue's once there was one.
 */
import { formatDay, dayFromParts, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import { readCsrText, type CsrText } from '../csr-pem.js';
import type { CertificateRecord, CertificateStatus, FailureCause } from '../types.js';
import { xmlAt, xmlText } from '../xml.js';

export const ENOM_MAX_PAGE_SIZE = 250;

export const ENOM_BAD_CREDENTIALS = 'Bad User name or Password';
export const ENOM_IP_NOT_PERMITTED = 'User not permitted from this IP address';
/** ASSUMPTION: eNom's text for a locked or suspended account is not documented. */
export const ENOM_ACCOUNT_LOCKED = 'Account is locked. Please contact support';

/** The cause behind an eNom error text (eNom answers HTTP 200 with errors in the body). */
export function enomFailureCause(text: string): FailureCause {
  if (/bad user ?name or password|invalid ; password|login ?id/i.test(text)) return 'credentials';
  if (/not permitted from this ip|invalid client ip/i.test(text)) return 'ip-not-allowed';
  // ASSUMPTION: any mention of a locked, suspended or disabled account.
  if (/\b(locked|suspended|disabled|deactivated)\b/i.test(text)) return 'account-locked';
  return 'provider-error';
}

/** "3/2/2026" or "12/15/2017 5:13:02 PM" to a UTC day. */
export function parseEnomDate(text: string | null): string | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec((text ?? '').trim());
  if (!match) return null;
  const value = dayFromParts(Number(match[3]), Number(match[1]), Number(match[2]));
  return value === null ? null : formatDay(value);
}

export function formatEnomDate(value: Day): string {
  const [year, month, dayOfMonth] = formatDay(value).split('-').map(Number);
  return `${month}/${dayOfMonth}/${year}`;
}

/** CertGetCertDetail's date and time, "12/15/2017 5:13:02 PM", of a day and the seconds into it. */
export function formatEnomDateTime(value: Day, secondsOfDay: number): string {
  const seconds = Math.max(0, Math.min(86_399, Math.floor(secondsOfDay)));
  const hours = Math.floor(seconds / 3600);
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  return `${formatEnomDate(value)} ${clock} ${hours < 12 ? 'AM' : 'PM'}`;
}

/**
 * The CSR of a CertGetCertDetail answer (`interface-response`): `CertGetCertDetail/CSR`, a CDATA PEM
 * (providers.md §3.7). Empty before the certificate is configured. ASSUMPTION: after
 * CertReissueCert it holds the reissue's CSR (the reference says only "CSR code").
 */
export function readEnomCsr(root: unknown): CsrText {
  return readCsrText(xmlText(xmlAt(root, 'CertGetCertDetail', 'CSR')));
}

/** "2,261.65" or "-1,832.23" to a number; null for anything else. */
export function parseEnomAmount(text: string | null): number | null {
  const cleaned = (text ?? '').trim().replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

export function formatEnomAmount(amount: number): string {
  return amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** ASSUMPTION: the validation type from eNom's product description. */
export function enomValidation(productDescription: string): ValidationType | null {
  if (/\bEV\b|extended validation/i.test(productDescription)) return 'ev';
  if (/businessid|organi[sz]ation|\bOV\b|instantssl|premium ssl|true business/i.test(productDescription)) return 'ov';
  if (/rapidssl|quickssl|positivessl|domain|\bDV\b|essential|ssl certificate/i.test(productDescription)) return 'dv';
  return null;
}

/** ASSUMPTION: multi-domain products carry UCC/SAN/multi-domain in their name or allow more than one domain. */
export function enomMultiDomain(productDescription: string, domainCountAllowed: number | null): boolean {
  return (domainCountAllowed ?? 0) > 1 || /\b(UCC|SAN|multi-?domain|unified communications)\b/i.test(productDescription);
}

/** CertStatusID to certops' status (the doc's table; 3, 5 and 11 are obsolete). */
export function enomStatus(statusId: number | null, isExpired: boolean): CertificateStatus {
  if (isExpired) return 'expired';
  switch (statusId) {
    case 4:
    case 13:
      return 'issued';
    case 1:
    case 2:
    case 9:
    case 10:
    case 12:
      return 'pending';
    case 6:
    case 7:
    case 8:
      return 'cancelled';
    default:
      return 'unknown';
  }
}
