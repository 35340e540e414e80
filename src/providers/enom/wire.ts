/**
 * eNom's interface.asp in XML (providers.md §3), what both the client and the sandbox must agree on.
 * Confirmed: command/uid/pw/responsetype parameters, the interface-response envelope, ErrCount and
 * errors/ErrN, GetBalance's comma-separated amounts, CertGetCerts paging (StartPosition, at most 250
 * per page) and field names, M/D/YYYY dates, CertReissueCert's CertID/CSR, CertGetCertDetail's
 * CertID and its `CertGetCertDetail` wrapper with the CSR (CDATA, "NEW CERTIFICATE REQUEST" armour,
 * indented lines), the private key (PVT) beside it, and its `M/D/YYYY h:mm:ss AM/PM` dates.
 * Also confirmed: CertGetCertDetail's lifecycle fields (DVAuthMethod, AuthStatusName, ApproverEmail,
 * FileAuthName/Contents, DNSAuthEntry/Address, CertStatusID/CertStatus/CertStatusDetail, ReissueStatus,
 * SSLCertificate as a PEM in CDATA, CACerts, IntermediateCertificates/ICAn), the CertStatusID table,
 * and GetBalance's Balance beside AvailableBalance.
 * ASSUMPTIONS (one function each, so one edit fixes them): the wording of a locked-account error;
 * which product names mean DV/OV/EV, multi-domain, and reissue through CertReissueCert; that the
 * detail's CSR is the last reissue's once there was one; ReissueStatus's words; the detail's
 * DVAuthMethod words; which DNSAuthEntry/DNSAuthAddress is the record's name; where FileAuthName is
 * served; the form of CACerts.
 */
