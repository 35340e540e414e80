/** The GlobalSign processing module's client: the GCC/GAS SOAP API (providers.md §2). */
import { X509Certificate } from 'node:crypto';
import { orderChain } from '../pem-chain.js';
import { addDays, addYears, dayOfInstant, formatDay, minDay, type Day } from '../../rules/calendar.js';
import { unexpectedStatus, type HttpResponse } from '../http.js';
import { redact } from '../redact.js';
import { globalsignReissueSupport } from './support.js';
import { moduleTransport, type ClientConfig } from '../settings.js';
import { ProviderError, type Balance, type CertificateRecord, type ListOptions, type OrderState, type ProviderClient, type ReissueRequest } from '../types.js';
import { parseProviderXml, xmlAt, xmlList, xmlText, type XmlNode } from '../xml.js';
import { globalsignBaseUrl, globalsignServiceUrl, type GlobalsignIntegration } from './settings.js';
import {
  ERROR_TOO_MANY_ORDERS,
  FAILURE,
  GLOBALSIGN_LOOKBACK_YEARS,
  GLOBALSIGN_MAX_ORDERS_PER_WINDOW,
  GLOBALSIGN_OPERATIONS,
  GLOBALSIGN_STATUS_NAMES,
  GLOBALSIGN_WINDOW_DAYS,
  SUCCESS,
  SUCCESS_WITH_WARNING,
  dateRangePayload,
  globalsignFailureCause,
  globalsignMultiDomain,
  globalsignOrderStage,
  globalsignStatus,
  globalsignStatusCode,
  globalsignValidation,
  orderStatePayload,
  originalCsrPayload,
  parseGlobalsignDay,
  parseGlobalsignInstant,
  readGlobalsignBalance,
  readGlobalsignFulfillment,
  readGlobalsignOriginalCsr,
  readGlobalsignValidation,
  reissuePayload,
  sanOptionOn,
  soapRequest,
  type GlobalsignOperation,
} from './wire.js';

const PROVIDER = 'GlobalSign';
const MS_PER_DAY = 86_400_000;
/** Records per page once the listing is collapsed. */
const PAGE_SIZE = 250;

interface SoapResult {
  /** The `{Op}Response/Response` element. */
  readonly response: XmlNode;
  /** The server's clock (the header's Timestamp), or null when it sent none. */
  readonly serverTime: number | null;
  readonly warnings: string[];
  /** Every error the header of a successful answer carries (SuccessCode 0 or 1), described. */
  readonly remarks: string[];
}

interface GlobalsignError {
  readonly code: string;
  readonly field: string | null;
  readonly message: string;
}

/** The SOAP 1.1 Fault of a parsed envelope (SOAP 1.2's Code/Reason too), or null. */
export function soapFault(document: unknown): { code: string; text: string } | null {
  const fault = xmlAt(document, 'Envelope', 'Body', 'Fault');
  if (fault === null) return null;
  const code = xmlText(xmlAt(fault, 'faultcode')) ?? xmlText(xmlAt(fault, 'Code', 'Value')) ?? '';
  const text = xmlText(xmlAt(fault, 'faultstring')) ?? xmlText(xmlAt(fault, 'Reason', 'Text')) ?? '';
  return { code: code.trim(), text: text.trim() };
}

function readErrors(header: unknown): GlobalsignError[] {
  return xmlList(xmlAt(header, 'Errors', 'Error')).map((error) => ({
    code: (xmlText(xmlAt(error, 'ErrorCode')) ?? '').trim(),
    field: xmlText(xmlAt(error, 'ErrorField')) || null,
    message: (xmlText(xmlAt(error, 'ErrorMessage')) ?? '').trim(),
  }));
}

const describeError = (error: GlobalsignError) => [error.code, error.field ? `[${error.field}]` : '', error.message].filter(Boolean).join(' ');

const integer = (value: string | null) => (value !== null && /^-?\d+$/.test(value.trim()) ? Number(value) : null);

/** An element's trimmed text; null when it is missing, nil or empty. */
function textAt(node: unknown, ...path: string[]): string | null {
  const value = xmlText(xmlAt(node, ...path));
  return value === null || value.trim() === '' ? null : value.trim();
}

