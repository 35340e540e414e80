/**
 * What every processing module is configured with, besides its provider's integration settings:
 * BILLmanager's module parameters and the network settings of certops. One zod schema each, shared by
 * the console's wizard and the scripted commands' flags.
 */
import { CONTROL_CHARACTERS, controlCharacterMessage, INVISIBLE_CHARACTERS, invisibleCharacterMessage } from '../rules/control-characters.js';
import * as z from './zod.js';
import type { ModuleLog } from './log.js';
import { checkApiUrl } from './url-policy.js';
import { createTransport, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TOTAL_TIMEOUT_MS, type Transport } from './http.js';
import type { LookupFunction } from 'node:net';

/** An API address certops may send credentials to (https, or http on loopback only). */
export const apiUrlSchema = z.string().check(
  z.trim(),
  z.superRefine((text, context) => {
    const checked = checkApiUrl(text);
    if (!checked.ok) context.addIssue({ code: 'custom', message: checked.error, input: text });
  }),
);

export { CONTROL_CHARACTERS, controlCharacterMessage, printable } from '../rules/control-characters.js';

export const withoutControlCharacters = (what: string) => z.refine<string>((text) => !CONTROL_CHARACTERS.test(text), controlCharacterMessage(what));

export const requiredText = (what: string, maxLength?: { readonly length: number; readonly message: string }) =>
  z
    .string({ error: `${what} is required` })
    .check(z.trim(), z.minLength(1, `${what} is empty`), ...(maxLength ? [z.maxLength(maxLength.length, maxLength.message)] : []), withoutControlCharacters(what));

/** A secret: kept as typed (no trimming: spaces may be part of a password), never empty. */
export const secretSchema = (what: string) => z.string({ error: `${what} is required` }).check(z.minLength(1, `${what} is empty`));

/** BILLmanager's "Processing module parameters". */
export const moduleParametersSchema = z.object({
  name: requiredText('the name', { length: 100, message: 'the name is longer than 100 characters' }).check(z.refine<string>((text) => !INVISIBLE_CHARACTERS.test(text), invisibleCharacterMessage('the name'))),
  department: requiredText('the department'),
  sort: z.int({ error: 'sort must be a whole number' }).check(z.gte(0, 'sort cannot be negative'), z.lte(1_000_000, 'sort is at most 1000000')),
  /** In the provider's currency; null when the field is left empty (no low-balance check, as in BILLmanager). */
  minimalBalance: z.nullable(z.number({ error: 'the minimal balance must be a number' }).check(z.gte(0, 'the minimal balance cannot be negative'))),
  /** Only for providers whose module has a data center (Ispmanager (SSL), ENOM). */
  dataCenter: z.optional(requiredText('the data center')),
});
export type ModuleParameters = z.infer<typeof moduleParametersSchema>;

/**
 * The module parameters of one provider: the data center is required where BILLmanager lists it,
 * refused elsewhere. It is a field of the object (not a refinement after it), so its error is
 * reported together with every other field's.
 */
export function moduleParametersSchemaFor(provider: { readonly title: string; readonly hasDataCenter: boolean }) {
  const article = /^[aeiou]/i.test(provider.title) ? 'an' : 'a';
  const needed = `${article} ${provider.title} processing module needs a data center`;
  return z.extend(moduleParametersSchema, {
    dataCenter: provider.hasDataCenter
      ? z.string({ error: needed }).check(z.trim(), z.minLength(1, needed), withoutControlCharacters('the data center'))
      : z.optional(z.undefined({ error: `${article} ${provider.title} processing module has no data center` })),
  });
}

const timeoutSchema = (what: string, min: number, max: number, fallback: number) =>
  z._default(
    z
      .int({ error: (issue) => (issue.code === 'invalid_type' && typeof issue.input !== 'number' ? `the ${what} must be a number of milliseconds` : `the ${what} must be a whole number of milliseconds`) })
      .check(z.gte(min, `the ${what} must be at least ${min} ms`), z.lte(max, `the ${what} must be at most ${max} ms`)),
    fallback,
  );

export const networkSettingsSchema = z.object({
  /** Points the module at a sandbox, a proxy or a provider's new address without a code change. */
  endpoint: z.optional(apiUrlSchema),
  /** A PEM file with a CA to trust besides the system's. */
  caFile: z.optional(z.string().check(z.trim(), z.minLength(1, 'the CA file is empty'), withoutControlCharacters('the CA file'))),
  connectTimeoutMs: timeoutSchema('connect timeout', 100, 600_000, DEFAULT_CONNECT_TIMEOUT_MS),
  totalTimeoutMs: timeoutSchema('total timeout', 100, 3_600_000, DEFAULT_TOTAL_TIMEOUT_MS),
});
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;

/** Everything a provider client is built from. The CA file is read by the caller, not the client. */
export interface ClientConfig<Integration> {
  readonly integration: Integration;
  readonly network: NetworkSettings;
  readonly caPem?: string | undefined;
  readonly log: ModuleLog;
  readonly lookup?: LookupFunction | undefined;
  readonly readRetries?: number | undefined;
  readonly retryDelayMs?: number | undefined;
  readonly maxResponseBytes?: number | undefined;
  /** Cancels every call of the client (the console quitting). */
  readonly signal?: AbortSignal | undefined;
}

/** The transport of a module's client, from its settings. `secrets` are masked in logs and errors. */
export function moduleTransport(
  config: ClientConfig<unknown>,
  provider: string,
  secrets: readonly string[],
  localAddress?: string,
): Transport {
  return createTransport({
    provider,
    log: config.log,
    secrets,
    connectTimeoutMs: config.network.connectTimeoutMs,
    totalTimeoutMs: config.network.totalTimeoutMs,
    caPem: config.caPem,
    localAddress,
    lookup: config.lookup,
    readRetries: config.readRetries,
    retryDelayMs: config.retryDelayMs,
    maxResponseBytes: config.maxResponseBytes,
    signal: config.signal,
  });
}
