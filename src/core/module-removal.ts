/**
 * What removing a processing module leaves behind: its open manual tasks and its reissues in
 * flight. The reissue run follows only the modules in the configuration, so after a removal no run
 * follows those reissues again, and the tasks stay open until someone closes them. The console and
 * `certops module remove` both ask with these words before removing.
 */
import { isFinished } from '../rules/reissue-lifecycle.js';
import { Ledger, ledgerFile } from './reissue/ledger.js';
import { listTasks } from './tasks.js';
import type { Workspace } from './workspace.js';

export interface RemovalImpact {
  /** Manual tasks of the module still open. */
  readonly openTasks: number;
  /** Reissues of the module in the ledger, not yet served, failed or cancelled. */
  readonly reissuesInFlight: number;
}

export function removalImpact(workspace: Workspace, moduleId: number): RemovalImpact {
  const openTasks = listTasks(workspace, { status: 'open', module: moduleId }).length;
  const reissuesInFlight = new Ledger(ledgerFile(workspace)).records().filter((record) => record.moduleId === moduleId && !isFinished(record.stage)).length;
  return { openTasks, reissuesInFlight };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * What stays behind and what becomes of it, one sentence per kind of work; empty when the module
 * has none.
 */
export function removalConsequences(impact: RemovalImpact): string[] {
  const lines: string[] = [];
  if (impact.reissuesInFlight > 0) {
    lines.push(
      `${plural(impact.reissuesInFlight, 'reissue is', 'reissues are')} in flight: no reissue run follows ${impact.reissuesInFlight === 1 ? 'it' : 'them'} after the removal; ${impact.reissuesInFlight === 1 ? 'it stays' : 'they stay'} in the ledger at ${impact.reissuesInFlight === 1 ? 'its' : 'their'} current stage, and what was ordered stays ordered at the provider.`,
    );
  }
  if (impact.openTasks > 0) {
    lines.push(`${plural(impact.openTasks, 'manual task is', 'manual tasks are')} open: ${impact.openTasks === 1 ? 'it stays' : 'they stay'} in the task list until closed by hand.`);
  }
  return lines;
}

/** The removal's question in one line: "…, leaving 2 reissues in flight and 3 open manual tasks behind". */
export function removalQuestion(name: string, impact: RemovalImpact): string {
  const parts = [
    impact.reissuesInFlight > 0 ? plural(impact.reissuesInFlight, 'reissue in flight', 'reissues in flight') : '',
    impact.openTasks > 0 ? plural(impact.openTasks, 'open manual task', 'open manual tasks') : '',
  ].filter(Boolean);
  return `Remove the processing module "${name}"${parts.length ? `, leaving ${parts.join(' and ')} behind` : ''}`;
}
