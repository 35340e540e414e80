/**
 * The Ispmanager (SSL) processing module's client: the BILLmanager API of the ispmanager billing,
 * `func=…&out=json` with per-request authinfo (providers.md §4).
 */
import { certificateDay, orderChain, pemCertificateBlocks } from '../pem-chain.js';
import { dayOfInstant, formatDay } from '../../rules/calendar.js';
import { unexpectedStatus, type HttpResponse } from '../http.js';
import { redact } from '../redact.js';
import { moduleTransport, type ClientConfig } from '../settings.js';
import {
  ProviderError,
  type Balance,
  type CertificateRecord,
  type ListOptions,
  type OrderState,
  type ProviderClient,
  type ReissueRequest,
} from '../types.js';
import type { IspmanagerIntegration } from './settings.js';
import {
  ISP_BALANCE_SOURCES,
  ISP_CERTIFICATE_FIELD,
  ISP_CERTIFICATE_STATUS_FIELD,
  ISP_LANGUAGE,
  ISP_LIST_FUNCTION,
  ISP_ORDER_FUNCTION,
  ISP_OUTPUT,
  ISP_PAGE_SIZE,
  ISP_REISSUE_FUNCTION,
  ispAltNames,
  ispAuthinfo,
  ispCertificateStatus,
  ispCertificateView,
  ispEndpoint,
  ispError,
  ispField,
  ispList,
  ispmanagerFailureCause,
  ispMultiDomain,
  ispOrderParams,
  ispOrderStage,
  ispOrderValidTo,
  ispPageParams,
  ispmanagerReissueSupport,
  ispReissueParams,
  ispText,
  ispTotal,
  ispValidation,
  ispValidationNeeds,
  parseIspDate,
  ispTermMonths,
  parseIspDocument,
  type IspBalanceReading,
  type IspNode,
} from './wire.js';

const PROVIDER = 'Ispmanager (SSL)';

/**
 * The day by the provider's clock (its HTTP Date header), so "expired" agrees with the billing's own
 * dates even when this server's clock is off; this server's clock when the header is missing.
 */
