/**
 * The console: a stack of screens (Esc goes back), one header with where the data lives, one
 * footer with the keys of the screen on top, and help on '?'. The frame always stays shorter
 * than the terminal: a frame as tall as it makes Ink 6 wipe the scrollback on every render.
 */
import { Box, Text, useApp, useInput, useStdin, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactElement } from 'react';
import type { ConsoleServices } from '../core/services.js';
import { Console, type ConsoleContext, type KeyHandler, type ScreenSpec } from './context.js';
import { Dashboard } from './dashboard.js';
import { HelpScreen } from './help.js';
import { ModuleWizard } from './wizard.js';
import { ModulesScreen, ModuleView } from './modules.js';
import { CheckScreen } from './check.js';
import { BalancesScreen } from './balances.js';
import { ReissueScreen } from './reissue.js';
import { TimelineScreen } from './timeline.js';
import { TaskView, TasksScreen } from './tasks.js';
import { PolicyScreen } from './policy.js';
import { LogsScreen } from './logs.js';
import { ReissueRecordView, ReissuesScreen } from './reissues.js';
import { fit } from './widgets/text.js';
import { createClock, type Clock } from './widgets/clock.js';

/** The smallest terminal the screens are laid out for; below it the console says so. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** How the operator left: q, or Ctrl+C (exit code 130). */
export type ExitHow = 'quit' | 'interrupted';

export const TITLES: Readonly<Record<ScreenSpec['id'], string>> = {
  dashboard: 'Dashboard',
  wizard: 'Add a processing module',
  modules: 'Processing modules',
  module: 'Processing module',
  edit: 'Edit processing module',
  check: 'Connection check',
  balances: 'Balances',
  timeline: 'Reissue timeline',
  tasks: 'Manual tasks',
  reissue: 'Reissue run',
  task: 'Manual task',
  policy: 'Reissue policy',
  logs: 'Logs',
  reissues: 'Reissues in flight',
  'reissue-record': 'Reissue',
};

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink splits input only at escape sequences, so "name⏎pass⏎" typed ahead arrives as one event.
 * It is cut here into runs of text and single control keys (⏎, Tab, ⌫), as if typed one by one.
 */
export function splitChunk(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || input.includes('\u001B') || key.ctrl || key.meta) return [[input, key]];
  const events: [string, Key][] = [];
  let text = '';
  const flush = () => {
    if (text) events.push([text, NO_KEY]);
    text = '';
  };
  for (const char of input) {
    if (char === '\r' || char === '\n') {
      flush();
      events.push(['\r', { ...NO_KEY, return: true }]);
    } else if (char === '\t') {
      flush();
      events.push(['', { ...NO_KEY, tab: true }]);
    } else if (char === '\x7f' || char === '\b') {
      flush();
      events.push(['', { ...NO_KEY, delete: true }]);
    } else if (char >= ' ') text += char;
    else if (char >= '\u0001' && char <= '\u001A') {
      // Ctrl+letter, as Ink reports it on its own: the letter, with ctrl.
      flush();
      events.push([String.fromCharCode(char.charCodeAt(0) + 96), { ...NO_KEY, ctrl: true }]);
    }
  }
  flush();
  return events;
}

/** A lone Esc as Ink reports it (with meta: Ink sets it for every Esc). */
const ESCAPE_KEY: Key = { ...NO_KEY, escape: true, meta: true };

/**
 * Ink reads an Esc that arrives in one read with the key after it as one key with meta (Alt):
 * "Esc Esc" as one Esc, "Esc l" as Alt+l, "Esc ↑" as Alt+↑. No screen binds an Alt key, and over
 * SSH an Esc typed ahead arrives that way: it is taken back apart here into the Esc and the key,
 * from the sequence Ink read (`raw`). A sequence of its own (ESC [ A, an arrow) stays one key.
 */
export function splitEscape(raw: string, input: string, key: Key): [string, Key][] {
  if (!raw.startsWith('\u001B') || raw.length < 2) return [[input, key]];
  if (raw.length > 2 && raw[1] !== '\u001B') return [[input, key]];
  if (raw === '\u001B\u001B') return [['', ESCAPE_KEY], ['', ESCAPE_KEY]];
  return [['', ESCAPE_KEY], [input, { ...key, meta: false }]];
}

/** How long keys typed ahead wait for a screen that is still reading its data. */
const HOLD_MS = 2000;

