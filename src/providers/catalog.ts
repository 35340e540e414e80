/**
 * What certops knows of each provider that is not wire protocol: BILLmanager's names, log files and
 * module parameters. One entry per provider, so a fifth provider is added here.
 */
export type ProviderId = 'leadertelecom' | 'ispmanager' | 'globalsign' | 'enom';

/** What is known of a certificate before there is an order: what a provider's reissueCapability is asked with. */
export interface CertificateTraits {
  readonly multiDomain: boolean;
}

export interface ProviderFacts {
  readonly id: ProviderId;
  /** The processing module's name in the BILLmanager wizard. */
  readonly title: string;
  /** Log name for debug.conf lines and the log file (var/<logName>.log). */
  readonly logName: string;
  /** Whether the module parameters include a data center. */
  readonly hasDataCenter: boolean;
  /** BILLmanager's message when the connection check fails. */
  readonly connectionFailedMessage: string;
  /** BILLmanager's troubleshooting steps for a failed check, in their words. */
  readonly troubleshooting: Troubleshooting;
}

export interface Troubleshooting {
  /** BILLmanager's line before the steps. */
  readonly heading: string;
  readonly parameters: string;
  readonly reachable: string;
  /** Only BILLmanager's documentation of LeaderTelecom, GlobalSign and ENOM names the IP allow-list step. */
  readonly ipAllowed: string | null;
}

const CANNOT_CONNECT = 'Cannot connect to the processing module';
// BILLmanager's documentation of LeaderTelecom, GlobalSign and ENOM ("Check connection").
const CA_STEPS: Troubleshooting = {
  heading: 'perform the following steps:',
  parameters: 'make sure the connection parameters are correct',
  reachable: 'check that the URL-address of the Certification Authority is accessible from the server with BILLmanager',
  ipAllowed: 'make sure that API calls can be executed from the BILLmanager IP address in the Certification Authority Client area',
};

export const PROVIDERS: Readonly<Record<ProviderId, ProviderFacts>> = {
  leadertelecom: {
    id: 'leadertelecom',
    title: 'LeaderTelecom',
    logName: 'pmleadertelecom',
    hasDataCenter: false,
    connectionFailedMessage: CANNOT_CONNECT,
    troubleshooting: CA_STEPS,
  },
  ispmanager: {
    id: 'ispmanager',
    title: 'Ispmanager (SSL)',
    logName: 'pmispmgrssl',
    hasDataCenter: true,
    connectionFailedMessage: 'Failed to establish a connection to the processing module',
    // BILLmanager's documentation of Ispmanager (SSL) ("Connection check") names two steps and no allow-list.
    troubleshooting: {
      heading: 'make sure that:',
      parameters: 'the connection details are correct',
      reachable: 'The URL address of the certificate authority is available from the server where BILLmanager is installed.',
      ipAllowed: null,
    },
  },
  globalsign: {
    id: 'globalsign',
    title: 'GlobalSign',
    logName: 'pmglobalsign',
    hasDataCenter: false,
    connectionFailedMessage: CANNOT_CONNECT,
    troubleshooting: CA_STEPS,
  },
  enom: {
    id: 'enom',
    title: 'ENOM',
    logName: 'pmenomssl',
    hasDataCenter: true,
    connectionFailedMessage: CANNOT_CONNECT,
    troubleshooting: CA_STEPS,
  },
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(PROVIDERS, value);
}
