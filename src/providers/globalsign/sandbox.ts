/**
 * A local GlobalSign: the v1 AccountService, GASService and ServerSSLService paths speaking SOAP 1.1
 * as the real ones do (providers.md §2), on the sandbox kit. It serves AccountSnapshot,
 * GetOrderByDateRange, GetOrderByOrderID and ReIssue; anything else gets the SOAP fault a CXF server
 * gives for an unknown operation. Times are written at +09:00, as GlobalSign's servers write them.
 *
 * Order ids: `CE` and twelve digits, 1 followed by the book index for the original orders, 9
 * followed by a counter for reissues. A reissue is a new order, as on GlobalSign: placed on the
 * sandbox's today (so GetOrderByDateRange lists it in today's window, and the order it replaces in
 * its own, still issued with its old dates), naming the order it replaces in
 * `OriginalOrderIDForReIssue`, waiting (status 1 or 2) until the book's validation, then issued (4)
 * with the new dates, or denied (10) or cancelled - not issued (3). A second ReIssue of a replaced
 * order, or of one whose reissue is under way, answers -4016. Reissues begun in the panel become
 * orders the first time the sandbox looks at their certificate (or any window holding today).
 *
 * GetOrderByOrderID honours ReturnOrderOption (the approver e-mail), ReturnCertificateInfo (dates
 * once issued; the status and common name only while waiting, as recorded), ReturnFulfillment (the
 * ROOT and INTER certificates, the leaf the sandbox's CA signed for the order's CSR with the www twin
 * GlobalSign adds, its PKCS#7) and, inside Fulfillment only, ReturnOriginalCSR: the order's CSR (made
 * on first request for an order never sent one; the reissue's for a reissue order). What a waiting
 * order's validation needs and why an order was denied are written where wire.ts guesses.
 */
