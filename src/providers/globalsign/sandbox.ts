/**
 * A local GlobalSign: the v1 AccountService, GASService and ServerSSLService paths speaking SOAP 1.1
 * as the real ones do (providers.md §2), on the sandbox kit. It serves AccountSnapshot,
 * GetOrderByDateRange, GetOrderByOrderID and ReIssue; anything else gets the SOAP fault a CXF server
 * gives for an unknown operation. Times are written at +09:00, as GlobalSign's servers write them.
 *
 * Order ids: `CE` and twelve digits, 1 followed by the book index for the original orders, 9
 * followed by a counter for reissues. A reissue creates a new order id; the certificate is then
 * listed under it (at its original order date: the book's order dates do not move), its old id
 * answers -4016 to a second ReIssue.
 *
 * Original CSRs: GetOrderByOrderID with `ReturnOriginalCSR` answers `Fulfillment/OriginalCSR`: the
 * CSR the book keeps for the certificate (made on first request; the reissue's after a reissue),
 * and for an order a reissue replaced, the CSR it had then. GetOrderByDateRange ignores the flag.
 */
import { dayOfInstant } from '../../rules/calendar.js';
import type { ProviderSandbox } from '../provider-module.js';
import type { SandboxCertificate } from '../sandbox-kit/dataset.js';
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
  MESSAGE_ACCOUNT_LOCKED,
  MESSAGE_IP_NOT_ALLOWED,
  MESSAGE_LOGIN,
  MESSAGE_TOO_MANY_ORDERS,
  SOAP_ENVELOPE_NAMESPACE,
  SUCCESS,
  formatGlobalsignTimestamp,
  globalsignSanOptionType,
  parseGlobalsignInstant,
  type GlobalsignOperation,
  type ResponseHeaderName,
} from './wire.js';

const BASE_PATH = '/kb/ws/v1/';
const MS_PER_DAY = 86_400_000;
const ORIGINAL_ID_BASE = 100_000_000_000;
const REISSUE_ID_BASE = 900_000_000_000;
const XML = 'text/xml;charset=UTF-8';

