/** The eNom processing module's client: interface.asp with responsetype=xml (providers.md §3). */
import { unexpectedStatus } from '../http.js';
import { moduleTransport, type ClientConfig } from '../settings.js';
import { ProviderError, type Balance, type CertificateRecord, type ListOptions, type ProviderClient, type ReissueRequest } from '../types.js';
import { parseProviderXml, xmlAt, xmlList, xmlText, type XmlNode } from '../xml.js';
import type { EnomIntegration } from './settings.js';
import { enomReissueSupport } from './support.js';
import {
  ENOM_MAX_PAGE_SIZE,
  enomFailureCause,
  enomMultiDomain,
  enomStatus,
  enomValidation,
  parseEnomAmount,
  parseEnomDate,
  readEnomCsr,
} from './wire.js';

const PROVIDER = 'eNom';

export function createEnomClient(config: ClientConfig<EnomIntegration>): ProviderClient {
  const { integration, network, log } = config;
  const url = new URL(network.endpoint ?? integration.apiUrl);
  const transport = moduleTransport(config, PROVIDER, [integration.password]);

  /** One command. Sent as a POST form (eNom accepts both), so the password stays out of URLs. */
  async function call(command: string, params: Record<string, string>, read: boolean, signal?: AbortSignal) {
    const form = new URLSearchParams({ command, uid: integration.username, pw: integration.password, responsetype: 'xml', ...params });
    const response = await transport.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/xml' },
      body: form.toString(),
      read,
      signal,
    });
    if (response.status !== 200) throw unexpectedStatus(PROVIDER, response);
    const root = xmlAt(parseProviderXml(response.body, `${PROVIDER} ${command}`), 'interface-response');
    if (!root || typeof root !== 'object') throw new ProviderError('unexpected-response', `${PROVIDER} ${command}: the answer has no <interface-response>`);
    const errorCount = Number(xmlText(xmlAt(root, 'ErrCount')) ?? 'NaN');
    if (!Number.isInteger(errorCount)) throw new ProviderError('unexpected-response', `${PROVIDER} ${command}: the answer has no ErrCount`);
    if (errorCount > 0) {
      const errors = xmlAt(root, 'errors') as XmlNode | null;
      const texts = errors ? Object.keys(errors).filter((k) => /^Err\d+$/i.test(k)).map((k) => xmlText(errors[k]) ?? '') : [];
      const text = texts.filter(Boolean).join('; ') || 'an unspecified error';
      const failure = enomFailureCause(text);
      const prefix =
        failure === 'credentials'
          ? 'eNom rejected the username or password'
          : failure === 'ip-not-allowed'
            ? 'eNom does not permit API calls from this server\'s IP address'
            : failure === 'account-locked'
              ? 'the eNom account is locked'
              : `eNom ${command} failed`;
      throw new ProviderError(failure, `${prefix} ("${text}")`, { providerCode: text });
    }
    return { root: root as XmlNode, elapsedMs: response.elapsedMs };
  }

  function toRecord(cert: unknown): CertificateRecord {
    const text = (name: string) => xmlText(xmlAt(cert, name));
    const id = text('CertID');
    const domain = text('DomainName');
    if (!id || !domain) throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCerts: a certificate without CertID or DomainName`);
    const product = text('ProdDesc') ?? '';
    const allowed = Number(text('DomainCountAllowed'));
    const months = Number(text('ValidityPeriod'));
    const statusId = Number(text('CertStatusID'));
    return {
      id,
      mainDomain: domain.toLowerCase(),
      otherNames: null,
      validation: enomValidation(product),
      multiDomain: enomMultiDomain(product, Number.isFinite(allowed) ? allowed : null),
      orderDate: parseEnomDate(text('OrderDate')),
      validFrom: null,
      validTo: parseEnomDate(text('ExpirationDate')),
      termMonths: Number.isInteger(months) && months > 0 ? months : null,
      status: enomStatus(Number.isInteger(statusId) ? statusId : null, /^true$/i.test(text('IsExpired') ?? '')),
      providerStatus: text('CertStatus') ?? '',
      product: product || null,
    };
  }

  return {
    async checkConnection() {
      const started = performance.now();
      await call('CheckLogin', {}, true);
      return { roundTripMs: performance.now() - started };
    },

    async getBalance(): Promise<Balance> {
      const { root } = await call('GetBalance', {}, true);
      const amount = parseEnomAmount(xmlText(xmlAt(root, 'Balance')));
      if (amount === null) throw new ProviderError('unexpected-response', `${PROVIDER} GetBalance: no readable Balance in the answer`);
      // eNom accounts are kept in US dollars; the answer carries no currency.
      return { amount, currency: 'USD' };
    },

    async *listCertificates(options: ListOptions = {}) {
      let start = 1;
      let listed = 0;
      for (;;) {
        const { root } = await call('CertGetCerts', { StartPosition: String(start), PagingPageSize: String(ENOM_MAX_PAGE_SIZE), SortBy: 'CertID' }, true, options.signal);
        const certs = xmlAt(root, 'CertGetCerts', 'Certs');
        const page = xmlList(xmlAt(certs, 'Cert')).map(toRecord);
        const total = Number(xmlText(xmlAt(certs, 'TotalRecords')) ?? xmlText(xmlAt(root, 'TotalCertCount')));
        listed += page.length;
        options.onProgress?.({ listed, total: Number.isFinite(total) ? total : null });
        if (page.length > 0) yield page;
        if (page.length < ENOM_MAX_PAGE_SIZE || (Number.isFinite(total) && listed >= total)) return;
        start += page.length;
      }
    },

    reissueSupport: enomReissueSupport,

    async reissue({ certificate, csr }: ReissueRequest) {
      const support = this.reissueSupport(certificate);
      if (!support.supported) throw new ProviderError('unsupported', support.reason);
      const { root } = await call('CertReissueCert', { CertID: certificate.id, CSR: csr }, false);
      if (!/^true$/i.test(xmlText(xmlAt(root, 'Success')) ?? '')) {
        throw new ProviderError('unexpected-response', `${PROVIDER} CertReissueCert: the answer does not say Success`);
      }
      return { certificateId: certificate.id, message: xmlText(xmlAt(root, 'Message')) };
    },

    /** CertGetCertDetail's CSR. The answer also carries the private key (PVT) when eNom made it: only the log sees it, masked. */
    async originalCsr(certificate: CertificateRecord) {
      const { root } = await call('CertGetCertDetail', { CertID: certificate.id }, true);
      if (xmlAt(root, 'CertGetCertDetail') === null) {
        throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCertDetail: the answer for certificate ${certificate.id} has no <CertGetCertDetail>`);
      }
      const found = readEnomCsr(root);
      if (found.kind === 'invalid') {
        throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCertDetail: the CSR of certificate ${certificate.id} is not a CSR (${found.reason})`);
      }
      if (found.kind === 'none') {
        log.write(6, `${PROVIDER} CertGetCertDetail: certificate ${certificate.id} has no CSR`);
        return null;
      }
      return found.pem;
    },

    close: () => transport.close(),
  };
}
