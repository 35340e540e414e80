/**
 * A reissue that failed on the provider (its CA's validation refused) is never reported as "done
 * earlier" and never sent again by itself: the run says it failed, with the provider's reason and
 * how to retry, and exits 1; the timeline shows it; `certops reissue retry ID` has the next run send
 * it once more, under an action key of its own, exactly once.
 */
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const NOW = '2026-11-23';
const REASON = 'domain control validation failed: admin@example.test declined the request';

interface Action {
  readonly key: string;
  readonly certificateId: string;
  readonly domain: string;
  readonly outcome: string;
  readonly detail: string;
}

describe('reissue run: a reissue that failed on the provider', { timeout: 60_000 }, () => {
  it('is reported as failed (exit 1), shown on the timeline, and sent again once only after certops reissue retry', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const run = async (...extra: string[]) => {
      const result = await runMain(['reissue', 'run', '--now', NOW, '--json', ...extra], env);
      return { code: result.code, stderr: result.stderr, actions: (JSON.parse(result.stdout) as { actions: Action[] }).actions };
    };

    const first = await run();
    expect(first.actions.some((action) => action.outcome === 'reissued')).toBe(true);
    // The CA refuses one validation; the next run follows the reissue to "failed".
    const sandbox = (sandboxes[0] as (typeof sandboxes)[number]).sandbox;
    const index = Array.from({ length: sandbox.book.size }, (_, i) => i).find((i) => sandbox.book.get(i).pending?.state === 'validating') as number;
    expect(index).toBeDefined();
    const domain = sandbox.book.get(index).mainDomain;
    expect('refused' in sandbox.failValidation(index, REASON)).toBe(false);
    await run();
    // As cron does: certops sync && certops reissue run.
    await syncModules(workspace, modules, workspace.runtime());
    const sent = sandbox.book.get(index).reissues;
    // The certificate, as the failed reissue's record names it (two certificates may share a domain).
    const failed = (await runMain(['reissue', 'status', '--now', NOW, '--json'], env)).stdout;
    const record = (JSON.parse(failed) as { reissues: { id: string; stage: string; domain: string; certificateId: string }[] }).reissues.find((r) => r.stage === 'failed');
    expect(record?.domain).toBe(domain);
    const certificateId = record?.certificateId as string;
    const mine = (actions: readonly Action[]) => actions.find((a) => a.certificateId === certificateId) as Action;

    // The run (a dry run, and a real one) says it failed, and why, and how to retry; it sends nothing.
    for (const extra of [['--dry-run'], []]) {
      const again = await run(...extra);
      const action = mine(again.actions);
      expect(action.outcome).toBe('failed-earlier');
      expect(action.detail).toContain(REASON);
      expect(action.detail).toMatch(/certops reissue retry \S+/);
      expect(again.code).toBe(1);
    }
    expect(sandbox.book.get(index).reissues).toBe(sent);

    // The timeline row says so, and the stage filter finds it.
    const timeline = await runMain(['timeline', '--today', NOW, '--json', '--stage', 'failed'], env);
    expect(timeline.code, timeline.stderr).toBe(0);
    const entries = (JSON.parse(timeline.stdout) as { entries: { domain: string; reissue: { stage: string; detail: string; recordId: string } | null }[] }).entries;
    expect(entries.map((entry) => entry.domain)).toEqual([domain]);
    expect(entries[0]?.reissue?.recordId).toBe(record?.id);
    expect(entries[0]?.reissue?.detail).toMatch(new RegExp(`^reissue failed: .*${REASON}`));
    const id = entries[0]?.reissue?.recordId as string;

    // Asked once: the next run sends it again, under its own key; the runs after it do not.
    const retry = await runMain(['reissue', 'retry', id], env);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain(`Retry asked for the reissue of ${domain}`);
    const twice = await runMain(['reissue', 'retry', id], env);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('already asked');
    const dry = mine((await run('--dry-run')).actions);
    expect(dry.outcome).toBe('would-reissue');
    expect(dry.detail).toMatch(/^the retry asked on \S+ of the reissue that failed/);
    const retried = mine((await run()).actions);
    expect(retried.outcome).toBe('reissued');
    expect(retried.key).toBe(`${id.slice(0, id.lastIndexOf(':'))}#retry-1${id.slice(id.lastIndexOf(':'))}`);
    expect(sandbox.book.get(index).reissues).toBe(sent + 1);
    const after = mine((await run()).actions);
    expect(after.outcome).toBe('already-done');
    expect(sandbox.book.get(index).reissues).toBe(sent + 1);

    // The failed record was followed by the retry: asking again on it is refused, naming the ID.
    const stale = await runMain(['reissue', 'retry', id], env);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/^certops reissue retry: ID: .*was followed by/);
  });

  it('refuses a retry of an unknown record or of one that did not fail, naming the ID', async () => {
    const { workspace } = await harness.withModules(['ispmanager'], 5);
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const missing = await runMain(['reissue', 'retry'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ID: the id of the failed reissue is missing');
    const unknown = await runMain(['reissue', 'retry', '9:none:2026-11-01'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('ID: the reissue ledger has no record "9:none:2026-11-01"');
  });
});
