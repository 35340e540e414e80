/**
 * The reissue run from the timeline (r): first what it would do today (a dry run: nothing is sent),
 * then, on y, the run itself with each action as it is done. The run is the core's
 * (core/reissue/run.ts), the same as `certops reissue run`: journaled, once per action, locked.
 */
import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { ActionReport, Outcome, RunAction, RunReport } from '../core/reissue/run.js';
import type { ProjectedAction } from '../rules/projection.js';
import { down, up, useConsole, useKeys, type ReissueScope } from './context.js';
import { Spinner } from './widgets/spinner.js';
import { useWaited, waitedText } from './widgets/clock.js';
import { fit } from './widgets/text.js';
import { formatRow, headerRow, layoutColumns, wantOf } from './widgets/columns.js';
import { WindowList } from './widgets/window-list.js';

const OUTCOME_TEXT: Readonly<Record<Outcome, string>> = {
  reissued: 'reissued',
  notified: 'client notified',
  'no-recipient': 'outbox, no recipient',
  task: 'manual task',
  'retry-later': 'not done: next run',
  'in-doubt': 'IN DOUBT',
  'already-done': 'done earlier',
  'failed-earlier': 'FAILED earlier',
  'in-flight': 'reissue under way',
  'would-reissue': 'reissue',
  'would-notify': 'notify the client',
  'would-open-task': 'manual task',
  'would-look-up': 'look up first',
};

/** What y would do: not what an earlier run did, nor a failed reissue (it waits for a retry the operator asks for). */
const toCarryOut = (action: ActionReport) => action.outcome !== 'already-done' && action.outcome !== 'failed-earlier';

type Phase =
  | { readonly step: 'planning' }
  | { readonly step: 'planned'; readonly plan: RunReport }
  | { readonly step: 'running'; readonly done: readonly ActionReport[]; readonly planned: number }
  | { readonly step: 'finished'; readonly report: RunReport }
  | { readonly step: 'failed'; readonly message: string };

const SCOPE_ACTION: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue',
  'notify-client': 'client notice',
  'manual-task': 'manual task',
  none: 'policy none',
  'end-of-term': 'end of term',
};
const RUN_ACTIONS: readonly ProjectedAction[] = ['reissue', 'notify-client', 'manual-task'];

/** "module X, reissue actions only": what the run is limited to, as the timeline's filters were. */
export function scopeText(scope: ReissueScope | undefined): string {
  const module = scope?.module ? `module ${scope.module.name}` : 'all modules';
  return `${module}, ${scope?.action ? `${SCOPE_ACTION[scope.action]} actions only` : 'all actions'}`;
}

/** The core's limits for a scope; an action the run never takes (policy none, end of term) leaves nothing. */
function runScope(scope: ReissueScope | undefined): { moduleIds?: readonly number[]; actions?: readonly RunAction[] } {
  return {
    ...(scope?.module ? { moduleIds: [scope.module.id] } : {}),
    ...(scope?.action ? { actions: RUN_ACTIONS.includes(scope.action) ? [scope.action as RunAction] : [] } : {}),
  };
}

function summary(actions: readonly ActionReport[]): string {
  const counts = new Map<string, number>();
  for (const action of actions) counts.set(OUTCOME_TEXT[action.outcome], (counts.get(OUTCOME_TEXT[action.outcome]) ?? 0) + 1);
  // "reissue: 11 · manual task: 10": each label is written for one action, not for a count.
  return [...counts].map(([what, count]) => `${what}: ${count}`).join(' · ');
}