import { dayOfInstant, type Day } from '../../rules/calendar.js';
import type { ProviderSandbox } from '../provider-module.js';
import type { SandboxCertificate, SandboxValidation } from '../sandbox-kit/dataset.js';
import type { SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import { escapeXml, parseProviderXml, xmlAt, xmlText, type XmlNode } from '../xml.js';
import {
  ERROR_ACCOUNT_LOCKED,
  ERROR_ALREADY_REISSUED,
  ERROR_BAD_COMBINATION,
  ERROR_FORMAT,
  ERROR_INVALID_CSR,
  ERROR_IP_NOT_ALLOWED,
  ERROR_LOGIN,
  ERROR_MANDATORY_MISSING,
  ERROR_ORDER_NOT_FOUND,
  ERROR_TARGET_EXPIRED,
  ERROR_TOO_MANY_ORDERS,
  FAILURE,
  GLOBALSIGN_MAX_ORDERS_PER_WINDOW,
  GLOBALSIGN_NAMESPACE,
  GLOBALSIGN_OPERATIONS,
  GLOBALSIGN_SERVICES,
  GLOBALSIGN_STATUS_NAMES,
  MESSAGE_ACCOUNT_LOCKED,
  MESSAGE_IP_NOT_ALLOWED,
  MESSAGE_LOGIN,
  MESSAGE_TOO_MANY_ORDERS,
  SOAP_ENVELOPE_NAMESPACE,
  SUCCESS,
  SUCCESS_WITH_WARNING,
  formatGlobalsignTimestamp,
  globalsignOrderRemark,
  globalsignSanOptionType,
  globalsignVerificationXml,
  globalsignWwwTwin,
  parseGlobalsignInstant,
  type GlobalsignOperation,
  type ResponseHeaderName,
} from './wire.js';

const BASE_PATH = '/kb/ws/v1/';
const MS_PER_DAY = 86_400_000;
const ORIGINAL_ID_BASE = 100_000_000_000;
const REISSUE_ID_BASE = 900_000_000_000;
const XML = 'text/xml;charset=UTF-8';
const NIL = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"';

interface SandboxError {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** What an order of a reissue chain came to, as last seen in the book. */
type SeenState =
  | { readonly state: 'validating' }
  | { readonly state: 'failed' | 'cancelled'; readonly reason: string | null }
  /** Issued: its certificate's dates, CSR and leaf (made when first asked for, once superseded). */
  | { readonly state: 'issued'; readonly validFrom: Day; readonly validTo: Day; csr: string | null; pem: string | null };

/** An order of a reissue chain: the original order (number 0) or the n-th reissue. */
interface ChainOrder {
  readonly id: string;
  readonly index: number;
  readonly number: number;
  /** OriginalOrderIDForReIssue: the order in force when this reissue was asked for. */
  readonly replaces: string | null;
  /** When the reissue was placed; null for the original (its order date is the book's). */
  readonly orderedAtMs: number | null;
  /** The CSR the reissue was sent with. */
  readonly csr: string | null;
  readonly validation: SandboxValidation | null;
  /**
   * Refreshed from the book while this is the chain's newest order; frozen once a later reissue is
   * accepted (the book keeps only the newest reissue).
   */
  seen: SeenState;
}

/** The orders reissues have created, kept in the sandbox's state. */
interface Ledger {
  next: number;
  /** Reissue order id → order. */
  readonly orders: Map<string, ChainOrder>;
  /** Book index → its orders, the original first. */
  readonly chains: Map<number, ChainOrder[]>;
}

function ledger(context: SandboxContext): Ledger {
  let value = context.state.get('globalsign-orders') as Ledger | undefined;
  if (!value) {
    value = { next: 1, orders: new Map(), chains: new Map() };
    context.state.set('globalsign-orders', value);
  }
  return value;
}

export function originalOrderId(index: number): string {
  return `CE${ORIGINAL_ID_BASE + index}`;
}

/** The book index of an original order id, or null. */
function originalIndex(id: string, context: SandboxContext): number | null {
  const match = /^CE(\d{12})$/.exec(id.trim());
  const number = match ? Number(match[1]) - ORIGINAL_ID_BASE : NaN;
  if (!Number.isInteger(number) || number < 0 || number >= context.book.size || number >= REISSUE_ID_BASE - ORIGINAL_ID_BASE) return null;
  return number;
}

/** Product codes as GlobalSign's: AlphaSSL (DV_LOW) and DomainSSL for DV, OrganizationSSL, ExtendedSSL. */
export function globalsignProduct(cert: SandboxCertificate): string {
  if (cert.validation === 'ev') return 'EV_SHA2';
  if (cert.validation === 'ov') return 'OV_SHA2';
  return cert.index % 2 === 0 ? 'DV_LOW_SHA2' : 'DV_SHA2';
}

/** The status code of a book certificate; expired ones are issued (4) with a past EndDate. */
function statusCode(cert: SandboxCertificate): number {
  switch (cert.status) {
    case 'pending':
      return cert.index % 2 === 0 ? 1 : 2;
    case 'cancelled':
      return cert.index % 2 === 0 ? 3 : 5;
    case 'revoked':
      return cert.index % 3 === 0 ? 6 : 7;
    default:
      return 4;
  }
}

/** An instant within a day, fixed per index, so times cross midnight at +09:00 for some orders. */
const orderInstant = (cert: SandboxCertificate) => cert.orderDate * MS_PER_DAY + ((cert.index * 7_919) % 1_440) * 60_000 + (cert.index % 1000);

/** The certificate in force in the book, as an issued order's state. */
const inForce = (cert: SandboxCertificate): SeenState => ({ state: 'issued', validFrom: cert.validFrom, validTo: cert.validTo, csr: cert.csr, pem: cert.certificatePem });

/** The newest order's state from the book. */
function currentState(order: ChainOrder, cert: SandboxCertificate): SeenState {
  const pending = cert.pending;
  if (pending && pending.number === order.number) return pending.state === 'validating' ? { state: 'validating' } : { state: pending.state, reason: pending.reason };
  return inForce(cert);
}

/**
 * The final state of the chain's newest order once the book has accepted the next reissue. While
 * that reissue is not issued, the book's certificate is still the one before it. A reissue validated
 * or failed and then followed by another, all without a request in between, left no trace in the
 * book: it is taken as failed.
 */
function settledState(order: ChainOrder, cert: SandboxCertificate): SeenState {
  if (order.csr !== null && cert.csr === order.csr) return inForce(cert);
  return order.seen.state === 'validating' ? { state: 'failed', reason: null } : order.seen;
}

/**
 * The orders of a certificate's reissue chain, brought up to date with the book: a reissue the book
 * has accepted (through ReIssue, or in the panel) becomes a new order placed on the sandbox's today,
 * replacing the newest order with a certificate. null for a certificate never reissued (unless
 * `create`: ReIssue keeps the original's certificate before the book moves on). An original first
 * seen after a reissue of it was validated shows the book's certificate: the old one is gone.
 */
function sync(context: SandboxContext, index: number, create = false): ChainOrder[] | null {
  const orders = ledger(context);
  const cert = context.book.get(index);
  let chain = orders.chains.get(index);
  if (!chain) {
    if (cert.reissues === 0 && !create) return null;
    chain = [{ id: originalOrderId(index), index, number: 0, replaces: null, orderedAtMs: null, csr: null, validation: null, seen: inForce(cert) }];
    orders.chains.set(index, chain);
  }
  let latest = chain[chain.length - 1] as ChainOrder;
  while (latest.number < cert.reissues) {
    const number = latest.number + 1;
    if (latest.number > 0) latest.seen = settledState(latest, cert);
    const pending = cert.pending?.number === number ? cert.pending : null;
    const replaced = [...chain].reverse().find((order) => order.seen.state === 'issued') ?? (chain[0] as ChainOrder);
    // Placed today, after the order it follows, and never past today (the listing ends there).
    const previousAt = latest.orderedAtMs ?? orderInstant(cert);
    const todayStart = context.today * MS_PER_DAY;
    const at = todayStart + ((pending?.requestedAtMs ?? Date.now()) % MS_PER_DAY);
    const orderedAtMs = Math.min(todayStart + MS_PER_DAY - 1, Math.max(at, previousAt + 60_000));
    const order: ChainOrder = {
      id: `CE${REISSUE_ID_BASE + orders.next}`,
      index,
      number,
      replaces: replaced.id,
      orderedAtMs,
      csr: pending?.csr ?? (number === cert.reissues ? cert.csr : null),
      validation: pending?.validation ?? null,
      seen: { state: 'validating' },
    };
    orders.next += 1;
    chain.push(order);
    orders.orders.set(order.id, order);
    latest = order;
  }
  if (latest.number > 0) latest.seen = currentState(latest, cert);
  return chain;
}

/** The order whose certificate is the book's: the newest issued one of the chain, else the original. */
function orderInForce(chain: readonly ChainOrder[]): ChainOrder {
  for (let i = chain.length - 1; i > 0; i -= 1) if ((chain[i] as ChainOrder).seen.state === 'issued') return chain[i] as ChainOrder;
  return chain[0] as ChainOrder;
}

/** An order as the answers show it. */
interface OrderView {
  readonly id: string;
  readonly cert: SandboxCertificate;
  readonly replaces: string | null;
  readonly orderedAtMs: number;
  readonly code: number;
  /** Dates of the certificate issued under it; null when none was. */
  readonly dates: { readonly validFrom: Day; readonly validTo: Day } | null;
  /** Its certificate is the book's (CSR and leaf come from the book). */
  readonly inForce: boolean;
  /** Its place in a reissue chain; null for an order never reissued. */
  readonly order: ChainOrder | null;
}

/** How an order's state shows in its status code: 1 or 2 waiting, 4 issued, 10 denied, 3 cancelled - not issued. */
function reissueCode(order: ChainOrder): number {
  switch (order.seen.state) {
    case 'validating':
      return (order.index + order.number) % 2 === 0 ? 1 : 2;
    case 'failed':
      return 10;
    case 'cancelled':
      return 3;
    default:
      return 4;
  }
}

function viewOf(context: SandboxContext, index: number, id: string): OrderView | null {
  const cert = context.book.get(index);
  const chain = sync(context, index);
  const order = chain?.find((entry) => entry.id === id) ?? null;
  if (chain && !order) return null;
  if (!chain || !order) {
    if (id !== originalOrderId(index)) return null;
    const code = statusCode(cert);
    return { id, cert, replaces: null, orderedAtMs: orderInstant(cert), code, dates: code >= 4 ? { validFrom: cert.validFrom, validTo: cert.validTo } : null, inForce: true, order: null };
  }
  const current = orderInForce(chain) === order;
  const code = order.number === 0 ? statusCode(cert) : reissueCode(order);
  const seen = order.seen;
  const dates = current ? { validFrom: cert.validFrom, validTo: cert.validTo } : seen.state === 'issued' ? { validFrom: seen.validFrom, validTo: seen.validTo } : null;
  return { id, cert, replaces: order.replaces, orderedAtMs: order.orderedAtMs ?? orderInstant(cert), code, dates: code >= 4 && code <= 7 ? dates : null, inForce: current, order };
}

/** The order an id names, brought up to date; null when there is none. */
function findOrder(id: string, context: SandboxContext): OrderView | null {
  const trimmed = id.trim();
  const original = originalIndex(trimmed, context);
  if (original !== null) return viewOf(context, original, trimmed);
  const order = ledger(context).orders.get(trimmed);
  return order ? viewOf(context, order.index, trimmed) : null;
}

/** GlobalSign adds the www twin to a single-domain certificate (www.x ↔ x); not to a wildcard. */
function extraNames(cert: SandboxCertificate): readonly string[] {
  return cert.multiDomain || cert.mainDomain.startsWith('*.') ? [] : [globalsignWwwTwin(cert.mainDomain)];
}

/** A PEM as GlobalSign writes it in an answer: each line ended by an escaped CR and a newline. */
function pemXml(pem: string): string {
  return `${pem
    .trim()
    .split(/\r?\n/)
    .map((line) => escapeXml(line.trim()))
    .join('&#xD;\n')}&#xD;\n`;
}

/**
 * OriginalCSR as the sandbox writes it: GlobalSign's form is unconfirmed (wire.ts reads both), so even
 * book indexes get a PEM with the CRLF line ends of GlobalSign's certificates, odd ones bare base64.
 */
function originalCsrXml(pem: string, index: number): string {
  if (index % 2 === 1) return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return pem
    .trim()
    .split(/\r?\n/)
    .map((line) => escapeXml(line.trim()))
    .join('&#xD;\n');
}

/** The CSR an order's certificate was asked with (made now for a superseded order the sandbox never asked for one). */
async function csrOfOrder(view: OrderView, context: SandboxContext): Promise<string> {
  const order = view.order;
  if (view.inForce) return context.book.csrOf(view.cert.index);
  if (order && order.number > 0 && order.seen.state !== 'issued' && order.csr) return order.csr;
  const seen = order?.seen;
  if (seen?.state === 'issued') {
    if (seen.csr === null) {
      const { createSandboxCsr } = await import('../sandbox-kit/csr.js');
      seen.csr ??= (await createSandboxCsr(view.cert.mainDomain, view.cert.otherNames)).csr;
    }
    return seen.csr;
  }
  return order?.csr ?? context.book.csrOf(view.cert.index);
}

/** The leaf of an issued order: the book's for the one in force, else signed once for its CSR and dates. */
async function leafOf(view: OrderView, context: SandboxContext): Promise<string> {
  if (view.inForce) return context.certificatePemOf(view.cert.index);
  const seen = view.order?.seen;
  if (seen?.state !== 'issued') throw new Error(`order ${view.id} has no certificate`);
  if (seen.pem === null) {
    const csr = await csrOfOrder(view, context);
    seen.pem ??= await (await context.ca()).issue(csr, seen.validFrom, seen.validTo, extraNames(view.cert));
  }
  return seen.pem;
}

interface DetailOptions {
  readonly orderOption: boolean;
  readonly certificateInfo: boolean;
  readonly fulfillment: boolean;
  readonly originalCsr: boolean;
  readonly sanEntries: boolean;
}

async function orderDetailXml(view: OrderView, context: SandboxContext, options: DetailOptions): Promise<string> {
  const { cert, code, id } = view;
  const reissue = view.order !== null && view.order.number > 0 ? view.order : null;
  const ordered = view.orderedAtMs;
  const time = (ms: number) => formatGlobalsignTimestamp(ms);
  const issued = view.dates !== null;
  const validation = reissue?.validation ?? null;
  const base = cert.mainDomain.replace(/^www\./, '');
  const price = reissue ? 0 : cert.termYears * 249 + (cert.multiDomain ? 150 : 0);
  const info =
    `<OrderInfo><OrderId>${escapeXml(id)}</OrderId>${view.replaces ? `<OriginalOrderIDForReIssue>${escapeXml(view.replaces)}</OriginalOrderIDForReIssue>` : ''}` +
    `<ProductCode>${globalsignProduct(cert)}</ProductCode><OrderKind>new</OrderKind><Licenses>1</Licenses>` +
    `<DomainName>${escapeXml(cert.mainDomain)}</DomainName><OrderDate>${time(ordered)}</OrderDate>` +
    (issued ? `<OrderCompleteDate>${time(ordered + 20 * 60_000)}</OrderCompleteDate>` : '') +
    (code === 3 || code === 5 ? `<OrderCanceledDate>${time(ordered + (reissue ? 60 * 60_000 : 3 * MS_PER_DAY))}</OrderCanceledDate>` : '') +
    `<OrderStatus>${code}</OrderStatus><Price>${price.toFixed(2)}</Price><Currency>USD</Currency>` +
    `<ValidityPeriod><Months>${cert.termYears * 12}</Months></ValidityPeriod></OrderInfo>`;
  const verificationUrl = validation?.method === 'http' && validation.httpPath ? `<VerificationUrl>${escapeXml(`http://${base}${validation.httpPath}`)}</VerificationUrl>` : '';
  const subInfo =
    `<OrderSubInfo><CSRSkipOrderFlag>false</CSRSkipOrderFlag><DNSOrderFlag>${validation?.method === 'dns'}</DNSOrderFlag><TrustedOrderFlag>false</TrustedOrderFlag>` +
    `<P12DeleteStatus>false</P12DeleteStatus>${verificationUrl}<SubId>0</SubId></OrderSubInfo>`;
  const approver = validation?.method === 'email' ? validation.approverEmail : null;
  const orderOption = options.orderOption
    ? `<OrderOption>${approver ? `<ApproverNotifiedDate>${time(ordered + 60_000)}</ApproverNotifiedDate>` : ''}` +
      `${approver && issued ? `<ApproverConfirmDate>${time(ordered + 15 * 60_000)}</ApproverConfirmDate>` : ''}` +
      `${approver ? `<ApproverEmailAddress>${escapeXml(approver)}</ApproverEmailAddress>` : ''}` +
      `<OrganizationInfo><OrganizationName>${escapeXml(base)}</OrganizationName><OrganizationAddress><AddressLine1>1 Sandbox Street</AddressLine1>` +
      `<City>Tokyo</City><Region>Tokyo</Region><Country>JP</Country><Phone>+81.300000000</Phone></OrganizationAddress></OrganizationInfo></OrderOption>`
    : '';
  const start = (view.dates?.validFrom ?? 0) * MS_PER_DAY + ((cert.index * 131) % 1_440) * 60_000;
  // A certificate's last instant is the start of its expiry day: "expires" is the first day it is not valid.
  const end = (view.dates?.validTo ?? 0) * MS_PER_DAY;
  const serial = (0x1000000 + cert.index * 0x9e37 + (view.order?.number ?? 0)).toString(16).toUpperCase();
  // As recorded for an order still waiting: the status and common name, no dates.
  const certificate = !options.certificateInfo
    ? ''
    : issued
      ? `<CertificateInfo><CertificateStatus>${code}</CertificateStatus><StartDate>${time(start)}</StartDate><EndDate>${time(end)}</EndDate>` +
        `<CommonName>${escapeXml(cert.mainDomain)}</CommonName><SerialNumber>${serial}</SerialNumber>` +
        `<SubjectName>CN = ${escapeXml(cert.mainDomain)}</SubjectName></CertificateInfo>`
      : `<CertificateInfo><CertificateStatus>${code}</CertificateStatus><CommonName>${escapeXml(cert.mainDomain)}</CommonName><DNSNames ${NIL}/></CertificateInfo>`;
  const sans =
    options.sanEntries && cert.otherNames.length > 0
      ? `<SANEntries>${cert.otherNames
          .map((name) => `<SANEntry><SANOptionType>${globalsignSanOptionType(name, cert.mainDomain)}</SANOptionType><SubjectAltName>${escapeXml(name)}</SubjectAltName></SANEntry>`)
          .join('')}</SANEntries>`
      : '';
  // OriginalCSR is a child of Fulfillment: ReturnOriginalCSR alone asks for nothing.
  let fulfillment = '';
  if (options.fulfillment) {
    let inner = '';
    if (issued) {
      const ca = await context.ca();
      const leaf = await leafOf(view, context);
      const pkcs7 = ca.pkcs7([leaf, ca.intermediatePem]);
      // The ROOT first, as in GlobalSign's recorded answer: a client must order them by name.
      inner +=
        `<CACertificates><CACertificate><CACertType>ROOT</CACertType><CACert>${pemXml(ca.rootPem)}</CACert></CACertificate>` +
        `<CACertificate><CACertType>INTER</CACertType><CACert>${pemXml(ca.intermediatePem)}</CACert></CACertificate></CACertificates>` +
        `<ServerCertificate><X509Cert>${pemXml(leaf)}</X509Cert><PKCS7Cert>${pemXml(pkcs7)}</PKCS7Cert></ServerCertificate>`;
    }
    if (options.originalCsr) inner += `<OriginalCSR>${originalCsrXml(await csrOfOrder(view, context), cert.index)}</OriginalCSR>`;
    fulfillment = inner ? `<Fulfillment>${inner}</Fulfillment>` : `<Fulfillment ${NIL}/>`;
  }
  const verification = validation
    ? globalsignVerificationXml({ dnsName: validation.dnsName, dnsValue: validation.dnsValue, fileContent: validation.method === 'http' ? validation.httpContent : null })
    : '';
  return `<OrderDetail>${info}${subInfo}${orderOption}${certificate}${sans}${fulfillment}${verification}</OrderDetail>`;
}

function soap(body: string, status = 200): SandboxResponse {
  return {
    status,
    contentType: XML,
    body: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NAMESPACE}"><soap:Body>${body}</soap:Body></soap:Envelope>`,
  };
}

/** What Apache CXF (GlobalSign's stack) answers to a request it cannot unmarshal: HTTP 500 and a Fault. */
export function soapFaultResponse(faultcode: string, faultstring: string): SandboxResponse {
  return soap(`<soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soap:Fault>`, 500);
}

const errorXml = (e: SandboxError) =>
  `<Error><ErrorCode>${e.code}</ErrorCode>${e.field ? `<ErrorField>${escapeXml(e.field)}</ErrorField>` : ''}<ErrorMessage>${escapeXml(e.message)}</ErrorMessage></Error>`;

/** An answer: SuccessCode 0, 1 with warnings, or -1 with errors (and no payload). */
function answer(
  operation: string,
  header: ResponseHeaderName,
  context: SandboxContext,
  payload: string,
  errors: readonly SandboxError[] = [],
  warnings: readonly SandboxError[] = [],
): SandboxResponse {
  const now = context.today * MS_PER_DAY + (Date.now() % MS_PER_DAY);
  const listed = errors.length > 0 ? errors : warnings;
  const code = errors.length > 0 ? FAILURE : warnings.length > 0 ? SUCCESS_WITH_WARNING : SUCCESS;
  return soap(
    `<ns2:${operation}Response xmlns:ns2="${GLOBALSIGN_NAMESPACE}"><Response><${header}><SuccessCode>${code}</SuccessCode>` +
      `${listed.length === 0 ? '<Errors/>' : `<Errors>${listed.map(errorXml).join('')}</Errors>`}<Timestamp>${formatGlobalsignTimestamp(now)}</Timestamp></${header}>` +
      `${errors.length === 0 ? payload : ''}</Response></ns2:${operation}Response>`,
  );
}

const flag = (request: unknown, name: string) => /^true$/i.test(xmlText(xmlAt(request, 'OrderQueryOption', name)) ?? '');

function detailOptions(request: unknown): DetailOptions {
  return {
    orderOption: flag(request, 'ReturnOrderOption'),
    certificateInfo: flag(request, 'ReturnCertificateInfo'),
    fulfillment: flag(request, 'ReturnFulfillment'),
    originalCsr: flag(request, 'ReturnOriginalCSR'),
    sanEntries: flag(request, 'ReturnSANEntries'),
  };
}

/**
 * Brings every reissued certificate's chain up to date, so reissues begun in the panel show as
 * orders: all reissues are placed on the sandbox's today, so only a window holding today needs it.
 */
function syncAll(context: SandboxContext): void {
  const { book } = context;
  for (let index = 0; index < book.size; index += 1) if (book.get(index).reissues > 0) sync(context, index);
}

async function getOrderByDateRange(request: unknown, context: SandboxContext, fail: (error: SandboxError) => SandboxResponse): Promise<SandboxResponse> {
  const fromText = xmlText(xmlAt(request, 'FromDate'));
  const toText = xmlText(xmlAt(request, 'ToDate'));
  if (!fromText || !toText) return fail({ code: ERROR_MANDATORY_MISSING, field: fromText ? 'ToDate' : 'FromDate', message: 'The mandatory parameter is missing.' });
  const from = parseGlobalsignInstant(fromText);
  const to = parseGlobalsignInstant(toText);
  if (from === null || to === null) return fail({ code: ERROR_FORMAT, field: from === null ? 'FromDate' : 'ToDate', message: 'Parameter format error.' });
  if (from > to) return fail({ code: ERROR_BAD_COMBINATION, field: 'FromDate', message: 'FromDate is later than ToDate.' });
  const { book } = context;
  const [start, end] = book.rangeByOrderDate(dayOfInstant(new Date(from)), dayOfInstant(new Date(to)));
  const todayStart = context.today * MS_PER_DAY;
  if (from < todayStart + MS_PER_DAY && to >= todayStart) syncAll(context);
  const reissues = [...ledger(context).orders.values()].filter((order) => order.orderedAtMs !== null && order.orderedAtMs >= from && order.orderedAtMs <= to);
  if (end - start + reissues.length > GLOBALSIGN_MAX_ORDERS_PER_WINDOW) return fail({ code: ERROR_TOO_MANY_ORDERS, message: MESSAGE_TOO_MANY_ORDERS });
  const options = detailOptions(request);
  const views: OrderView[] = [];
  for (let index = start; index < end; index += 1) {
    const ordered = orderInstant(book.get(index));
    const view = ordered >= from && ordered <= to ? viewOf(context, index, originalOrderId(index)) : null;
    if (view) views.push(view);
  }
  for (const order of reissues) {
    const view = viewOf(context, order.index, order.id);
    if (view) views.push(view);
  }
  views.sort((a, b) => a.orderedAtMs - b.orderedAtMs);
  const details: string[] = [];
  // empty-list and no-list: a window without orders (GlobalSign has no other way to say none).
  if (!context.faults.has('empty-list') && !context.faults.has('no-list')) for (const view of views) details.push(await orderDetailXml(view, context, options));
  return answer(
    'GetOrderByDateRange',
    'QueryResponseHeader',
    context,
    `<FromDate>${escapeXml(fromText)}</FromDate><ToDate>${escapeXml(toText)}</ToDate>${details.length > 0 ? `<OrderDetails>${details.join('')}</OrderDetails>` : ''}`,
  );
}

async function getOrderByOrderId(request: unknown, context: SandboxContext, fail: (error: SandboxError) => SandboxResponse): Promise<SandboxResponse> {
  const id = (xmlText(xmlAt(request, 'OrderID')) ?? '').trim();
  if (!id) return fail({ code: ERROR_MANDATORY_MISSING, field: 'OrderID', message: 'The mandatory parameter is missing.' });
  const view = findOrder(id, context);
  if (!view) return fail({ code: ERROR_ORDER_NOT_FOUND, field: 'OrderID', message: 'The specified OrderID does not exist.' });
  const detail = await orderDetailXml(view, context, detailOptions(request));
  const seen = view.order?.seen;
  // Why a reissue was denied or cancelled, where wire.ts guesses GlobalSign says it.
  const remark = seen && (seen.state === 'failed' || seen.state === 'cancelled') && view.order && view.order.number > 0 ? globalsignOrderRemark(seen.state, seen.reason ?? GLOBALSIGN_STATUS_NAMES[view.code] ?? 'Not issued') : null;
  // The WSDL's quirk: this query's answer names its header OrderResponseHeader.
  return answer('GetOrderByOrderID', 'OrderResponseHeader', context, `<OrderID>${escapeXml(id)}</OrderID>${detail}`, [], remark ? [{ ...remark, field: 'OrderID' }] : []);
}

/**
 * ReIssue of the order in force: refused with -4016 for an order a later one replaced or one whose
 * reissue is under way, with -4008 for an order that has no certificate. The book takes the reissue
 * (waiting for validation) and it becomes a new order replacing the target.
 */
async function reIssue(request: unknown, context: SandboxContext, fail: (error: SandboxError) => SandboxResponse): Promise<SandboxResponse> {
  const target = (xmlText(xmlAt(request, 'TargetOrderID')) ?? '').trim();
  const csr = xmlText(xmlAt(request, 'OrderParameter', 'CSR')) ?? '';
  if (!target) return fail({ code: ERROR_MANDATORY_MISSING, field: 'TargetOrderID', message: 'The mandatory parameter is missing.' });
  const found = findOrder(target, context);
  if (!found) return fail({ code: ERROR_ORDER_NOT_FOUND, field: 'TargetOrderID', message: 'The specified OrderID does not exist.' });
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----[A-Za-z0-9+/=\s]+-----END (NEW )?CERTIFICATE REQUEST-----/.test(csr)) {
    return fail({ code: ERROR_INVALID_CSR, field: 'OrderParameter.CSR', message: 'Invalid CSR.' });
  }
  const index = found.cert.index;
  const refusal = (): SandboxError | null => {
    const view = findOrder(target, context);
    const chain = ledger(context).chains.get(index);
    const newest = chain?.[chain.length - 1];
    if (view && view.inForce && !(newest && newest.number > 0 && newest.seen.state === 'validating')) return null;
    if (view && (view.inForce || view.order?.seen.state === 'issued')) {
      return { code: ERROR_ALREADY_REISSUED, field: 'TargetOrderID', message: 'The certificate has already been reissued.' };
    }
    return { code: ERROR_TARGET_EXPIRED, field: 'TargetOrderID', message: 'The target order has no issued certificate.' };
  };
  const early = refusal();
  if (early) return fail(early);
  // The order being replaced keeps its CSR: GetOrderByOrderID on its id answers with it afterwards.
  await context.book.csrOf(index);
  // Looked up again after the wait: a reissue that arrived meanwhile may have superseded the target.
  const late = refusal();
  if (late) return fail(late);
  sync(context, index, true);
  const result = context.reissue(index, csr.trim());
  if ('refused' in result) return fail({ code: ERROR_TARGET_EXPIRED, field: 'TargetOrderID', message: `The target certificate cannot be reissued: ${result.refused}.` });
  const chain = sync(context, index) as ChainOrder[];
  const id = (chain[chain.length - 1] as ChainOrder).id;
  return answer('ReIssue', 'OrderResponseHeader', context, `<OrderID>${id}</OrderID><TargetOrderID>${escapeXml(target)}</TargetOrderID>`);
}

