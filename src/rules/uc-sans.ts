/**
 * GlobalSign multi-domain orders: the `www.`, `owa.`, `mail.` and `autodiscover.` names
 * of the main domain are billed as the "Additional UC SANs domains" add-on, every other name as the
 * "Additional domains" add-on. One certificate carries at most 100 names.
 */
import { normalizeSubjectName } from './subject-names.js';
import { fail, ok, type Result } from './result.js';

export const UC_SAN_PREFIXES = ['www', 'owa', 'mail', 'autodiscover'] as const;
export const GLOBALSIGN_MAX_NAMES = 100;

export const UC_SANS_ADDON = 'Additional UC SANs domains';
export const ADDITIONAL_DOMAINS_ADDON = 'Additional domains';

/** The tariff's price of one name of each add-on, in minor units of its currency (cents, kopecks). */
export interface SanAddonPrices {
  readonly ucSanDomain: number;
  readonly additionalDomain: number;
}

export interface SanAddonLine {
  readonly addon: typeof UC_SANS_ADDON | typeof ADDITIONAL_DOMAINS_ADDON;
  readonly names: readonly string[];
  readonly count: number;
  readonly unitPrice: number;
  readonly cost: number;
}

export interface SanOrder {
  readonly mainDomain: string;
  readonly ucSans: SanAddonLine;
  readonly additionalDomains: SanAddonLine;
  /** The main domain and every extra name. */
  readonly totalNames: number;
  readonly totalCost: number;
}

function line(addon: SanAddonLine['addon'], names: string[], unitPrice: number): SanAddonLine {
  return { addon, names, count: names.length, unitPrice, cost: names.length * unitPrice };
}

export function splitGlobalSignSans(mainDomain: string, extraNames: readonly string[], prices: SanAddonPrices): Result<SanOrder> {
  for (const [what, price] of [[UC_SANS_ADDON, prices.ucSanDomain], [ADDITIONAL_DOMAINS_ADDON, prices.additionalDomain]] as const) {
    if (!Number.isSafeInteger(price) || price < 0) return fail(`the price of "${what}" must be a non-negative whole number of minor units, got ${price}`);
  }
  const main = normalizeSubjectName(mainDomain);
  if (!main.ok) return fail(`main domain: ${main.error}`);
  const total = 1 + extraNames.length;
  if (total > GLOBALSIGN_MAX_NAMES) {
    return fail(`a GlobalSign certificate carries at most ${GLOBALSIGN_MAX_NAMES} names; this order has ${total} (the main domain and ${extraNames.length} more)`);
  }
  const ucSanNames = new Set(UC_SAN_PREFIXES.map((prefix) => `${prefix}.${main.value}`));
  const seen = new Set([main.value]);
  const ucSans: string[] = [];
  const additional: string[] = [];
  for (const raw of extraNames) {
    const name = normalizeSubjectName(raw);
    if (!name.ok) return name;
    if (seen.has(name.value)) {
      return fail(name.value === main.value ? `${name.value} is the main domain; list it only once` : `${name.value} is listed more than once`);
    }
    seen.add(name.value);
    (ucSanNames.has(name.value) ? ucSans : additional).push(name.value);
  }
  const ucLine = line(UC_SANS_ADDON, ucSans, prices.ucSanDomain);
  const additionalLine = line(ADDITIONAL_DOMAINS_ADDON, additional, prices.additionalDomain);
  return ok({ mainDomain: main.value, ucSans: ucLine, additionalDomains: additionalLine, totalNames: total, totalCost: ucLine.cost + additionalLine.cost });
}