export function ReissueScreen({ scope }: { readonly scope?: ReissueScope }) {
  const { services, columns, bodyRows, push } = useConsole();
  const [phase, setPhase] = useState<Phase>({ step: 'planning' });
  const [cursor, setCursor] = useState(0);
  // The run the timeline offered is the one it showed: its module and action filters.
  const limits = useMemo(() => runScope(scope), [scope]);
  const scoped = scopeText(scope);
  const waited = useWaited(phase.step === 'planning' || phase.step === 'running');

  useEffect(() => {
    let live = true;
    services.reissueRun(true, undefined, limits).then(
      (plan) => live && setPhase({ step: 'planned', plan }),
      (error: unknown) => live && setPhase({ step: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [services, limits]);

  const start = () => {
    if (phase.step !== 'planned') return;
    const planned = phase.plan.actions.length;
    setPhase({ step: 'running', done: [], planned });
    setCursor(0);
    services
      .reissueRun(false, (action) => setPhase((current) => (current.step === 'running' ? { ...current, done: [...current.done, action] } : current)), limits)
      .then(
        (report) => setPhase({ step: 'finished', report }),
        (error: unknown) => setPhase({ step: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
  };

  const actions = useMemo(
    () => (phase.step === 'planned' ? phase.plan.actions : phase.step === 'running' ? phase.done : phase.step === 'finished' ? phase.report.actions : []),
    [phase],
  );
  // Summary (two lines: the scope and the counts), hint, header, the list, a blank line and two lines of detail.
  const height = Math.max(3, bodyRows - 9);

  useKeys(
    (input, key) => {
      if (input === 'y' && phase.step === 'planned' && phase.plan.actions.some(toCarryOut)) start();
      else if (input === 't' && phase.step !== 'running') push({ id: 'tasks' });
      else if (up(input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (down(input, key)) setCursor((c) => Math.min(Math.max(0, actions.length - 1), c + 1));
      else if (key.escape && phase.step === 'running') return true; // a run is not left half-watched
      else return false;
      return true;
    },
    // y only when there is something to run: a dry run with nothing due offers nothing.
    phase.step === 'planned' ? (phase.plan.actions.some(toCarryOut) ? 'y run now  ↑↓ details  t tasks' : '↑↓ details  t tasks') : phase.step === 'running' ? 'running… (Esc waits for the run)' : '↑↓ details  t tasks',
  );

  if (phase.step === 'planning') {
    return (
      <Text>
        <Spinner /> Dry run for {scoped}: working out what is due today{waitedText(waited)}…
      </Text>
    );
  }
  if (phase.step === 'failed') {
    return (
      <Box flexDirection="column">
        <Text color="red">The reissue run could not start: {phase.message}</Text>
        <Text dimColor>Esc back.</Text>
      </Box>
    );
  }

  // The shared column layout: the module and the result whole where they fit, the domain takes
  // the rest (and is cut first only past its minimum), nothing sized by hand.
  const layout = layoutColumns<'module' | 'domain' | 'date' | 'result' | 'detail'>(
    [
      { id: 'module', header: 'Module', want: wantOf('Module', actions.map((a) => a.module)), min: 12, priority: 6, cut: 'middle' },
      { id: 'domain', header: 'Domain', want: wantOf('Domain', actions.map((a) => a.domain)), min: 16, priority: 9 },
      { id: 'date', header: 'Action date', want: 11, priority: 8 },
      { id: 'result', header: phase.step === 'planned' ? 'Would' : 'Result', want: wantOf('Result', actions.map((a) => OUTCOME_TEXT[a.outcome])), priority: 7 },
      // A wide terminal shows each action's detail in the room left (the selected one's is below too).
      { id: 'detail', header: 'Detail', want: 20, priority: 0, optional: true, grow: true },
    ],
    // Two columns for the cursor's margin, one for the frame's edge.
    columns - 3,
  );
  const selected = actions[cursor];
  const pending = phase.step === 'planned' ? phase.plan.actions.filter(toCarryOut).length : 0;
  return (
    <Box flexDirection="column">
      {/* The scope leads, whole: the operator sees what y would run before the counts. */}
      <Box height={2} overflow="hidden">
        {phase.step === 'planned' ? (
          <Text wrap="wrap">{`Dry run for ${scoped}: ${pending === 0 ? `nothing to do today (${phase.plan.today}).` : `due today (${phase.plan.today}): ${summary(phase.plan.actions)}`}`}</Text>
        ) : phase.step === 'running' ? (
          <Text wrap="wrap">
            <Spinner /> {`Running for ${scoped}${waitedText(waited)}: ${phase.done.length} of ${phase.planned} done${phase.done.length ? ` · ${summary(phase.done)}` : ' · waiting for the providers'}`}
          </Text>
        ) : (
          <Text wrap="wrap" color={phase.report.actions.some((a) => a.outcome === 'in-doubt' || a.outcome === 'retry-later') ? 'yellow' : 'green'}>
            Done for {scoped}: {phase.report.actions.length ? summary(phase.report.actions) : 'nothing was due'}
            {phase.report.synced.length ? ` · synced again: ${phase.report.synced.join(', ')}` : ''}
          </Text>
        )}
      </Box>
      <Text dimColor>
        {phase.step === 'planned' && pending > 0
          ? 'Nothing has been sent yet: y carries it out (journaled, once per action).'
          : phase.step === 'planned'
            ? ' '
            : 'The journal has each action; certops reissue run --json gives the same.'}
      </Text>
      <Text dimColor>{`  ${headerRow(layout)}`}</Text>
      <WindowList
        count={actions.length}
        cursor={cursor}
        height={height}
        empty="No certificate's action date has come."
        row={(index) => {
          const action = actions[index] as ActionReport;
          const warn = action.outcome === 'in-doubt' || action.outcome === 'retry-later';
          // A reissue that failed earlier waits on the operator (a on its record retries it).
          if (action.outcome === 'failed-earlier') return { text: `  ${formatRow(layout, { module: action.module, domain: action.domain, date: action.actionDate, result: OUTCOME_TEXT[action.outcome], detail: action.detail })}`, color: 'red' };
          return {
            text: `  ${formatRow(layout, { module: action.module, domain: action.domain, date: action.actionDate, result: OUTCOME_TEXT[action.outcome], detail: action.detail })}`,
            ...(warn ? { color: 'yellow' } : action.outcome === 'already-done' ? { dim: true } : {}),
          };
        }}
      />
      <Box marginTop={1} height={2} overflow="hidden">
        <Text wrap="wrap">{selected ? fit(selected.detail, Math.max(10, (columns - 2) * 2)) : ' '}</Text>
      </Box>
    </Box>
  );
}