type StackAction = { type: 'push' | 'replace'; screen: ScreenSpec } | { type: 'pop' };

/** A screen of the stack, with what it remembers (useRemembered) while others are on top. */
interface StackEntry {
  readonly screen: ScreenSpec;
  readonly serial: number;
  readonly memory: Map<string, unknown>;
}

let serials = 0;
const entry = (screen: ScreenSpec): StackEntry => ({ screen, serial: (serials += 1), memory: new Map() });

function stackReducer(stack: readonly StackEntry[], action: StackAction): readonly StackEntry[] {
  switch (action.type) {
    case 'push':
      return [...stack, entry(action.screen)];
    case 'replace':
      return [...stack.slice(0, -1), entry(action.screen)];
    case 'pop':
      return stack.length > 1 ? stack.slice(0, -1) : stack;
  }
}

function renderScreen(screen: ScreenSpec): ReactElement {
  switch (screen.id) {
    case 'dashboard':
      return <Dashboard />;
    case 'wizard':
      return <ModuleWizard />;
    case 'modules':
      return <ModulesScreen />;
    case 'module':
      return <ModuleView moduleId={screen.moduleId} />;
    case 'edit':
      return <ModuleWizard editModuleId={screen.moduleId} />;
    case 'check':
      return <CheckScreen {...(screen.moduleIds ? { moduleIds: screen.moduleIds } : {})} />;
    case 'balances':
      return <BalancesScreen />;
    case 'timeline':
      return <TimelineScreen />;
    case 'reissue':
      return <ReissueScreen {...(screen.scope ? { scope: screen.scope } : {})} />;
    case 'tasks':
      return <TasksScreen {...(screen.at ? { at: screen.at } : {})} />;
    case 'task':
      return <TaskView taskId={screen.taskId} />;
    case 'policy':
      return <PolicyScreen />;
    case 'logs':
      return <LogsScreen />;
    case 'reissues':
      return <ReissuesScreen />;
    case 'reissue-record':
      return <ReissueRecordView recordId={screen.recordId} />;
  }
}

/**
 * The footer: the screen's key hints, then Esc back, ? help and q quit, in one line, or two when
 * the hints do not fit one (the dashboard's keys at 80 columns): a hint is never cut in the middle
 * of a key, and "? help" (which lists every key) and the way out are always there. In a text field
 * q and ? are letters: the footer does not promise them there.
 */
export function footer(help: boolean, hints: string, canGoBack: boolean, textMode: boolean, width: number): string[] {
  if (help) return [fit('Esc close help', width)];
  // A screen whose hints give Esc a meaning of its own (cancel a search) is not promised "Esc back".
  const always = [canGoBack && !/\bEsc\b/.test(hints) ? 'Esc back' : '', textMode ? '' : '? help  q quit'].filter(Boolean).join('  ');
  if (!hints) return [fit(always, width)];
  const one = `${hints}${always ? `  ${always}` : ''}`;
  if (one.length <= width) return [fit(one, width)];
  // Two lines, broken between keys ("a add  m modules" are two keys, split at their double space).
  const keys = hints.split(/ {2,}|·/).filter(Boolean);
  const first: string[] = [];
  let index = 0;
  for (; index < keys.length; index += 1) {
    const candidate = [...first, keys[index]].join('  ');
    if (candidate.length > width) break;
    first.push(keys[index] as string);
  }
  const rest = keys.slice(index).join('  ');
  const room = width - always.length - (always && rest ? 2 : 0);
  const second = `${rest ? fit(rest, Math.max(0, room)).trimEnd() : ''}${always && rest ? '  ' : ''}${always}`;
  return [fit(first.join('  '), width), fit(second, width)];
}

export interface AppProps {
  readonly services: ConsoleServices;
  readonly initial?: ScreenSpec;
  /** The terminal size, when it is not the stdout's (tests render at 80x24 and 120x40). */
  readonly size?: { readonly columns: number; readonly rows: number };
  /** Told how the operator left, before the console unmounts. */
  readonly onExit?: (how: ExitHow) => void;
  /** The console's one timer; tests may hand their own. */
  readonly clock?: Clock;
}