interface SandboxError {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** The orders a sandbox has created by reissue, kept in the sandbox's state. */
interface Ledger {
  next: number;
  /** Reissue order id → book index. */
  readonly reissued: Map<string, number>;
  /** Book index → its latest order id. */
  readonly latest: Map<number, string>;
  /** Order id a reissue replaced → the CSR that order had. */
  readonly replacedCsrs: Map<string, string>;
}

function ledger(context: SandboxContext): Ledger {
  let value = context.state.get('globalsign-orders') as Ledger | undefined;
  if (!value) {
    value = { next: 1, reissued: new Map(), latest: new Map(), replacedCsrs: new Map() };
    context.state.set('globalsign-orders', value);
  }
  return value;
}

export function originalOrderId(index: number): string {
  return `CE${ORIGINAL_ID_BASE + index}`;
}

/** The book index an order id stands for, and whether a later reissue has replaced it. */
function resolveOrder(id: string, context: SandboxContext): { index: number; superseded: boolean } | null {
  const orders = ledger(context);
  let index = orders.reissued.get(id);
  if (index === undefined) {
    const match = /^CE(\d{12})$/.exec(id.trim());
    const number = match ? Number(match[1]) - ORIGINAL_ID_BASE : NaN;
    if (!Number.isInteger(number) || number < 0 || number >= context.book.size || number >= REISSUE_ID_BASE - ORIGINAL_ID_BASE) return null;
    index = number;
  }
  return { index, superseded: (orders.latest.get(index) ?? originalOrderId(index)) !== id.trim() };
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

interface DetailOptions {
  readonly certificateInfo: boolean;
  readonly sanEntries: boolean;
  /** The order id to show; the certificate's latest one by default. */
  readonly orderId?: string;
  /** The CSR for `Fulfillment/OriginalCSR`, when asked for. */
  readonly originalCsr?: string | null;
}

function orderDetailXml(cert: SandboxCertificate, context: SandboxContext, options: DetailOptions): string {
  const code = statusCode(cert);
  const id = options.orderId ?? ledger(context).latest.get(cert.index) ?? originalOrderId(cert.index);
  const ordered = orderInstant(cert);
  const issued = code === 4 || code >= 5;
  const start = cert.validFrom * MS_PER_DAY + ((cert.index * 131) % 1_440) * 60_000;
  // A certificate's last instant is the start of its expiry day: "expires" is the first day it is not valid.
  const end = cert.validTo * MS_PER_DAY;
  const time = (ms: number) => formatGlobalsignTimestamp(ms);
  const info =
    `<OrderInfo><OrderId>${id}</OrderId>${id !== originalOrderId(cert.index) ? `<OriginalOrderIDForReIssue>${originalOrderId(cert.index)}</OriginalOrderIDForReIssue>` : ''}` +
    `<ProductCode>${globalsignProduct(cert)}</ProductCode><OrderKind>new</OrderKind><Licenses>1</Licenses>` +
    `<DomainName>${escapeXml(cert.mainDomain)}</DomainName><OrderDate>${time(ordered)}</OrderDate>` +
    (issued ? `<OrderCompleteDate>${time(ordered + 20 * 60_000)}</OrderCompleteDate>` : '') +
    (code === 3 || code === 5 ? `<OrderCanceledDate>${time(ordered + 3 * MS_PER_DAY)}</OrderCanceledDate>` : '') +
    `<OrderStatus>${code}</OrderStatus><Price>${(cert.termYears * 249 + (cert.multiDomain ? 150 : 0)).toFixed(2)}</Price><Currency>USD</Currency>` +
    `<ValidityPeriod><Months>${cert.termYears * 12}</Months></ValidityPeriod></OrderInfo>`;
  const subInfo = `<OrderSubInfo><CSRSkipOrderFlag>false</CSRSkipOrderFlag><DNSOrderFlag>false</DNSOrderFlag><TrustedOrderFlag>false</TrustedOrderFlag><P12DeleteStatus>false</P12DeleteStatus><SubId>0</SubId></OrderSubInfo>`;
  const certificate =
    options.certificateInfo && issued
      ? `<CertificateInfo><CertificateStatus>${code}</CertificateStatus><StartDate>${time(start)}</StartDate><EndDate>${time(end)}</EndDate>` +
        `<CommonName>${escapeXml(cert.mainDomain)}</CommonName><SerialNumber>${(0x1000000 + cert.index * 0x9e37 + cert.reissues).toString(16).toUpperCase()}</SerialNumber>` +
        `<SubjectName>CN = ${escapeXml(cert.mainDomain)}</SubjectName></CertificateInfo>`
      : '';
  const sans =
    options.sanEntries && cert.otherNames.length > 0
      ? `<SANEntries>${cert.otherNames
          .map((name) => `<SANEntry><SANOptionType>${globalsignSanOptionType(name, cert.mainDomain)}</SANOptionType><SubjectAltName>${escapeXml(name)}</SubjectAltName></SANEntry>`)
          .join('')}</SANEntries>`
      : '';
  const fulfillment = options.originalCsr ? `<Fulfillment><OriginalCSR>${originalCsrXml(options.originalCsr, cert.index)}</OriginalCSR></Fulfillment>` : '';
  return `<OrderDetail>${info}${subInfo}${certificate}${sans}${fulfillment}</OrderDetail>`;
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

function answer(operation: string, header: ResponseHeaderName, context: SandboxContext, payload: string, errors: readonly SandboxError[] = []): SandboxResponse {
  const now = context.today * MS_PER_DAY + (Date.now() % MS_PER_DAY);
  const errorXml =
    errors.length === 0
      ? '<Errors/>'
      : `<Errors>${errors
          .map((e) => `<Error><ErrorCode>${e.code}</ErrorCode>${e.field ? `<ErrorField>${escapeXml(e.field)}</ErrorField>` : ''}<ErrorMessage>${escapeXml(e.message)}</ErrorMessage></Error>`)
          .join('')}</Errors>`;
  return soap(
    `<ns2:${operation}Response xmlns:ns2="${GLOBALSIGN_NAMESPACE}"><Response><${header}><SuccessCode>${errors.length === 0 ? SUCCESS : FAILURE}</SuccessCode>` +
      `${errorXml}<Timestamp>${formatGlobalsignTimestamp(now)}</Timestamp></${header}>${errors.length === 0 ? payload : ''}</Response></ns2:${operation}Response>`,
  );
}

const flag = (request: unknown, name: string) => /^true$/i.test(xmlText(xmlAt(request, 'OrderQueryOption', name)) ?? '');

function getOrderByDateRange(request: unknown, context: SandboxContext, fail: (error: SandboxError) => SandboxResponse): SandboxResponse {
  const fromText = xmlText(xmlAt(request, 'FromDate'));
  const toText = xmlText(xmlAt(request, 'ToDate'));
  if (!fromText || !toText) return fail({ code: ERROR_MANDATORY_MISSING, field: fromText ? 'ToDate' : 'FromDate', message: 'The mandatory parameter is missing.' });
  const from = parseGlobalsignInstant(fromText);
  const to = parseGlobalsignInstant(toText);
  if (from === null || to === null) return fail({ code: ERROR_FORMAT, field: from === null ? 'FromDate' : 'ToDate', message: 'Parameter format error.' });
  if (from > to) return fail({ code: ERROR_BAD_COMBINATION, field: 'FromDate', message: 'FromDate is later than ToDate.' });
  const { book } = context;
  const [start, end] = book.rangeByOrderDate(dayOfInstant(new Date(from)), dayOfInstant(new Date(to)));
  if (end - start > GLOBALSIGN_MAX_ORDERS_PER_WINDOW) return fail({ code: ERROR_TOO_MANY_ORDERS, message: MESSAGE_TOO_MANY_ORDERS });
  const options = { certificateInfo: flag(request, 'ReturnCertificateInfo'), sanEntries: flag(request, 'ReturnSANEntries') };
  const details: string[] = [];
  for (let index = start; index < end; index += 1) {
    const cert = book.get(index);
    const ordered = orderInstant(cert);
    if (ordered >= from && ordered <= to) details.push(orderDetailXml(cert, context, options));
  }
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
  const order = resolveOrder(id, context);
  if (!order) return fail({ code: ERROR_ORDER_NOT_FOUND, field: 'OrderID', message: 'The specified OrderID does not exist.' });
  const originalCsr = flag(request, 'ReturnOriginalCSR')
    ? (order.superseded ? ledger(context).replacedCsrs.get(id) : undefined) ?? (await context.book.csrOf(order.index))
    : null;
  const options = { certificateInfo: flag(request, 'ReturnCertificateInfo'), sanEntries: flag(request, 'ReturnSANEntries'), orderId: id, originalCsr };
  // The WSDL's quirk: this query's answer names its header OrderResponseHeader.
  return answer('GetOrderByOrderID', 'OrderResponseHeader', context, `<OrderID>${escapeXml(id)}</OrderID>${orderDetailXml(context.book.get(order.index), context, options)}`);
}

async function reIssue(request: unknown, context: SandboxContext, fail: (error: SandboxError) => SandboxResponse): Promise<SandboxResponse> {
  const target = (xmlText(xmlAt(request, 'TargetOrderID')) ?? '').trim();
  const csr = xmlText(xmlAt(request, 'OrderParameter', 'CSR')) ?? '';
  if (!target) return fail({ code: ERROR_MANDATORY_MISSING, field: 'TargetOrderID', message: 'The mandatory parameter is missing.' });
  const found = resolveOrder(target, context);
  if (!found) return fail({ code: ERROR_ORDER_NOT_FOUND, field: 'TargetOrderID', message: 'The specified OrderID does not exist.' });
  // The order being replaced keeps its CSR: GetOrderByOrderID on its id answers with it afterwards.
  const previousCsr = await context.book.csrOf(found.index);
  // Looked up again after the wait: a reissue that arrived meanwhile may have superseded the target.
  const order = resolveOrder(target, context) ?? found;
  if (order.superseded) return fail({ code: ERROR_ALREADY_REISSUED, field: 'TargetOrderID', message: 'The certificate has already been reissued.' });
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----[A-Za-z0-9+/=\s]+-----END (NEW )?CERTIFICATE REQUEST-----/.test(csr)) {
    return fail({ code: ERROR_INVALID_CSR, field: 'OrderParameter.CSR', message: 'Invalid CSR.' });
  }
  const result = context.book.reissue(order.index, csr.trim(), context.today);
  if ('refused' in result) return fail({ code: ERROR_TARGET_EXPIRED, field: 'TargetOrderID', message: `The target certificate cannot be reissued: ${result.refused}.` });
  const orders = ledger(context);
  const id = `CE${REISSUE_ID_BASE + orders.next}`;
  orders.next += 1;
  orders.reissued.set(id, order.index);
  orders.latest.set(order.index, id);
  orders.replacedCsrs.set(target, previousCsr);
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
