/**
 * GlobalSign integration settings: username, password, Demo, IP address; plus an optional
 * service URL for sandboxes and proxies. The base URL of the three services comes from Demo unless a
 * service URL or certops' network endpoint overrides it.
 */
import { isIP } from 'node:net';
import * as z from '../zod.js';
import { apiUrlSchema, requiredText, secretSchema, type NetworkSettings } from '../settings.js';
import type { GlobalsignService } from './wire.js';

export const GLOBALSIGN_PRODUCTION_URL = 'https://system.globalsign.com/kb/ws/v1/';
export const GLOBALSIGN_DEMO_URL = 'https://test-gcc.globalsign.com/kb/ws/v1/';

const FLAG_WORDS: Readonly<Record<string, boolean>> = { true: true, on: true, yes: true, '1': true, false: false, off: false, no: false, '0': false };

/** Demo as a boolean; the words BILLmanager's forms and CLI flags use (on/off, yes/no, 1/0) are read too. */
const demoSchema = z._default(
  z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' ? (FLAG_WORDS[value.trim().toLowerCase()] ?? value) : value)),
    z.boolean({ error: 'Demo must be true or false' }),
  ),
  false,
);

/** The local source address: an IPv4 or IPv6 literal of this server; an empty field means none. */
const ipAddressSchema = z.pipe(
  z.transform((value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)),
  z.optional(
    z.string({ error: 'the IP address must be text' }).check(
      z.trim(),
      z.superRefine((text, context) => {
        if (isIP(text) === 0) context.addIssue({ code: 'custom', message: `the IP address "${text}" is not an IPv4 or IPv6 address`, input: text });
      }),
    ),
  ),
);

export const globalsignIntegrationSchema = z.object({
  /** The API user, e.g. PAR12345_apiuser (partner account prefix and user). */
  username: requiredText('the username'),
  password: secretSchema('the password'),
  /** GlobalSign's test system (test-gcc) instead of production. */
  demo: demoSchema,
  /** The local address API requests are sent from: the one registered with GlobalSign for API access. */
  ipAddress: ipAddressSchema,
  /** Overrides the base URL chosen by Demo; for sandboxes and proxies. certops' network endpoint overrides both. */
  serviceUrl: z.optional(apiUrlSchema),
});
export type GlobalsignIntegration = z.infer<typeof globalsignIntegrationSchema>;

/** The base URL the services are appended to: network endpoint, then service URL, then Demo's choice. */
export function globalsignBaseUrl(integration: Pick<GlobalsignIntegration, 'demo' | 'serviceUrl'>, network: Pick<NetworkSettings, 'endpoint'>): URL {
  const base = network.endpoint ?? integration.serviceUrl ?? (integration.demo ? GLOBALSIGN_DEMO_URL : GLOBALSIGN_PRODUCTION_URL);
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

export function globalsignServiceUrl(base: URL, service: GlobalsignService): URL {
  return new URL(service, base);
}
