/**
 * The Ispmanager (SSL) processing module's client: the BILLmanager API of the ispmanager billing,
 * `func=…&out=json` with per-request authinfo (providers.md §4).
 */
import { dayOfInstant, formatDay } from '../../rules/calendar.js';
import { unexpectedStatus, type HttpResponse } from '../http.js';
import { redact } from '../redact.js';
import { moduleTransport, type ClientConfig } from '../settings.js';
import { ProviderError, type Balance, type CertificateRecord, type ListOptions, type ProviderClient, type ReissueRequest } from '../types.js';
import type { IspmanagerIntegration } from './settings.js';
import {
  ISP_BALANCE_SOURCES,
  ISP_LANGUAGE,
  ISP_LIST_FUNCTION,
  ISP_OUTPUT,
  ISP_PAGE_SIZE,
  ISP_REISSUE_FUNCTION,
  ispAltNames,
  ispAuthinfo,
  ispEndpoint,
  ispError,
  ispField,
  ispList,
  ispmanagerFailureCause,
  ispMultiDomain,
  ispPageParams,
  ispmanagerReissueSupport,
  ispReissueParams,
  ispStatus,
  ispText,
  ispTotal,
  ispValidation,
  parseIspDate,
  ispTermMonths,
  parseIspDocument,
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

export function createIspmanagerClient(config: ClientConfig<IspmanagerIntegration>): ProviderClient {
  const { integration, network } = config;
  const url = ispEndpoint(network.endpoint ?? integration.url);
  const secrets = [integration.password];
  const transport = moduleTransport(config, PROVIDER, secrets);
  const authinfo = ispAuthinfo(integration.username, integration.password);

  /** One function call. Sent as a POST form (the billing takes both), so the password stays out of URLs. */
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
    if (response.status !== 200) throw unexpectedStatus(PROVIDER, response);
    const doc = parseIspDocument(response.body, `${PROVIDER} ${func}`);
    const error = ispError(doc);
    if (error) {
      const failure = ispmanagerFailureCause(error);
      const text = redact(error.message || 'an unspecified error', secrets);
      const code = [error.type, error.object].filter(Boolean).join('/');
      const prefix =
        failure === 'credentials'
          ? `${PROVIDER} rejected the user name or password (with two-factor authentication on the account the API cannot log in)`
          : failure === 'ip-not-allowed'
            ? `the ispmanager billing does not accept API calls from this server's IP address`
            : failure === 'account-locked'
              ? 'the ispmanager billing account is locked'
              : `${PROVIDER} ${func} failed`;
      throw new ProviderError(failure, `${prefix} ("${text}"${code ? `, ${code}` : ''})`, { providerCode: code || text });
    }
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
      status: ispStatus(itemStatus, validTo, today),
      providerStatus: ispField(elem, 'status_msg')?.trim() || (itemStatus ?? ''),
      product: product || null,
    };
  }

  return {
    async checkConnection() {
      const started = performance.now();
      await call('whoami', {}, true);
      return { roundTripMs: performance.now() - started };
    },

    async getBalance(): Promise<Balance> {
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
        const balance = source.read(doc);
        if (balance) return balance;
        config.log.write(6, `${PROVIDER} ${source.func}: no readable balance in the answer`);
      }
      throw new ProviderError(
        'unexpected-response',
        `${PROVIDER}: no readable balance (tried ${ISP_BALANCE_SOURCES.map((source) => `func=${source.func}`).join(' and ')})`,
      );
    },

    async *listCertificates(options: ListOptions = {}) {
      const seen = new Set<string>();
      for (let page = 1; ; page += 1) {
        const { doc, today } = await call(ISP_LIST_FUNCTION, ispPageParams(page, ISP_PAGE_SIZE), true, options.signal);
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

    // No documented call returns an order's CSR (providers.md §4.8, §4.9: certificate.order.csr makes
    // a new key and CSR for a new order), so none is asked.
    originalCsr: async () => null,

    close: () => transport.close(),
  };
}
