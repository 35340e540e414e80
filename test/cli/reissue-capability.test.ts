/**
 * One answer to "can this provider reissue it?" (issue 13, item 17): plan --provider, the help
 * texts, the timeline and the run all say what the provider's own folder says.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS, PROVIDERS } from '../../src/providers/catalog.js';
import { providerModule } from '../../src/providers/registry.js';
import { syncModules } from '../../src/core/sync.js';
import { buildTimeline } from '../../src/core/timeline.js';
import { runMain } from '../helpers/cli.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('what a provider can reissue: one source of truth', { timeout: 60_000 }, () => {
  it('plan --provider leadertelecom makes every reissue a manual task, as the run does, and says why', async () => {
    for (const multi of [[], ['--multi-domain']]) {
      const run = await runMain(['plan', '--ordered', '2027-01-10', '--years', '2', '--provider', 'leadertelecom', ...multi, '--json']);
      expect(run.code).toBe(0);
      const plan = JSON.parse(run.stdout) as { certificates: { action: string; actionDate: string | null }[]; warnings: string[] };
      const acting = plan.certificates.filter((c) => c.actionDate !== null);
      expect(acting.length).toBeGreaterThan(0);
      expect(new Set(acting.map((c) => c.action))).toEqual(new Set(['manual-task']));
      expect(plan.warnings.join(' ')).toMatch(/LeaderTelecom|LeaderSSL/);
    }
  });

  it('for every provider and both kinds of certificate, plan acts as the provider module says', async () => {
    for (const provider of PROVIDER_IDS) {
      for (const multiDomain of [false, true]) {
        const capability = providerModule(provider).reissueCapability({ multiDomain });
        const run = await runMain(['plan', '--ordered', '2027-01-10', '--years', '2', '--provider', provider, ...(multiDomain ? ['--multi-domain'] : []), '--json']);
        const first = (JSON.parse(run.stdout) as { certificates: { action: string }[] }).certificates[0];
        expect(first?.action, `${provider} multi-domain ${multiDomain}`).toBe(capability.supported ? 'reissue' : 'manual-task');
      }
    }
  });

  it("the timeline of a synced LeaderTelecom module agrees with plan: manual tasks, with the provider's reason", async () => {
    const { workspace, modules } = await harness.withModules(['leadertelecom'], 20);
    const synced = await syncModules(workspace, modules, workspace.runtime());
    expect(synced.every((result) => result.ok)).toBe(true);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    const acting = buildTimeline(workspace, TODAY).entries.filter((entry) => entry.actionDate !== null && entry.action !== 'end-of-term');
    expect(acting.length).toBeGreaterThan(0);
    expect(new Set(acting.map((entry) => entry.action))).toEqual(new Set(['manual-task']));
    const single = providerModule('leadertelecom').reissueCapability({ multiDomain: false });
    const multi = providerModule('leadertelecom').reissueCapability({ multiDomain: true });
    const reasons = new Set([single, multi].map((answer) => (answer.supported ? null : answer.reason)));
    for (const entry of acting) expect(reasons.has(entry.reason)).toBe(true);
  });

  it('--help of plan, reissue and tasks name what each provider cannot reissue, in the provider\'s words', async () => {
    const limited = PROVIDER_IDS.map((id) => [id, providerModule(id).reissueLimits] as const).filter(([, limits]) => limits !== null);
    expect(limited.map(([id]) => id)).toContain('leadertelecom');
    for (const args of [['plan', '--help'], ['reissue', '--help'], ['tasks', '--help']]) {
      const help = (await runMain(args)).stdout.replace(/\s+/g, ' ');
      for (const [id, limits] of limited) expect(help, `${args[0]}: ${id}`).toContain(`${PROVIDERS[id].title}: ${limits}`);
    }
  });
});
