/**
 * Use case: the reissue policy (SSLSubscriptionPolicy / SSLSubscriptionBefore), with a preview of
 * what a change does to the next 30 days of the timeline, and billmgr.conf lines in and out.
 */
import { formatDay, type Day } from '../rules/calendar.js';
import { parseSubscriptionBefore, parseSubscriptionPolicy } from '../rules/reissue-policy.js';
import { fail, ok, type Result } from '../rules/result.js';
import { buildTimeline, filterTimeline, type ReissuePolicySettings, type TimelineEntry } from './timeline.js';
import type { DeliverySettings, ModuleDelivery } from './store.js';
import type { Workspace } from './workspace.js';

export function readPolicy(workspace: Workspace): ReissuePolicySettings {
  return workspace.store.read().reissuePolicy;
}

export async function setPolicy(workspace: Workspace, next: ReissuePolicySettings): Promise<{ before: ReissuePolicySettings; after: ReissuePolicySettings }> {
  return workspace.store.update((data) => ({ data: { ...data, reissuePolicy: next }, result: { before: data.reissuePolicy, after: next } }));
}

/** The reissue delivery defaults (deploy hook, probe targets, key policy and type). */
export function readDelivery(workspace: Workspace): DeliverySettings {
  return workspace.store.read().delivery;
}

/** Changes only the delivery settings given; the rest stay. */
export async function setDelivery(workspace: Workspace, changes: ModuleDelivery): Promise<{ before: DeliverySettings; after: DeliverySettings }> {
  return workspace.store.update((data) => {
    const after: DeliverySettings = {
      deployHook: changes.deployHook !== undefined ? changes.deployHook : data.delivery.deployHook,
      probeResolve: changes.probeResolve ?? data.delivery.probeResolve,
      keyPolicy: changes.keyPolicy ?? data.delivery.keyPolicy,
      keyType: changes.keyType ?? data.delivery.keyType,
    };
    return { data: { ...data, delivery: after }, result: { before: data.delivery, after } };
  });
}

/** Changes only the given delivery settings of one module (null for the hook clears the module's own, back to the policy's). */
export async function setModuleDelivery(workspace: Workspace, moduleId: number, changes: ModuleDelivery): Promise<ModuleDelivery> {
  return workspace.store.update((data) => {
    const module = data.modules.find((m) => m.id === moduleId);
    if (!module) throw new Error(`the processing module ${moduleId} was removed meanwhile`);
    const delivery: ModuleDelivery = { ...module.delivery, ...changes };
    return { data: { ...data, modules: data.modules.map((m) => (m.id === moduleId ? { ...m, delivery } : m)) }, result: delivery };
  });
}

export interface PolicyPreviewChange {
  readonly module: string;
  readonly domain: string;
  readonly certificateId: string;
  readonly before: Pick<TimelineEntry, 'actionDate' | 'action'> | null;
  readonly after: Pick<TimelineEntry, 'actionDate' | 'action'> | null;
}

/** What changes in the next `days` days of the timeline if `candidate` replaces the current policy. */
export function previewPolicy(workspace: Workspace, candidate: ReissuePolicySettings, today: Day, days = 30) {
  const window = (settings: ReissuePolicySettings) =>
    new Map(filterTimeline(buildTimeline(workspace, today, settings).entries, { withinDays: days }, today).map((e) => [`${e.moduleId}:${e.certificateId}`, e]));
  const current = window(readPolicy(workspace));
  const next = window(candidate);
  const changes: PolicyPreviewChange[] = [];
  for (const key of new Set([...current.keys(), ...next.keys()])) {
    const a = current.get(key);
    const b = next.get(key);
    if (a && b && a.actionDate === b.actionDate && a.action === b.action) continue;
    const entry = (a ?? b) as TimelineEntry;
    changes.push({
      module: entry.module,
      domain: entry.domain,
      certificateId: entry.certificateId,
      before: a ? { actionDate: a.actionDate, action: a.action } : null,
      after: b ? { actionDate: b.actionDate, action: b.action } : null,
    });
  }
  changes.sort((x, y) => ((x.after ?? x.before)?.actionDate ?? '').localeCompare((y.after ?? y.before)?.actionDate ?? ''));
  // Actions, not entries: under policy "none" every entry is still there, with no action to take.
  const actions = (window: Map<string, TimelineEntry>) => [...window.values()].filter((e) => e.action !== 'none').length;
  return { until: formatDay((today + days) as Day), dueBefore: actions(current), dueAfter: actions(next), changes };
}

/**
 * billmgr.conf lines for the policy, as BILLmanager names them. Other lines are ignored; the last
 * occurrence wins, as in a config file read top to bottom. `Option SSLSubscriptionPolicy auto` and
 * `SSLSubscriptionPolicy auto` are both read (BILLmanager's documentation says "Option"; COREmanager writes valued
 * parameters without it).
 */
export function parseBillmgrConf(text: string): Result<Partial<ReissuePolicySettings>> {
  const found: { policy?: ReissuePolicySettings['policy']; beforeDays?: number } = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const match = /^(?:Option\s+)?(SSLSubscriptionPolicy|SSLSubscriptionBefore)\s+(\S+)\s*$/i.exec(line);
    if (!match) {
      if (/^(?:Option\s+)?SSLSubscription(Policy|Before)\b/i.test(line)) return fail(`line ${index + 1}: "${raw.trim()}" has no single value`);
      continue;
    }
    const [, name, value] = match as unknown as [string, string, string];
    if (name.toLowerCase() === 'sslsubscriptionpolicy') {
      const policy = parseSubscriptionPolicy(value);
      if (!policy.ok) return fail(`line ${index + 1}: ${policy.error}`);
      found.policy = policy.value;
    } else {
      const before = parseSubscriptionBefore(value);
      if (!before.ok) return fail(`line ${index + 1}: ${before.error}`);
      found.beforeDays = before.value;
    }
  }
  return ok(found);
}

export function billmgrConfLines(settings: ReissuePolicySettings): string {
  return `Option SSLSubscriptionPolicy ${settings.policy}\nOption SSLSubscriptionBefore ${settings.beforeDays}\n`;
}