/** One order as GetOrderByDateRange lists it, before reissue chains are collapsed. */
export interface ListedOrder {
  readonly record: CertificateRecord;
  /** `OrderInfo/OriginalOrderIDForReIssue`: the order this one reissues; null for an order of its own. */
  readonly replaces: string | null;
  /** `OrderInfo/OrderDate` as an instant; null when unreadable. */
  readonly orderedAt: number | null;
  /** A certificate was issued under it (status 4, or 5–7: issued, then cancelled or revoked). */
  readonly certified: boolean;
  /** It still waits for validation or approval (status 1, 2, 8, 9). */
  readonly waiting: boolean;
}

/**
 * One record per subscription from orders whose reissues are orders of their own (evidence file,
 * item 1): each chain of OriginalOrderIDForReIssue links is followed to its first order. The record
 * is the newest order with a certificate (its id, names, dates and status), with the order date and
 * paid term of the first order (a reissue does not extend what the client paid for), and
 * `pendingReissue` naming the newest order while that one still waits. A denied or cancelled newest
 * reissue leaves the newest issued order in force, with nothing pending. "Newest" is the furthest
 * down the chain, then the latest ordered. A chain whose first order lies outside the listing starts
 * at its oldest order found.
 */
export function collapseReissueChains(orders: readonly ListedOrder[]): CertificateRecord[] {
  const byId = new Map(orders.map((order) => [order.record.id, order]));
  const groups = new Map<string, { root: ListedOrder; members: { order: ListedOrder; depth: number }[] }>();
  for (const order of orders) {
    let root = order;
    let depth = 0;
    const visited = new Set<string>([order.record.id]);
    for (let previous = root.replaces ? byId.get(root.replaces) : undefined; previous && !visited.has(previous.record.id); previous = previous.replaces ? byId.get(previous.replaces) : undefined) {
      visited.add(previous.record.id);
      root = previous;
      depth += 1;
    }
    let group = groups.get(root.record.id);
    if (!group) {
      group = { root, members: [] };
      groups.set(root.record.id, group);
    }
    group.members.push({ order, depth });
  }
  const later = (a: { order: ListedOrder; depth: number }, b: { order: ListedOrder; depth: number }) =>
    a.depth !== b.depth ? a.depth > b.depth : (a.order.orderedAt ?? -Infinity) > (b.order.orderedAt ?? -Infinity);
  const records: CertificateRecord[] = [];
  for (const { root, members } of groups.values()) {
    let newest = members[0] as { order: ListedOrder; depth: number };
    let inForce: { order: ListedOrder; depth: number } | null = null;
    for (const member of members) {
      if (later(member, newest)) newest = member;
      if (member.order.certified && (inForce === null || later(member, inForce))) inForce = member;
    }
    const base = inForce ?? newest;
    const pending = newest !== base && newest.depth > 0 && newest.order.waiting ? newest.order.record.id : null;
    records.push({ ...base.order.record, orderDate: root.record.orderDate, termMonths: root.record.termMonths, pendingReissue: pending });
  }
  return records;
}

/**
 * The chain of an issued certificate from GlobalSign's CACertificates: the leaf's issuer first, then
 * its issuer, matched by name (not by the answer's order, which puts the ROOT first); ROOT entries and
 * self-signed certificates are left out, and so is any certificate off the leaf's path.
 */