export function App({ services, initial, size, onExit, clock: givenClock }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const clock = useMemo(() => givenClock ?? createClock(), [givenClock]);
  // q and Ctrl+C leave at once: a provider that hangs must not keep the operator for its 30 s
  // timeout. Its call is cancelled; the reissue journal makes that safe.
  const leave = useCallback(
    (how: ExitHow) => {
      services.abort();
      onExit?.(how);
      exit();
    },
    [services, onExit, exit],
  );
  const quit = useCallback(() => leave('quit'), [leave]);
  const [stack, dispatch] = useReducer(stackReducer, [initial ?? { id: 'dashboard' }], (screens) => screens.map(entry));
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState('');
  // The footer's hints and whether a text field has the focus (then q and ? are letters): state,
  // so the footer follows the focus, not only a change of hints.
  const [footerState, setFooterState] = useState({ hints: '', textMode: false });
  const setHints = useCallback((hints: string, textMode = false) => setFooterState((current) => (current.hints === hints && current.textMode === textMode ? current : { hints, textMode })), []);
  const keyHandler = useRef<KeyHandler | null>(null);
  const keyPending = useRef(false);
  const textMode = useRef(false);
  // Ink only lays the last frame out again on a resize; the screens' widths come from this render,
  // so a resize renders the console anew (else a list keeps 80 columns in a 160-column terminal).
  const [, setResizes] = useState(0);
  useEffect(() => {
    if (size) return undefined;
    const resized = () => setResizes((n) => n + 1);
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, size]);
  // Some terminals report 0 or no size at all (tmux start-up, odd SSH clients): fall back to 80x24.
  const terminal = { columns: size?.columns ?? (stdout.columns || 80), rows: size?.rows ?? (stdout.rows || 24) };
  // Below 80x24 the screens would wrap into garbage: the console says so instead, and keeps the
  // screens (a half-filled wizard) for when the terminal grows again.
  const tooSmall = terminal.columns < MIN_COLUMNS || terminal.rows < MIN_ROWS;
  const columns = Math.min(Math.max(terminal.columns, MIN_COLUMNS), 240);
  const rows = Math.max(terminal.rows, MIN_ROWS);
  const topEntry = stack.at(-1) as StackEntry;
  const top = topEntry.screen;

  // Ink hands over every key of a chunk in one tick (typed ahead over SSH: ↓ ↓ Enter), before
  // React renders; a key must see what the previous one did. A key that finds nothing pending goes
  // to the screen at once; the others wait in a queue and go one per render, each to the handler of
  // the state the last one produced. (Queueing every key cost a second full frame per keystroke.)
  const queue = useRef<[string, Key][]>([]);
  const [pump, setPump] = useState(0);
  // A screen that has just come on top may show "Reading…" before it takes keys: the keys typed
  // after the one that opened it ("ijjj") are held for it, not handed to the screen below. Held
  // keys go on when the screen takes keys, or after HOLD_MS to Esc / q / ? (a screen that never
  // takes keys must not keep the operator in).
  const held = useRef<[string, Key][]>([]);
  const holdTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const holdExpired = useRef(false);
  const resume = useCallback(() => {
    if (holdTimer.current) clearTimeout(holdTimer.current);
    holdTimer.current = null;
    if (held.current.length === 0) return;
    queue.current.unshift(...held.current.splice(0));
    setPump((p) => p + 1);
  }, []);
  useEffect(() => () => {
    if (holdTimer.current) clearTimeout(holdTimer.current);
  }, []);
  const changeScreen = useCallback((action: StackAction) => {
    keyHandler.current = null;
    holdExpired.current = false;
    dispatch(action);
  }, []);
  const push = useCallback((screen: ScreenSpec) => changeScreen({ type: 'push', screen }), [changeScreen]);
  const pop = useCallback(() => changeScreen({ type: 'pop' }), [changeScreen]);
  const replace = useCallback((screen: ScreenSpec) => changeScreen({ type: 'replace', screen }), [changeScreen]);
  const context = useMemo<ConsoleContext>(
    () => ({ services, push, pop, replace, quit, clock, columns, bodyRows: rows - 4, keyHandler, keyPending, textMode, setHints, memory: topEntry.memory, resume, notify: setNotice }),
    [services, push, pop, replace, quit, clock, columns, rows, topEntry.memory, resume],
  );
  // The sequence Ink read for the key useInput is handed next (see splitEscape). This listener is
  // added before useInput's own, and stays while useInput's is added again on every render, so it
  // always hears a sequence first.
  const { internal_eventEmitter: inputEvents } = useStdin();
  const rawInput = useRef('');
  useEffect(() => {
    const heard = (data: string) => {
      rawInput.current = data;
    };
    inputEvents?.on('input', heard);
    return () => {
      inputEvents?.off('input', heard);
    };
  }, [inputEvents]);
  useInput((input, key) => {
    const keys = splitEscape(rawInput.current, input, key).flatMap(([text, k]) => splitChunk(text, k));
    // Ctrl+C leaves at once, whatever comes before it in the chunk or waits in the queue.
    if (keys.some(([text, k]) => k.ctrl && text === 'c')) {
      leave('interrupted');
      return;
    }
    // Too small to show a screen: a key would act on what the operator cannot see. Only q leaves.
    if (tooSmall) {
      if (!textMode.current && keys.some(([text]) => text.includes('q'))) quit();
      return;
    }
    if (!keyPending.current && queue.current.length === 0) {
      keyPending.current = true;
      handleKey(...(keys.shift() as [string, Key]));
    }
    if (keys.length === 0) return;
    queue.current.push(...keys);
    setPump((p) => p + 1);
  });
  useEffect(() => {
    const next = queue.current.shift();
    if (!next) return;
    keyPending.current = true;
    handleKey(...next);
    if (queue.current.length > 0) setPump((p) => p + 1);
  }, [pump]);

  function handleKey(chunk: string, key: Key) {
    let input = chunk;
    setNotice('');
    // A run of letters ("jjj" typed ahead) is text only for a text field; elsewhere each letter is a
    // command. The first acts now; the rest waits at the head of the queue as one run, so that a key
    // that opens a text field (a wizard) still hands the letters after it to the field.
    if (!textMode.current && input.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001B')) {
      const [first, ...rest] = Array.from(input);
      input = first as string;
      if (rest.length > 0) {
        queue.current.unshift([rest.join(''), NO_KEY]);
        setPump((p) => p + 1);
      }
    }
    if (help) {
      if (key.escape || input === '?' || input === 'q' || key.return) setHelp(false);
      return;
    }
    if (keyHandler.current === null && !holdExpired.current) {
      held.current.push([input, key]);
      holdTimer.current ??= setTimeout(() => {
        holdExpired.current = true;
        resume();
      }, HOLD_MS);
      return;
    }
    if (keyHandler.current?.(input, key)) return;
    if (key.escape) {
      if (stack.length > 1) pop();
      return;
    }
    if (textMode.current) return;
    if (input === '?') setHelp(true);
    else if (input === 'q') quit();
  }

  const footerLines = footer(help, footerState.hints, stack.length > 1, footerState.textMode, columns - 1);
  const marker = services.sandbox ? ' SANDBOX ' : '';
  const title = `certops · ${TITLES[top.id]}`;
  const said = notice ? `  ${notice}` : '';
  const where = fit(services.configDirectory, Math.max(0, columns - title.length - said.length - marker.length - 4)).trimEnd();
  const small = `certops needs at least ${MIN_COLUMNS}x${MIN_ROWS}; this terminal is ${terminal.columns}x${terminal.rows}. Make it larger, or q to quit.`;
  return (
    <Console.Provider value={context}>
      {tooSmall ? (
        <Box width={Math.max(1, terminal.columns - 1)} height={Math.max(1, terminal.rows - 1)} overflow="hidden">
          <Text wrap="wrap">{small}</Text>
        </Box>
      ) : null}
      <Box flexDirection="column" width={columns - 1} display={tooSmall ? 'none' : 'flex'}>
        <Box justifyContent="space-between">
          <Text>
            <Text bold>{title}</Text>
            {said ? <Text color="green">{said}</Text> : null}
          </Text>
          <Text>
            {marker ? <Text backgroundColor="yellow" color="black" bold>{marker}</Text> : null}
            <Text dimColor> {where}</Text>
          </Text>
        </Box>
        <Box flexDirection="column" height={rows - 2 - footerLines.length} overflow="hidden">
          {help ? <HelpScreen screen={top.id} /> : null}
          {/* Help only hides the screen: a check under way goes on, the cursor stays. A screen that
              comes back on top is mounted afresh (fresh data) and takes its remembered state. */}
          <Box key={topEntry.serial} display={help ? 'none' : 'flex'} flexDirection="column" flexGrow={1}>
            {renderScreen(top)}
          </Box>
        </Box>
        {footerLines.map((line, index) => (
          <Text key={index} dimColor>
            {line}
          </Text>
        ))}
      </Box>
    </Console.Provider>
  );
}