function providerToday(response: HttpResponse): string {
  const header = response.headers.date;
  const instant = new Date(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
  return formatDay(dayOfInstant(Number.isNaN(instant.getTime()) ? new Date() : instant));
}

/**
 * The leaf and its intermediates from the PEM text the billing holds for a certificate: the leaf is
 * the certificate that is not a CA; the chain follows issuers up from it, and a self-signed root is
 * dropped (a server must not send it); any other CA certificate comes after. Each block is given
 * back in canonical PEM.
 */
export function splitIssuedPem(text: string, what: string): { leaf: string; chain: string[]; validFrom: string | null } {
  const blocks = pemCertificateBlocks(text);
  if (blocks.length === 0) throw new ProviderError('unexpected-response', `${what}: the answer holds no PEM certificate`);
  let ordered;
  try {
    ordered = orderChain(blocks);
  } catch {
    throw new ProviderError('unexpected-response', `${what}: a certificate in the answer does not parse as X.509`);
  }
  return { leaf: ordered.leaf, chain: [...ordered.chain, ...ordered.offPath], validFrom: certificateDay(ordered.leafX509.validFrom) };
}

export function createIspmanagerClient(config: ClientConfig<IspmanagerIntegration>): ProviderClient {
  const { integration, network } = config;
  const url = ispEndpoint(network.endpoint ?? integration.url);
  const secrets = [integration.password];
  const transport = moduleTransport(config, PROVIDER, secrets);
  const authinfo = ispAuthinfo(integration.username, integration.password);

  /**
   * One function call. Sent as a POST form (the billing takes both), so the password stays out of
   * URLs. The body is read before the HTTP status: a billing error may come with any status, and only
   * a body that is not the billing's document leaves the status as the cause.
   */
  async function call(func: string, params: Record<string, string>, read: boolean, signal?: AbortSignal) {
    const form = new URLSearchParams({ func, out: ISP_OUTPUT, lang: ISP_LANGUAGE, authinfo, ...params });
    const response = await transport.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      read,
      signal,
    });
    const success = response.status >= 200 && response.status < 300;
    let doc: IspNode;
    try {
      doc = parseIspDocument(response.body, `${PROVIDER} ${func}`);
    } catch (error) {
      if (!success) throw unexpectedStatus(PROVIDER, response);
      throw error;
    }
    const error = ispError(doc);
    if (error) {
      const failure = ispmanagerFailureCause(error);
      const text = redact(error.message || 'an unspecified error', secrets);
      const code = [error.type, error.object].filter(Boolean).join('/');
      const status = success ? '' : `, HTTP ${response.status}`;
      const prefix =
        failure === 'credentials'
          ? `${PROVIDER} rejected the user name or password (with two-factor authentication on the account the API cannot log in)`
          : failure === 'ip-not-allowed'
            ? `Ispmanager (SSL) does not accept API calls from this server's IP address`
            : failure === 'account-locked'
              ? 'the Ispmanager (SSL) account is locked'
              : `${PROVIDER} ${func} failed`;
      throw new ProviderError(failure, `${prefix} ("${text}"${code ? `, ${code}` : ''}${status})`, {
        providerCode: code || text,
        ...(success ? {} : { httpStatus: response.status }),
      });
    }
    if (!success) throw unexpectedStatus(PROVIDER, response);
    return { doc, today: providerToday(response) };
  }

  function toRecord(elem: IspNode, today: string): CertificateRecord {
    const id = ispField(elem, 'id')?.trim();
    const domain = ispField(elem, 'CN')?.trim();
    if (!id || !domain) throw new ProviderError('unexpected-response', `${PROVIDER} ${ISP_LIST_FUNCTION}: a certificate without id or CN`);
    const product = ispField(elem, 'pricelist')?.trim() ?? '';
    const altNames = ispAltNames(ispField(elem, 'altname'));
    const validTo = parseIspDate(ispField(elem, 'expiredate'));
    const itemStatus = ispField(elem, 'item_status');
    const view = ispCertificateView(itemStatus, ispCertificateStatus(ispField(elem, ISP_CERTIFICATE_STATUS_FIELD)), validTo, today);
    return {
      id,
      mainDomain: domain.toLowerCase(),
      // An empty altname does not say there are no other names (a www. certificate covers the bare name too).
      otherNames: altNames.length > 0 ? altNames : null,
      validation: ispValidation(product),
      multiDomain: ispMultiDomain(product, altNames),
      orderDate: parseIspDate(ispField(elem, 'createdate')),
      validFrom: null,
      validTo,
      termMonths: ispTermMonths(ispField(elem, 'period')),
      status: view.status,
      providerStatus: ispField(elem, 'status_msg')?.trim() || (itemStatus ?? ''),
      product: product || null,
      // The billing keeps one id through a reissue.
      pendingReissue: view.reissueUnderWay ? id : null,
    };
  }

  /**
   * The balance's currency: the billing's where it names one, else the module's Currency setting,
   * else unknown (empty). A balance never fails for want of a currency.
   */
  function withCurrency(reading: IspBalanceReading, named: string | null): Balance {
    const setting = integration.currency ?? null;
    if (named && setting && named !== setting) {
      config.log.write(3, `${PROVIDER}: the billing names the balance's currency ${named}; the module's Currency ${setting} is not used`);
    }
    const currency = named ?? setting ?? '';
    if (!currency) config.log.write(3, `${PROVIDER}: the billing does not name the currency of the balance; set Currency in the module's integration settings`);
    return { amount: reading.amount, currency };
  }

  return {
    async checkConnection() {
      const started = performance.now();
      await call('whoami', {}, true);
      return { roundTripMs: performance.now() - started };
    },

    async getBalance(): Promise<Balance> {
      let first: IspBalanceReading | null = null;
      for (const source of ISP_BALANCE_SOURCES) {
        let doc: IspNode;
        try {
          ({ doc } = await call(source.func, {}, true));
        } catch (error) {
          // A function this login may not call is a reason to try the next source; a login or network failure is not.
          if (error instanceof ProviderError && error.failure === 'provider-error') {
            config.log.write(4, `${PROVIDER}: ${error.message}; reading the balance elsewhere`);
            continue;
          }
          throw error;
        }
        const reading = source.read(doc);
        if (!reading) {
          config.log.write(6, `${PROVIDER} ${source.func}: no readable balance in the answer`);
          continue;
        }
        if (reading.currency) return withCurrency(first ?? reading, reading.currency);
        first ??= reading;
        // The module's currency names a bare amount; without one, the next source may name it.
        if (integration.currency) return withCurrency(first, null);
        config.log.write(6, `${PROVIDER} ${source.func}: the balance has no currency`);
      }
      if (first) return withCurrency(first, null);
      throw new ProviderError(
        'unexpected-response',
        `${PROVIDER}: no readable balance (tried ${ISP_BALANCE_SOURCES.map((source) => `func=${source.func}`).join(' and ')})`,
      );
    },

    async *listCertificates(options: ListOptions = {}) {
      const seen = new Set<string>();
      for (let page = 1; ; page += 1) {
        const { doc, today } = await call(ISP_LIST_FUNCTION, ispPageParams(page, ISP_PAGE_SIZE), true, options.signal);
        // A list answer has its rows (elem) or, when empty, its paging marker (p_elems): `{"doc":{}}`
        // is not an empty list but no list at all, and must not pass for "no certificates".
        if (doc.elem === undefined && doc.p_elems === undefined) {
          throw new ProviderError('unexpected-response', `${PROVIDER} ${ISP_LIST_FUNCTION}: page ${page} does not have the shape of a list (neither elem nor p_elems)`);
        }
        const records = ispList(doc.elem).map((elem) => toRecord(elem, today));
        for (const record of records) {
          if (seen.has(record.id)) {
            throw new ProviderError(
              'unexpected-response',
              `${PROVIDER} ${ISP_LIST_FUNCTION}: page ${page} repeats certificate ${record.id}; the billing did not honour the paging parameters`,
            );
          }
          seen.add(record.id);
        }
        const total = ispTotal(doc);
        options.onProgress?.({ listed: seen.size, total });
        if (records.length > 0) yield records;
        const done = records.length === 0 || (total !== null ? seen.size >= total : records.length < ISP_PAGE_SIZE);
        if (done) return;
      }
    },

    reissueSupport: ispmanagerReissueSupport,

    async reissue({ certificate, csr }: ReissueRequest) {
      const support = this.reissueSupport(certificate);
      if (!support.supported) throw new ProviderError('unsupported', support.reason);
      const { doc } = await call(ISP_REISSUE_FUNCTION, ispReissueParams(certificate.id, csr), false);
      const message = ispText(doc.ok)?.trim() || ispText(doc.msg)?.trim() || null;
      return { certificateId: certificate.id, message };
    },

    async orderState(certificateId: string): Promise<OrderState> {
      const what = `${PROVIDER} ${ISP_ORDER_FUNCTION}`;
      const { doc } = await call(ISP_ORDER_FUNCTION, ispOrderParams(certificateId), true);
      const certificateStatus = ispCertificateStatus(ispField(doc, ISP_CERTIFICATE_STATUS_FIELD));
      const itemStatus = ispField(doc, 'item_status')?.trim() || null;
      const statusMsg = ispField(doc, 'status_msg')?.trim() || null;
      const stage = ispOrderStage(certificateStatus, itemStatus);
      const providerStatus =
        statusMsg ?? ([certificateStatus && `certificate ${certificateStatus}`, itemStatus && `item_status ${itemStatus}`].filter(Boolean).join(', ') || 'no status');
      if (!stage) {
        throw new ProviderError('unexpected-response', `${what}: certificate ${certificateId} has no certificate or service status certops knows (${providerStatus})`);
      }
      const state: OrderState = {
        certificateId,
        stage,
        providerStatus,
        reason: null,
        validation: null,
        certificate: null,
        chain: [],
        validFrom: null,
        validTo: null,
      };
      if (stage === 'validating') return { ...state, reason: statusMsg, validation: ispValidationNeeds(doc, statusMsg) };
      if (stage !== 'issued') return { ...state, reason: statusMsg };
      // Only an issued certificate's crt is the new one: during a reissue it still holds the one being replaced.
      const pem = ispField(doc, ISP_CERTIFICATE_FIELD);
      if (!pem?.trim()) throw new ProviderError('unexpected-response', `${what}: certificate ${certificateId} is issued but the answer has no certificate (${ISP_CERTIFICATE_FIELD})`);
      const issued = splitIssuedPem(pem, what);
      return { ...state, certificate: issued.leaf, chain: issued.chain, validFrom: issued.validFrom, validTo: ispOrderValidTo(doc) };
    },

    // No documented call returns an order's CSR (providers.md §4.8, §4.9: certificate.order.csr makes
    // a new key and CSR for a new order), so none is asked.
    originalCsr: async () => null,

    close: () => transport.close(),
  };
}
