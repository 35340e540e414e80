/**
 * `certops reissue run`'s plain-text report, which the README appends to a cron log (issue 13,
 * item 18): a header line (when, the journal's run id, the day and the policy), one line per
 * action, one summary line with the count of each outcome; the dry run likewise, saying a shared
 * sentence once instead of once per action.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalFile } from '../../src/core/reissue/run.js';
import { syncModules } from '../../src/core/sync.js';
import { runBin } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const NOW = '2026-11-23';

/** The counts of a summary line: "Summary: 7 actions: 5 reissued, 2 manual tasks; …". */
function summaryCounts(line: string): { total: number; parts: Map<string, number> } {
  const match = /^Summary: (\d+) actions?: ([^;]+);/.exec(line);
  if (!match) throw new Error(`not a summary line: ${line}`);
  const parts = new Map((match[2] as string).split(', ').map((part) => [part.replace(/^\d+ /, ''), Number(/^\d+/.exec(part)?.[0])]));
  return { total: Number(match[1]), parts };
}

describe('certops reissue run: the report a cron log keeps', { timeout: 120_000 }, () => {
  it('has a header line, one line per action and one summary line, in the dry run and the run', async () => {
    const { workspace, modules } = await harness.withModules(['ispmanager', 'leadertelecom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };

    const json = await runBin(['reissue', 'run', '--dry-run', '--now', NOW, '--json'], env);
    const planned = JSON.parse(json.stdout) as { actions: { domain: string; outcome: string }[]; counts: Record<string, number>; policy: { policy: string; beforeDays: number }; startedAt: string };
    expect(planned.actions.length).toBeGreaterThan(5);
    expect(planned.policy).toEqual({ policy: 'auto', beforeDays: 60 });
    expect(planned.startedAt).toMatch(/^2026-11-23T\d\d:\d\d:\d\dZ$/);

    const dry = await runBin(['reissue', 'run', '--dry-run', '--now', NOW], env);
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^2026-11-23T\d\d:\d\d:\d\dZ certops reissue run \(dry run, nothing is changed or sent\): actions due by 2026-11-23, policy auto, SSLSubscriptionBefore 60 days$/);
    expect(lines[1]).toMatch(/^Module +Domain +Action date +Result +Detail$/);
    for (const action of planned.actions) expect(lines.filter((line) => line.includes(` ${action.domain} `)), action.domain).toHaveLength(1);
    // The summary is the last line (tail -1 of a cron log); what actions share is said just before it.
    const summary = lines.at(-1) as string;
    const { total, parts } = summaryCounts(summary);
    expect(total).toBe(planned.actions.length);
    expect(parts.get('would reissue')).toBe(planned.counts['would-reissue']);
    expect(parts.get('would open manual tasks') ?? parts.get('would open a manual task')).toBe(planned.counts['would-open-task']);
    // What every planned reissue shares is said once, before the summary, not once per action.
    const sentence = "through the provider's API, with the order's original CSR where the provider returns it, else a new key and CSR";
    expect(dry.stdout.split(sentence)).toHaveLength(2);
    expect(lines.slice(2 + planned.actions.length, -1).every((line) => /^would [a-z ]+: /.test(line))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(planned.actions.length + 3 + Object.keys(planned.counts).length);

    const run = await runBin(['reissue', 'run', '--now', NOW], env);
    expect(run.code, run.stderr).toBe(0);
    const ran = run.stdout.trimEnd().split('\n');
    const runIds = new Set(readFileSync(journalFile(workspace), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { run?: string }).run));
    expect(runIds.size).toBe(1);
    const [runId] = [...runIds];
    expect(ran[0]).toMatch(new RegExp(`^2026-11-23T\\d\\d:\\d\\d:\\d\\dZ certops reissue run \\(run ${runId}\\): actions due by 2026-11-23, policy auto, SSLSubscriptionBefore 60 days$`));
    for (const action of planned.actions) expect(ran.filter((line) => line.startsWith(`${action.domain} `) || line.includes(` ${action.domain} `)).length, action.domain).toBeGreaterThanOrEqual(1);
    const last = ran.at(-1) as string;
    const counted = summaryCounts(last);
    expect(counted.total).toBe(planned.actions.length);
    expect(counted.parts.get('reissued')).toBe(planned.counts['would-reissue']);
    expect(last).toMatch(/; \d+ reissues? in flight: /);
    expect(last).toMatch(/; synced again: ispmanager sandbox/);
  });
});