import { formatDay, dayFromParts, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import { readCsrText, type CsrText } from '../csr-pem.js';
import type { CertificateStatus, FailureCause, OrderStage, ValidationNeeds } from '../types.js';
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

/**
 * What each CertStatusID means (the doc's table; 3, 5 and 11 are obsolete): the one table both the
 * list's status and an order's stage are read from.
 */
const ENOM_STATUS_KINDS: Readonly<Record<number, 'issued' | 'waiting' | 'rejected' | 'refunded'>> = {
  4: 'issued',
  13: 'issued',
  1: 'waiting',
  2: 'waiting',
  9: 'waiting',
  10: 'waiting',
  12: 'waiting',
  6: 'rejected',
  7: 'refunded',
  8: 'refunded',
};

/** CertStatusID to certops' status. */
export function enomStatus(statusId: number | null, isExpired: boolean): CertificateStatus {
  if (isExpired) return 'expired';
  const kind = statusId === null ? undefined : ENOM_STATUS_KINDS[statusId];
  return kind === 'issued' ? 'issued' : kind === 'waiting' ? 'pending' : kind === undefined ? 'unknown' : 'cancelled';
}

/** The CertStatusID table of eNom's reference (CertGetCerts' CertStatusID filter); 3, 5 and 11 are obsolete. */
export const ENOM_CERT_STATUS_NAMES: Readonly<Record<number, string>> = {
  1: 'Awaiting Configuration',
  2: 'Processing',
  4: 'Certificate Issued',
  6: 'Rejected by Customer',
  7: 'Refunded - No Cert Issued',
  8: 'Refunded - Cert Issued',
  9: 'Approval Email Sent',
  10: 'Approved by Domain Owner',
  12: 'Pending Installation',
  13: 'Cert Installed',
};

/**
 * Whether a CertStatus text says the certificate is issued: "Certificate Issued", "Cert Issued" (eNom's
 * own sample), "Cert Installed". "Refunded - Cert Issued" and "Refunded - No Cert Issued" do not.
 */
export function enomTextSaysIssued(text: string | null): boolean {
  return /^\s*cert(ificate)?\s+(issued|installed)\s*$/i.test(text ?? '');
}

/**
 * CertStatusID beside CertStatus. eNom's own CertGetCerts sample pairs "Cert Issued" with CertStatusID
 * 7 ("Refunded - No Cert Issued"), so where the text says issued and the id does not, the text wins;
 * `disagreement` says so, for the log.
 */
export function enomStatusOf(statusId: number | null, statusText: string | null, isExpired: boolean): { status: CertificateStatus; disagreement: string | null } {
  const byId = enomStatus(statusId, isExpired);
  if (!enomTextSaysIssued(statusText) || statusId === 4 || statusId === 13) return { status: byId, disagreement: null };
  const named = statusId === null ? 'no CertStatusID' : `CertStatusID ${statusId}${ENOM_CERT_STATUS_NAMES[statusId] ? ` ("${ENOM_CERT_STATUS_NAMES[statusId]}")` : ''}`;
  return { status: isExpired ? 'expired' : 'issued', disagreement: `CertStatus "${(statusText ?? '').trim()}" disagrees with ${named}; taken as issued, as the text says` };
}

/**
 * Where an order stands by its certificate status (no reissue under way): issued (4, 13, or a text that
 * says issued), validating (1, 2, 9, 10, 12), failed (6 Rejected by Customer), cancelled (7 and 8,
 * refunded); null for an id certops does not know.
 */
export function enomOrderStage(statusId: number | null, statusText: string | null): OrderStage | null {
  if (enomTextSaysIssued(statusText)) return 'issued';
  const kind = statusId === null ? undefined : ENOM_STATUS_KINDS[statusId];
  return kind === 'issued' ? 'issued' : kind === 'waiting' ? 'validating' : kind === 'rejected' ? 'failed' : kind === 'refunded' ? 'cancelled' : null;
}

/** Where a reissue stands, as ReissueStatus tells it. */
export type EnomReissueState = 'validating' | 'failed' | 'cancelled' | 'issued';

/**
 * ASSUMPTION: ReissueStatus's values are not documented. CertGetCerts types it boolean ("Reissue
 * status"), CertGetCertDetail a string, and eNom keeps it apart from CertStatus (which stays the
 * certificate in force's, "Certificate Issued", through a reissue). Guessed: the list says "True"
 * while a reissue waits for validation and nothing otherwise; the detail says "Pending", "Rejected",
 * "Cancelled", then "Reissued" once the reissued certificate is issued. The sandbox writes these
 * words; the client reads them and their likely neighbours.
 */
export function enomReissueStatus(state: EnomReissueState | null, field: 'list' | 'detail'): string {
  if (field === 'list') return state === 'validating' ? 'True' : '';
  return state === null ? '' : { validating: 'Pending', failed: 'Rejected', cancelled: 'Cancelled', issued: 'Reissued' }[state];
}

/** ReissueStatus read back (list or detail): null when it names no reissue (empty, "False", unknown words). See enomReissueStatus. */
export function enomReissueState(text: string | null): EnomReissueState | null {
  const value = (text ?? '').trim();
  if (/^(true|pending|processing|in progress|submitted|requested|awaiting\b.*|waiting\b.*)$/i.test(value)) return 'validating';
  if (/^(rejected|failed|denied|declined)$/i.test(value)) return 'failed';
  if (/^(cancell?ed|refunded)$/i.test(value)) return 'cancelled';
  if (/^(reissued|completed?|issued)$/i.test(value)) return 'issued';
  return null;
}

/**
 * ASSUMPTION: DVAuthMethod's values in CertGetCertDetail. "DNS" is in eNom's sample; "File" and
 * "Email" are CertPurchaseCert's DVAuthMethod inputs, guessed to come back as written.
 */
export const ENOM_DV_AUTH_METHODS = { dns: 'DNS', http: 'File', email: 'Email' } as const;

export function enomValidationMethod(dvAuthMethod: string | null): ValidationNeeds['method'] {
  const value = (dvAuthMethod ?? '').trim().toLowerCase();
  if (value === 'dns' || value === 'cname' || value === 'txt') return 'dns';
  if (value === 'file' || value === 'http' || value === 'https') return 'http';
  if (value === 'email' || value === 'e-mail') return 'email';
  return 'unknown';
}

/** The record type eNom asks for; see enomDnsRecord. */
export const ENOM_DNS_RECORD_TYPE = 'TXT';

/**
 * ASSUMPTION: the reference says only "DNS authentication entry" and "DNS authentication address or
 * timestamp". Its sample has DNSAuthEntry "s23lxkrm431e2d23d1188qij441a" (a token) and
 * DNSAuthAddress "s20201215064552.buditest.com" (a host under the domain): the address is the
 * record's name, the entry its value, a TXT record (the type is not given); no address means the
 * domain itself. enomDnsAuthFields writes the same pairing for the sandbox.
 */
export function enomDnsRecord(entry: string | null, address: string | null, domain: string | null): ValidationNeeds['dnsRecord'] {
  const value = (entry ?? '').trim();
  const name = (address ?? '').trim() || (domain ?? '').trim();
  return value && name ? { name, type: ENOM_DNS_RECORD_TYPE, value } : null;
}

export function enomDnsAuthFields(name: string, value: string): { DNSAuthEntry: string; DNSAuthAddress: string } {
  return { DNSAuthEntry: value, DNSAuthAddress: name };
}

/** Where the CA looks for a validation file (CA/Browser Forum Baseline Requirements 3.2.2.4.18). */
const PKI_VALIDATION_PATH = '/.well-known/pki-validation/';

/**
 * ASSUMPTION: FileAuthName is "File authentication name" with no word on where it is served. Guessed:
 * a bare file name is served from /.well-known/pki-validation/ (where the Baseline Requirements put
 * it), a name with a slash is a path from the site's root. enomFileAuthName writes it for the sandbox.
 */
export function enomHttpFile(fileAuthName: string | null, contents: string | null): ValidationNeeds['httpFile'] {
  const name = (fileAuthName ?? '').trim();
  if (!name) return null;
  return { path: name.includes('/') ? `/${name.replace(/^\/+/, '')}` : `${PKI_VALIDATION_PATH}${name}`, content: contents ?? '' };
}

export function enomFileAuthName(path: string): string {
  return path.startsWith(PKI_VALIDATION_PATH) && !path.slice(PKI_VALIDATION_PATH.length).includes('/') ? path.slice(PKI_VALIDATION_PATH.length) : path;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * The certificates in a PEM field (SSLCertificate, CACerts, ICAn): every CERTIFICATE block, whatever
 * its indentation (eNom indents the lines inside CDATA), as a canonical PEM (64-character lines, a
 * final newline). An empty armour holds none. Throws on a block that is not base64.
 */
export function readEnomCertificates(text: string | null): string[] {
  const pems: string[] = [];
  for (const match of (text ?? '').matchAll(CERTIFICATE_BLOCK)) {
    const body = (match[1] ?? '').replace(/\s+/g, '');
    if (body === '') continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) throw new Error('a CERTIFICATE block is not base64');
    pems.push(`-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`);
  }
  return pems;
}

/**
 * ASSUMPTION: CACerts is documented only as "Intermediate Certificate" (a string), empty in the
 * sample. Guessed: the CA's certificates as PEM blocks one after another in the CDATA, lines indented
 * as in SSLCertificate, the intermediate first and the root last, as CA bundles come. The client
 * takes any order and drops a root, so a different order or no root costs nothing.
 */
export function enomCaCerts(intermediates: readonly string[], root: string | null): string {
  return [...intermediates, ...(root ? [root] : [])].map((pem) => enomIndentedPem(pem, 'CERTIFICATE')).join('\n  ');
}

/** A PEM as eNom's samples write it inside CDATA: its armour label, every line after the first indented. */
export function enomIndentedPem(pem: string, label: string): string {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').trim().split(/\s+/).filter(Boolean);
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join('\n  ');
}
