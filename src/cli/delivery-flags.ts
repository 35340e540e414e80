/**
 * The delivery flags that `policy set` (the defaults) and `module edit` (one module's overrides)
 * share: --deploy-hook, --probe-resolve (repeatable), --key-policy, --key-type. Each changes only
 * its own setting; `none` clears the hook or the probe targets.
 */
import { KEY_POLICIES, KEY_TYPES, type KeyPolicy, type KeyType, type ModuleDelivery } from '../core/store.js';
import { formatProbeResolve, parseProbeResolve } from '../core/reissue/probe.js';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../rules/control-characters.js';
import { UsageError } from './exit-codes.js';

export const DELIVERY_FLAGS = {
  'deploy-hook': { type: 'string' },
  'key-policy': { type: 'string' },
  'key-type': { type: 'string' },
} as const;

/** Taken out with takeRepeated before parseFlags. */
export const DELIVERY_REPEATED = ['probe-resolve'] as const;

export const DELIVERY_HELP = `  --deploy-hook COMMAND   run after each collected reissue, with sh -c and certbot's environment
                          (RENEWED_LINEAGE, RENEWED_DOMAINS) plus CERTOPS_MODULE and
                          CERTOPS_CERTIFICATE_ID; "none" removes it
  --probe-resolve NAME:PORT:ADDRESS
                          probe NAME (or * for every name) on ADDRESS:PORT instead of its DNS
                          address on port 443, as curl's --resolve (repeatable; "none" clears)
  --key-policy reuse|new  reuse: keep the certificate's key (a new CSR for the key certops holds,
                          else the order's original CSR); new: a new key for every reissue. Some
                          CAs ask for a new domain validation when the key changes
  --key-type rsa2048|rsa3072|ecdsa-p256
                          the type of a new key`;

/** The delivery changes the flags ask for; an empty object when none was given. */
export function deliveryChanges(flags: { readonly 'deploy-hook'?: string | undefined; readonly 'key-policy'?: string | undefined; readonly 'key-type'?: string | undefined }, resolves: readonly string[], command: string): ModuleDelivery {
  const changes: { -readonly [K in keyof ModuleDelivery]: ModuleDelivery[K] } = {};
  const hook = flags['deploy-hook'];
  if (hook !== undefined) {
    const text = hook.trim();
    if (text === '') throw new UsageError('--deploy-hook: give a command, or "none" to remove the hook', command);
    // `policy` and `module show` print the hook: an escape sequence or a bidi override would act on the terminal.
    if (CONTROL_CHARACTERS.test(text)) throw new UsageError('--deploy-hook: one line without control characters (a newline, tab, escape sequence or bidi override; put longer scripts in a file and name it)', command);
    if (text.length > 4096) throw new UsageError('--deploy-hook: longer than 4096 characters (put it in a script and name the script)', command);
    changes.deployHook = text === 'none' ? null : text;
  }
  if (resolves.length > 0) {
    if (resolves.includes('none')) {
      if (resolves.length > 1) throw new UsageError('--probe-resolve none clears the list and takes no other value', command);
      changes.probeResolve = [];
    } else {
      changes.probeResolve = resolves.map((text) => {
        if (CONTROL_CHARACTERS.test(text)) throw new UsageError(`--probe-resolve: ${controlCharacterMessage('a probe target')}`, command);
        try {
          return formatProbeResolve(parseProbeResolve(text));
        } catch (error) {
          throw new UsageError(`--probe-resolve: ${(error as Error).message}`, command);
        }
      });
      const names = changes.probeResolve.map((entry) => entry.slice(0, entry.indexOf(':')));
      const twice = names.find((name, index) => names.indexOf(name) !== index);
      if (twice) throw new UsageError(`--probe-resolve: ${twice} is given twice`, command);
    }
  }
  const policy = flags['key-policy'];
  if (policy !== undefined) {
    if (!(KEY_POLICIES as readonly string[]).includes(policy)) throw new UsageError(`--key-policy: must be ${KEY_POLICIES.join(' or ')} (got "${policy}")`, command);
    changes.keyPolicy = policy as KeyPolicy;
  }
  const type = flags['key-type'];
  if (type !== undefined) {
    if (!(KEY_TYPES as readonly string[]).includes(type)) throw new UsageError(`--key-type: must be one of ${KEY_TYPES.join(', ')} (got "${type}")`, command);
    changes.keyType = type as KeyType;
  }
  return changes;
}
