/** The eNom processing module's client: interface.asp with responsetype=xml (providers.md §3). */
import { unexpectedStatus } from '../http.js';
import { redact } from '../redact.js';
import { moduleTransport, type ClientConfig } from '../settings.js';
import {
  ProviderError,
  type Balance,
  type CertificateRecord,
  type ListOptions,
  type OrderStage,
  type OrderState,
  type ProviderClient,
  type ReissueRequest,
  type ValidationNeeds,
} from '../types.js';
import { parseProviderXml, xmlAt, xmlList, xmlText, type XmlNode } from '../xml.js';
import { issuedCertificate } from './chain.js';
import type { EnomIntegration } from './settings.js';
import { enomReissueSupport } from './support.js';
import {
  ENOM_MAX_PAGE_SIZE,
  enomDnsRecord,
  enomFailureCause,
  enomHttpFile,
  enomMultiDomain,
  enomOrderStage,
  enomReissueState,
  enomStatusOf,
  enomValidation,
  enomValidationMethod,
  parseEnomAmount,
  parseEnomDate,
  readEnomCertificates,
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
      // eNom may quote the request it refuses, password and all: its words are masked before they go anywhere.
      const text = redact(texts.filter(Boolean).join('; ') || 'an unspecified error', [integration.password]);
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
    const statusId = Number(text('CertStatusID') || 'NaN');
    const providerStatus = text('CertStatus') ?? '';
    const { status, disagreement } = enomStatusOf(Number.isInteger(statusId) ? statusId : null, providerStatus, /^true$/i.test(text('IsExpired') ?? ''));
    if (disagreement) log.write(4, `${PROVIDER} CertGetCerts: certificate ${id}: ${disagreement}`);
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
      status,
      providerStatus,
      product: product || null,
      // The list goes on showing the certificate in force (its ExpirationDate) while a reissue waits.
      pendingReissue: enomReissueState(text('ReissueStatus')) === 'validating' ? id : null,
    };
  }

  /** CertGetCertDetail of one certificate: the answer, checked to hold <CertGetCertDetail>. A read, retried. */
  async function certDetail(certificateId: string): Promise<XmlNode> {
    const { root } = await call('CertGetCertDetail', { CertID: certificateId }, true);
    const detail = xmlAt(root, 'CertGetCertDetail');
    if (detail === null || typeof detail !== 'object') {
      throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCertDetail: the answer for certificate ${certificateId} has no <CertGetCertDetail>`);
    }
    return root;
  }

  /** What the detail says validation needs (DVAuthMethod and the fields that go with it). */
  function validationNeeds(detail: unknown): ValidationNeeds {
    const text = (name: string) => xmlText(xmlAt(detail, name))?.trim() || null;
    const method = enomValidationMethod(text('DVAuthMethod'));
    const status = [text('AuthStatusName'), text('AuthStatusLastUpdate') && `last checked ${text('AuthStatusLastUpdate')}`, text('CertOrderStateName')].filter(Boolean);
    return {
      method,
      approverEmail: text('ApproverEmail'),
      dnsRecord: method === 'dns' ? enomDnsRecord(text('DNSAuthEntry'), text('DNSAuthAddress'), text('DomainName')) : null,
      httpFile: method === 'http' ? enomHttpFile(text('FileAuthName'), xmlText(xmlAt(detail, 'FileAuthContents'))) : null,
      detail: status.length > 0 ? status.join(', ') : null,
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
      // What can be spent is AvailableBalance, which eNom tells apart from Balance (its own sample has
      // Balance -1,832.23 beside AvailableBalance 6,193.37). eNom accounts are kept in US dollars.
      const availableText = xmlText(xmlAt(root, 'AvailableBalance'));
      if (availableText === null || availableText.trim() === '') {
        log.write(4, `${PROVIDER} GetBalance: the answer has no AvailableBalance; only Balance is known`);
        return { amount, currency: 'USD' };
      }
      const available = parseEnomAmount(availableText);
      if (available === null) throw new ProviderError('unexpected-response', `${PROVIDER} GetBalance: no readable AvailableBalance in the answer`);
      return { amount, available, currency: 'USD' };
    },

    async *listCertificates(options: ListOptions = {}) {
      let start = 1;
      let listed = 0;
      for (;;) {
        const { root } = await call('CertGetCerts', { StartPosition: String(start), PagingPageSize: String(ENOM_MAX_PAGE_SIZE), SortBy: 'CertID' }, true, options.signal);
        const certs = xmlAt(root, 'CertGetCerts', 'Certs');
        // ErrCount 0 without <CertGetCerts><Certs> is not an empty list but no list at all: it must
        // not pass for "no certificates" (an empty list still has its Certs element).
        if (certs === null) throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCerts: the answer does not have the shape of a list (no CertGetCerts/Certs)`);
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
      const root = await certDetail(certificate.id);
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

    /**
     * CertGetCertDetail read for the lifecycle. eNom keeps one CertID through a reissue and keeps
     * CertStatus on the certificate in force, so a reissue's own state (ReissueStatus) comes first:
     * while it waits, SSLCertificate still holds the old certificate, which must not pass for the new.
     */
    async orderState(certificateId: string): Promise<OrderState> {
      const root = await certDetail(certificateId);
      const detail = xmlAt(root, 'CertGetCertDetail');
      const text = (name: string) => xmlText(xmlAt(detail, name))?.trim() || null;
      const statusText = text('CertStatus');
      const idNumber = Number(text('CertStatusID') ?? 'NaN');
      const statusId = Number.isInteger(idNumber) ? idNumber : null;
      const reissueStatus = text('ReissueStatus');
      const reissue = enomReissueState(reissueStatus);
      const byStatus = enomOrderStage(statusId, statusText);
      const { disagreement } = enomStatusOf(statusId, statusText, false);
      if (disagreement) log.write(4, `${PROVIDER} CertGetCertDetail: certificate ${certificateId}: ${disagreement}`);
      const providerStatus = [statusText ?? (statusId === null ? '' : `CertStatusID ${statusId}`), reissueStatus && `ReissueStatus ${reissueStatus}`].filter(Boolean).join(', ');
      const stage: OrderStage | null = reissue === 'validating' || reissue === 'failed' || reissue === 'cancelled' ? reissue : byStatus;
      if (stage === null) {
        throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCertDetail: certificate ${certificateId} has a status certops does not know (${providerStatus || 'none'})`);
      }
      const said = text('CertStatusDetail') ?? text('Message');
      const base = { certificateId, stage, providerStatus, certificate: null, chain: [], validFrom: null, validTo: null };
      if (stage === 'validating') return { ...base, reason: said, validation: validationNeeds(detail) };
      if (stage === 'failed' || stage === 'cancelled') return { ...base, reason: said ?? statusText, validation: null };

      let leaf: string[];
      let authorities: string[];
      try {
        leaf = readEnomCertificates(xmlText(xmlAt(detail, 'SSLCertificate')));
        const icas = xmlAt(detail, 'IntermediateCertificates');
        const listed = icas && typeof icas === 'object' ? Object.keys(icas).filter((k) => /^ICA\d+$/i.test(k)).map((k) => xmlText((icas as XmlNode)[k])) : [];
        authorities = [xmlText(xmlAt(detail, 'CACerts')), ...listed].flatMap((pem) => readEnomCertificates(pem));
      } catch {
        throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCertDetail: the certificate of ${certificateId} is not PEM`);
      }
      const [first, ...more] = leaf;
      if (!first) {
        log.write(4, `${PROVIDER} CertGetCertDetail: certificate ${certificateId} is issued but its SSLCertificate is empty`);
        return { ...base, reason: said, validation: null, validTo: parseEnomDate(text('ExpirationDate')) };
      }
      let issued;
      try {
        issued = issuedCertificate(first, [...more, ...authorities]);
      } catch {
        throw new ProviderError('unexpected-response', `${PROVIDER} CertGetCertDetail: the SSLCertificate or CACerts of ${certificateId} does not parse as X.509`);
      }
      return {
        ...base,
        reason: said,
        validation: null,
        certificate: issued.certificate,
        chain: issued.chain,
        validFrom: issued.validFrom,
        // eNom's ExpirationDate, as the list gives it; the leaf's own notAfter where the detail has none.
        validTo: parseEnomDate(text('ExpirationDate')) ?? issued.validTo,
      };
    },

    close: () => transport.close(),
  };
}