export function globalsignChain(leafPem: string, caCertificates: readonly { readonly type: string; readonly pem: string }[]): { chain: string[]; unused: number } {
  const readable = caCertificates.filter(({ type, pem }) => {
    if (type === 'ROOT') return false;
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
  const ordered = orderChain(
    readable.map(({ pem }) => pem),
    leafPem,
  );
  return { chain: ordered.chain, unused: ordered.offPath.length };
}

export function createGlobalsignClient(config: ClientConfig<GlobalsignIntegration>): ProviderClient {
  const { integration, network, log } = config;
  const base = globalsignBaseUrl(integration, network);
  const secrets = [integration.password];
  const transport = moduleTransport(config, PROVIDER, secrets, integration.ipAddress);

  function failure(operation: string, errors: GlobalsignError[]): ProviderError {
    const known = errors.find((error) => globalsignFailureCause(error.code) !== 'provider-error');
    const first = known ?? errors[0];
    if (!first) return new ProviderError('provider-error', `${PROVIDER} ${operation} failed without saying why (SuccessCode -1, no error)`);
    const cause = globalsignFailureCause(first.code);
    const text = errors.map(describeError).join('; ');
    const prefix =
      cause === 'credentials'
        ? `${PROVIDER} rejected the username or password`
        : cause === 'ip-not-allowed'
          ? `${PROVIDER} does not allow API calls from this server's IP address${integration.ipAddress ? ` (${integration.ipAddress})` : ''}; register that address for API access with GlobalSign, or set the IP address setting to one that is`
          : cause === 'account-locked'
            ? `the ${PROVIDER} account is invalid, stopped or locked`
            : `${PROVIDER} ${operation} failed`;
    return new ProviderError(cause, redact(`${prefix} (${text})`, secrets), { providerCode: first.code });
  }

  function faultError(operation: string, fault: { code: string; text: string }, status: number): ProviderError {
    const message = `${PROVIDER} answered ${operation} with a SOAP fault${fault.code ? ` (${fault.code})` : ''}: ${fault.text || 'no fault text'}`;
    return new ProviderError('provider-error', redact(message, secrets), { httpStatus: status, ...(fault.code ? { providerCode: fault.code } : {}) });
  }

  /** A fault in a non-200 answer; anything unreadable is left to the HTTP status. */
  function faultIn(response: HttpResponse): { code: string; text: string } | null {
    if (!/Fault/.test(response.body)) return null;
    try {
      return soapFault(parseProviderXml(response.body, PROVIDER));
    } catch {
      return null;
    }
  }

  async function call(operation: GlobalsignOperation, payload: string, read: boolean, signal?: AbortSignal): Promise<SoapResult> {
    const shape = GLOBALSIGN_OPERATIONS[operation];
    const response = await transport.request({
      method: 'POST',
      url: globalsignServiceUrl(base, shape.service),
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""', accept: 'text/xml' },
      body: soapRequest(operation, shape.request, integration.username, integration.password, payload),
      read,
      signal,
    });
    if (response.status !== 200) {
      const fault = faultIn(response);
      if (fault) throw faultError(operation, fault, response.status);
      throw unexpectedStatus(PROVIDER, response);
    }
    const document = parseProviderXml(response.body, `${PROVIDER} ${operation}`);
    const fault = soapFault(document);
    if (fault) throw faultError(operation, fault, response.status);
    const body = xmlAt(document, 'Envelope', 'Body');
    if (body === null) throw new ProviderError('unexpected-response', `${PROVIDER} ${operation}: the answer is not a SOAP envelope`);
    const result = xmlAt(body, `${operation}Response`, 'Response');
    if (!result || typeof result !== 'object') throw new ProviderError('unexpected-response', `${PROVIDER} ${operation}: the answer has no ${operation}Response/Response`);
    // The WSDL names the header per operation (GetOrderByOrderID's quirk included); either name is read.
    const header = xmlAt(result, shape.response) ?? xmlAt(result, 'QueryResponseHeader') ?? xmlAt(result, 'OrderResponseHeader');
    const code = Number(xmlText(xmlAt(header, 'SuccessCode')) ?? 'NaN');
    if (!Number.isInteger(code)) throw new ProviderError('unexpected-response', `${PROVIDER} ${operation}: the answer has no SuccessCode`);
    const errors = readErrors(header);
    if (code !== SUCCESS && code !== SUCCESS_WITH_WARNING) {
      if (code !== FAILURE) log.write(4, `${PROVIDER} ${operation}: unknown SuccessCode ${code}, taken as a failure`);
      throw failure(operation, errors);
    }
    const warnings = code === SUCCESS_WITH_WARNING ? errors.map(describeError) : [];
    if (warnings.length > 0) log.write(4, `${PROVIDER} ${operation} succeeded with a warning: ${warnings.join('; ')}`);
    return { response: result as XmlNode, serverTime: parseGlobalsignInstant(xmlText(xmlAt(header, 'Timestamp'))), warnings, remarks: errors.map(describeError) };
  }

  function toOrder(detail: unknown, nowMs: number): ListedOrder {
    const info = xmlAt(detail, 'OrderInfo');
    const text = textAt;
    const id = text(info, 'OrderId') ?? text(info, 'OrderID');
    const domain = text(info, 'DomainName');
    if (!id || !domain) throw new ProviderError('unexpected-response', `${PROVIDER} GetOrderByDateRange: an order without OrderId or DomainName`);
    const mainDomain = domain.toLowerCase();
    const certificate = xmlAt(detail, 'CertificateInfo');
    const orderStatus = integer(text(info, 'OrderStatus'));
    const certificateStatus = integer(text(certificate, 'CertificateStatus'));
    const code = globalsignStatusCode(orderStatus, certificateStatus);
    const end = parseGlobalsignInstant(text(certificate, 'EndDate'));
    const names = xmlList(xmlAt(detail, 'SANEntries', 'SANEntry'))
      .map((entry) => (xmlText(xmlAt(entry, 'SubjectAltName')) ?? '').trim().toLowerCase())
      .filter((name) => name !== '');
    // As GlobalSign lists them: a SAN entry repeating the main domain is kept (the list is the order's).
    const otherNames = [...new Set(names)];
    const options = [...xmlList(xmlAt(detail, 'Options', 'Option')), ...xmlList(xmlAt(info, 'Options', 'Option'))];
    const months = integer(text(info, 'ValidityPeriod', 'Months'));
    const product = text(info, 'ProductCode');
    const record: CertificateRecord = {
      id,
      mainDomain,
      otherNames,
      validation: globalsignValidation(product),
      multiDomain: globalsignMultiDomain(mainDomain, otherNames, sanOptionOn(options)),
      orderDate: parseGlobalsignDay(text(info, 'OrderDate')),
      validFrom: parseGlobalsignDay(text(certificate, 'StartDate')),
      validTo: parseGlobalsignDay(text(certificate, 'EndDate')),
      termMonths: months !== null && months > 0 ? months : null,
      status: globalsignStatus(code, end, nowMs),
      providerStatus: code === null ? '' : `${GLOBALSIGN_STATUS_NAMES[code] ?? 'Status'} (${code})`,
      product,
      pendingReissue: null,
    };
    const replaces = text(info, 'OriginalOrderIDForReIssue');
    return {
      record,
      replaces: replaces === id ? null : replaces,
      orderedAt: parseGlobalsignInstant(text(info, 'OrderDate')),
      certified: code !== null && code >= 4 && code <= 7,
      waiting: globalsignOrderStage(orderStatus, certificateStatus)?.stage === 'validating',
    };
  }

  /** One date window: its orders, or 'too-many' when GlobalSign refuses (or may have cut) it. */
  async function fetchWindow(from: Day, to: Day, signal?: AbortSignal): Promise<{ details: unknown[]; serverTime: number | null } | 'too-many'> {
    const fromMs = from * MS_PER_DAY;
    const toMs = (to + 1) * MS_PER_DAY - 1;
    let result: SoapResult;
    try {
      result = await call('GetOrderByDateRange', dateRangePayload(fromMs, toMs), true, signal);
    } catch (error) {
      if (error instanceof ProviderError && error.details.providerCode === ERROR_TOO_MANY_ORDERS) return 'too-many';
      throw error;
    }
    const details = xmlList(xmlAt(result.response, 'OrderDetails', 'OrderDetail'));
    if (details.length >= GLOBALSIGN_MAX_ORDERS_PER_WINDOW && to > from) return 'too-many';
    if (details.length >= GLOBALSIGN_MAX_ORDERS_PER_WINDOW) {
      log.write(4, `${PROVIDER} GetOrderByDateRange: ${details.length} orders on ${formatDay(from)}, the most one answer is known to carry; some may be missing`);
    }
    return { details, serverTime: result.serverTime };
  }

  return {
    async checkConnection() {
      // As BILLmanager's module does: AccountSnapshot is the cheapest call that checks the login.
      const started = performance.now();
      await call('AccountSnapshot', '', true);
      return { roundTripMs: performance.now() - started };
    },

    async getBalance(): Promise<Balance> {
      const { response } = await call('AccountSnapshot', '', true);
      const balance = readGlobalsignBalance(response);
      if (balance === null) throw new ProviderError('unexpected-response', `${PROVIDER} AccountSnapshot: no readable balance in the answer`);
      return balance;
    },

    /**
     * GetOrderByDateRange over every window from six years back to today (the later of this server's
     * clock and GlobalSign's Timestamp), oldest first. A window GlobalSign refuses as too large is
     * halved until it passes, down to one day; the next window starts at the size that passed and
     * doubles again while answers stay small. A reissue is a new order in the window of its own day,
     * so chains are collapsed only once every window is read: progress counts the orders of their
     * own (subscriptions) while reading, then the collapsed records come in pages.
     */
    async *listCertificates(options: ListOptions = {}) {
      const { signal, onProgress } = options;
      let serverNow: number | null = null;
      const today = () => dayOfInstant(new Date(Math.max(Date.now(), serverNow ?? 0)));
      let cursor = addYears(today(), -GLOBALSIGN_LOOKBACK_YEARS);
      let span = GLOBALSIGN_WINDOW_DAYS;
      const seen = new Set<string>();
      const orders: ListedOrder[] = [];
      let listed = 0;
      while (cursor <= today()) {
        if (signal?.aborted) throw new ProviderError('network', `the listing of ${PROVIDER} orders was cancelled`);
        const last = minDay(addDays(cursor, span - 1), today());
        const answer = await fetchWindow(cursor, last, signal);
        if (answer === 'too-many') {
          if (last === cursor) {
            throw new ProviderError(
              'provider-error',
              `${PROVIDER} refuses to list the orders placed on ${formatDay(cursor)}: more than ${GLOBALSIGN_MAX_ORDERS_PER_WINDOW} in one day`,
              { providerCode: ERROR_TOO_MANY_ORDERS },
            );
          }
          span = Math.max(1, Math.floor((last - cursor + 1) / 2));
          log.write(6, `${PROVIDER} GetOrderByDateRange: ${formatDay(cursor)}..${formatDay(last)} holds too many orders; splitting it into ${span}-day windows`);
          continue;
        }
        if (answer.serverTime !== null) serverNow = Math.max(serverNow ?? 0, answer.serverTime);
        const nowMs = answer.serverTime ?? Date.now();
        for (const detail of answer.details) {
          const order = toOrder(detail, nowMs);
          if (seen.has(order.record.id)) continue;
          seen.add(order.record.id);
          orders.push(order);
          if (order.replaces === null) listed += 1;
        }
        onProgress?.({ listed, total: null });
        cursor = addDays(last, 1);
        if (answer.details.length < GLOBALSIGN_MAX_ORDERS_PER_WINDOW / 4) span = Math.min(GLOBALSIGN_WINDOW_DAYS, span * 2);
      }
      const records = collapseReissueChains(orders);
      if (records.length !== orders.length) log.write(6, `${PROVIDER} GetOrderByDateRange: ${orders.length} orders, ${records.length} certificates once reissue chains are collapsed`);
      if (records.length !== listed) onProgress?.({ listed: records.length, total: null });
      for (let start = 0; start < records.length; start += PAGE_SIZE) yield records.slice(start, start + PAGE_SIZE);
    },

    reissueSupport: globalsignReissueSupport,

    async reissue({ certificate, csr }: ReissueRequest) {
      const support = this.reissueSupport(certificate);
      if (!support.supported) throw new ProviderError('unsupported', support.reason);
      const { response, warnings } = await call('ReIssue', reissuePayload(certificate.id, csr), false);
      const orderId = xmlText(xmlAt(response, 'OrderID'))?.trim();
      if (!orderId) throw new ProviderError('unexpected-response', `${PROVIDER} ReIssue: the answer has no new OrderID`);
      const message = [`reissued as order ${orderId} (replaces ${certificate.id})`, ...warnings].join('; ');
      return { certificateId: orderId, message };
    },

    /** GetOrderByOrderID with ReturnOriginalCSR: after a reissue, the new order id gives the reissue's CSR. */
    async originalCsr(certificate: CertificateRecord) {
      const { response } = await call('GetOrderByOrderID', originalCsrPayload(certificate.id), true);
      if (xmlAt(response, 'OrderDetail') === null) throw new ProviderError('unexpected-response', `${PROVIDER} GetOrderByOrderID: the answer for order ${certificate.id} has no OrderDetail`);
      const found = readGlobalsignOriginalCsr(response);
      if (found.kind === 'invalid') {
        throw new ProviderError('unexpected-response', `${PROVIDER} GetOrderByOrderID: the OriginalCSR of order ${certificate.id} is not a CSR (${found.reason})`);
      }
      if (found.kind === 'none') {
        log.write(6, `${PROVIDER} GetOrderByOrderID: order ${certificate.id} has no OriginalCSR`);
        return null;
      }
      return found.pem;
    },

    /**
     * GetOrderByOrderID with ReturnOrderOption, ReturnCertificateInfo and ReturnFulfillment: the
     * stage from the order's and the certificate's status, what validation waits for, and once
     * issued the certificate with its chain (leaf's issuer first, no root) and its dates.
     */
    async orderState(orderId: string): Promise<OrderState> {
      const { response, remarks } = await call('GetOrderByOrderID', orderStatePayload(orderId), true);
      const detail = xmlAt(response, 'OrderDetail');
      if (detail === null || typeof detail !== 'object') throw new ProviderError('unexpected-response', `${PROVIDER} GetOrderByOrderID: the answer for order ${orderId} has no OrderDetail`);
      const orderStatus = integer(textAt(detail, 'OrderInfo', 'OrderStatus'));
      const certificateStatus = integer(textAt(detail, 'CertificateInfo', 'CertificateStatus'));
      const found = globalsignOrderStage(orderStatus, certificateStatus);
      if (found === null) {
        throw new ProviderError(
          'unexpected-response',
          `${PROVIDER} GetOrderByOrderID: order ${orderId} has a status GlobalSign does not list (OrderStatus ${orderStatus ?? 'none'}, CertificateStatus ${certificateStatus ?? 'none'})`,
        );
      }
      const { stage, code } = found;
      const name = GLOBALSIGN_STATUS_NAMES[code] ?? 'Status';
      const providerStatus = `${name} (${code})`;
      const reason = stage === 'issued' ? (remarks.length > 0 ? remarks.join('; ') : null) : [name, ...remarks].join(': ');
      const base: OrderState = { certificateId: orderId, stage, providerStatus, reason, validation: null, certificate: null, chain: [], validFrom: null, validTo: null };
      if (stage === 'validating') return { ...base, validation: readGlobalsignValidation(detail, globalsignValidation(textAt(detail, 'OrderInfo', 'ProductCode'))) };
      if (stage !== 'issued') return base;
      const fulfillment = readGlobalsignFulfillment(detail);
      if (fulfillment.certificate === null) {
        throw new ProviderError('unexpected-response', `${PROVIDER} GetOrderByOrderID: order ${orderId} is issued but the answer has no Fulfillment/ServerCertificate/X509Cert`);
      }
      let built: { chain: string[]; unused: number };
      try {
        built = globalsignChain(fulfillment.certificate, fulfillment.caCertificates);
      } catch {
        throw new ProviderError('unexpected-response', `${PROVIDER} GetOrderByOrderID: the X509Cert of order ${orderId} is not a readable certificate`);
      }
      if (built.unused > 0) log.write(4, `${PROVIDER} GetOrderByOrderID: ${built.unused} CA certificate(s) of order ${orderId} are not on its certificate's path and were left out`);
      if (built.chain.length === 0) log.write(4, `${PROVIDER} GetOrderByOrderID: order ${orderId} came without the intermediate that issued its certificate`);
      return {
        ...base,
        certificate: fulfillment.certificate,
        chain: built.chain,
        validFrom: parseGlobalsignDay(textAt(detail, 'CertificateInfo', 'StartDate')),
        validTo: parseGlobalsignDay(textAt(detail, 'CertificateInfo', 'EndDate')),
      };
    },

    close: () => transport.close(),
  };
}
