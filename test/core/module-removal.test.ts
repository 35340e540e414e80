import { describe, expect, it } from 'vitest';
import { removalConsequences, removalImpact, removalQuestion } from '../../src/core/module-removal.js';
import { runEffects } from '../../src/core/reissue/effects.js';
import { Ledger, ledgerFile } from '../../src/core/reissue/ledger.js';
import { runReissue } from '../../src/core/reissue/run.js';
import { syncModules } from '../../src/core/sync.js';
import { listTasks } from '../../src/core/tasks.js';
import { isFinished } from '../../src/rules/reissue-lifecycle.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('what removing a module leaves behind', () => {
  it('counts the open manual tasks and the reissues in flight of that module only, and says what becomes of them', async () => {
    const { workspace, modules } = await harness.withModules(['leadertelecom', 'ispmanager'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    await runReissue(workspace, { today: TODAY, dryRun: false, runtime: workspace.runtime(), effects: runEffects(workspace) });
    const [leader, isp] = modules;
    if (!leader || !isp) throw new Error('modules');
    const records = new Ledger(ledgerFile(workspace)).records();
    for (const module of [leader, isp]) {
      const impact = removalImpact(workspace, module.id);
      expect(impact).toEqual({
        openTasks: listTasks(workspace, { module: module.id }).length,
        reissuesInFlight: records.filter((r) => r.moduleId === module.id && !isFinished(r.stage)).length,
      });
    }
    // The sandboxes give both kinds of open work: LeaderTelecom's reissues are manual tasks, Ispmanager's go in flight.
    const leaderImpact = removalImpact(workspace, leader.id);
    const ispImpact = removalImpact(workspace, isp.id);
    expect(leaderImpact.openTasks).toBeGreaterThan(0);
    expect(ispImpact.reissuesInFlight).toBeGreaterThan(0);
    const words = removalConsequences({ openTasks: 2, reissuesInFlight: 1 });
    expect(words).toEqual([
      '1 reissue is in flight: no reissue run follows it after the removal; it stays in the ledger at its current stage, and what was ordered stays ordered at the provider.',
      '2 manual tasks are open: they stay in the task list until closed by hand.',
    ]);
    expect(removalConsequences({ openTasks: 0, reissuesInFlight: 0 })).toEqual([]);
    expect(removalQuestion('shop', { openTasks: 3, reissuesInFlight: 2 })).toBe('Remove the processing module "shop", leaving 2 reissues in flight and 3 open manual tasks behind');
    expect(removalQuestion('shop', { openTasks: 0, reissuesInFlight: 0 })).toBe('Remove the processing module "shop"');
  });
});