function accountSnapshot(context: SandboxContext): SandboxResponse {
  const { balance, currency } = context.account;
  return answer('AccountSnapshot', 'QueryResponseHeader', context, `<Account><Balance>${balance.toFixed(2)}</Balance><Currency>${escapeXml(currency)}</Currency></Account>`);
}

const SERVICE_OPERATIONS: Readonly<Record<string, readonly GlobalsignOperation[]>> = {
  AccountService: ['AccountSnapshot'],
  GASService: ['GetOrderByDateRange', 'GetOrderByOrderID', 'ReIssue'],
  ServerSSLService: [],
};

export const globalsignSandboxProtocol: SandboxProtocol = {
  provider: 'globalsign',
  basePath: BASE_PATH,
  malformed: () => ({
    status: 200,
    contentType: XML,
    body: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NAMESPACE}"><soap:Body><ns2:AccountSnapshotResponse xmlns:ns2="${GLOBALSIGN_NAMESPACE}"><Response><QueryResponseHeader><SuccessCode>0</Succ`,
  }),

  indexOf(certificateId: string, context: SandboxContext): number | null {
    const id = certificateId.trim();
    return originalIndex(id, context) ?? ledger(context).orders.get(id)?.index ?? null;
  },

  extraNames,

  handle(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> | SandboxResponse {
    const service = request.url.pathname.startsWith(BASE_PATH) ? request.url.pathname.slice(BASE_PATH.length) : '';
    if (!(GLOBALSIGN_SERVICES as readonly string[]).includes(service)) return { status: 404, contentType: 'text/html', body: '<html><body><h1>404 Not Found</h1></body></html>' };
    if (request.method !== 'POST') return { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' };
    if (!/^text\/xml\b/i.test(request.headers['content-type'] ?? '')) return { status: 415, contentType: 'text/plain', body: 'Unsupported Media Type: SOAP 1.1 takes text/xml' };
    let document: XmlNode;
    try {
      document = parseProviderXml(request.body, 'request');
    } catch (error) {
      // Xerces's own words, as CXF relays them; other parse errors keep the parser's message.
      const reason = /<!DOCTYPE|<!ENTITY/i.test(request.body)
        ? 'DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" set to true.'
        : (error as Error).message.replace(/^request: /, '');
      return soapFaultResponse('soap:Client', `Unmarshalling Error: ${reason}`);
    }
    const body = xmlAt(document, 'Envelope', 'Body');
    const operation = body && typeof body === 'object' ? Object.keys(body).find((key) => !key.startsWith('@') && key !== '#text') : undefined;
    if (!operation) return soapFaultResponse('soap:Client', 'Message part was not recognized: no SOAP Body');
    // The parser drops namespace prefixes, so ns1:ReIssue and a bare ReIssue (BILLmanager's) both arrive here.
    const known = SERVICE_OPERATIONS[service]?.includes(operation as GlobalsignOperation) ? (operation as GlobalsignOperation) : null;
    if (!known) return soapFaultResponse('soap:Client', `Unexpected wrapper element {${GLOBALSIGN_NAMESPACE}}${operation} found.`);
    const shape = GLOBALSIGN_OPERATIONS[known];
    const inner = xmlAt(body, operation, 'Request');
    const header = xmlAt(inner, shape.request);
    if (header === null) {
      return soapFaultResponse('soap:Client', `Unmarshalling Error: unexpected element (uri:"", local:"Request"). Expected elements are <{}${shape.request}>`);
    }
    const fail = (error: SandboxError) => answer(known, shape.response, context, '', [error]);
    const auth = context.authenticate(xmlText(xmlAt(header, 'AuthToken', 'UserName')), xmlText(xmlAt(header, 'AuthToken', 'Password')), request.remoteAddress);
    if (auth === 'credentials') return fail({ code: ERROR_LOGIN, message: MESSAGE_LOGIN });
    if (auth === 'ip-not-allowed') return fail({ code: ERROR_IP_NOT_ALLOWED, message: MESSAGE_IP_NOT_ALLOWED });
    if (auth === 'locked') return fail({ code: ERROR_ACCOUNT_LOCKED, message: MESSAGE_ACCOUNT_LOCKED });
    switch (known) {
      case 'AccountSnapshot':
        return accountSnapshot(context);
      case 'GetOrderByDateRange':
        return getOrderByDateRange(inner, context, fail);
      case 'GetOrderByOrderID':
        return getOrderByOrderId(inner, context, fail);
      case 'ReIssue':
        return reIssue(inner, context, fail);
    }
  },
};

export const globalsignSandbox: ProviderSandbox = {
  protocol: globalsignSandboxProtocol,
  account: { username: 'PAR90001_billing', password: 'gs-sandbox-Pa55', balance: 1250, currency: 'USD', allowedIps: ['127.0.0.1', '::1'], locked: false },
  integrationFor: (sandbox) => ({
    username: sandbox.account.username,
    password: sandbox.account.password,
    demo: false,
    serviceUrl: sandbox.url,
  }),
};
