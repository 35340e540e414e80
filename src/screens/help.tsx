/** '?' on any screen: the keys of that screen and of the console. */
import { Box, Text } from 'ink';
import { useConsole, type ScreenSpec } from './context.js';
import { Paragraph } from './widgets/paragraph.js';

const SCREEN_KEYS: Readonly<Record<ScreenSpec['id'], readonly string[]>> = {
  dashboard: ['a  add a processing module', 'm  processing modules', 'c  check connections', 'b  balances', 's  sync certificates', 't  reissue timeline', 'i  reissues in flight (stage, deadline, what validation needs)', 'o  manual tasks of the departments', 'p  reissue policy', 'l  logs', 'Enter  open the selected module'],
  wizard: ['Enter  next field / next step', 'Tab, ↑ ↓  move between fields', 'Esc  one step back (nothing is saved until the last step); out of the wizard, it asks before discarding what was typed', 'On the check: r retry, s save anyway (not verified), e edit from the setting the cause names'],
  modules: ['Enter  view', 'e  edit', 'd  remove (asks first, saying what stays behind)', 'c  check the selected module', 'a  add'],
  module: ['e  edit', 'c  check', 'd  remove (asks first, saying what stays behind)'],
  edit: ['Enter  next field', 'Tab, ↑ ↓  move between fields', 'Esc  back without saving (asks first when something changed)'],
  check: ['r  run again', '↑ ↓  choose a module: a failed one shows the message, the cause and the steps', 'Enter  the selected check whole; Enter or Esc closes it'],
  balances: ['↑ ↓  choose a module', 'Enter  the selected balance whole; Enter or Esc closes it', 'r  refresh'],
  timeline: ['↑ ↓ j k PgUp PgDn  scroll', 'g  jump to today', 'f  filter by action', 'm  filter by module', 'i  filter by reissue stage (under way, stuck, validating, … none)', 'w  group by week or month', 'Enter  the selected certificate whole; again: the ledger record of its reissue under way; Esc back to the list', 'v  validation readiness of the selected certificate: CAA, the DNS record, the approver (DNS lookups)', 's  sync now', 'r  reissue run of what the filters show (module, action): what is due today, then y to carry it out', '/  find a domain (Enter), then n next, N previous; Esc cancels'],
  reissue: ['y  carry out the run shown (reissues, client messages, manual tasks)', '↑ ↓  details of an action', 't  manual tasks', 'Esc  back (after the run has finished)'],
  tasks: ['↑ ↓ j k PgUp PgDn  move', 'Enter  show the task', 'c  close the task (asks y / n)', 'd  next department (all, then each)', 'f  open, closed or all tasks', 'r  reload (a reissue run may have opened more)', '/  find a domain (Enter), then n next, N previous; Esc cancels'],
  task: ['c  close the task (asks y / n)', 'Esc  back to the list'],
  policy: ['↑ ↓  choose the field', '← →  change the policy or the days (type digits too)', 'Enter  save (after the preview)', 'Esc  back (asks first when a change is not saved)'],
  logs: ['↑ ↓  choose a log', '+ -  raise or lower its debug level', 'Enter  tail the log', 'r  reload'],
  reissues: [
    '↑ ↓ j k PgUp PgDn  move',
    'Enter or s  show the whole record (validation, files, hook, probe, tasks)',
    'f  stage: all, in flight, stuck, finished',
    'm  filter by module',
    'a  also the reissues finished over 30 days ago',
    'r  reload from disk (the reissue run or cron moves reissues on)',
    '!  stuck: a stage outlived its deadline (counted back from the expiry)',
  ],
  'reissue-record': ['↑ ↓ j k PgUp PgDn  scroll', 'r  reload from disk', 'Esc  back'],
};

/** A help line as its key and what the key does (they are two spaces apart; "On the check: …" has no key). */
function keyAndText(line: string): [string, string] {
  const at = line.indexOf('  ');
  return at > 0 ? [line.slice(0, at + 2), line.slice(at + 2)] : ['', line];
}

export function HelpScreen({ screen }: { readonly screen: ScreenSpec['id'] }) {
  const { columns } = useConsole();
  return (
    <Box flexDirection="column">
      <Text bold>Keys on this screen</Text>
      {/* A long line wraps under what the key does, not at column 0 nor under the key. */}
      {SCREEN_KEYS[screen].map((line) => {
        const [key, text] = keyAndText(line);
        return <Paragraph key={line} width={columns - 2} lead={`  ${key}`} text={text} />;
      })}
      <Text> </Text>
      <Text bold>Everywhere</Text>
      <Text>  ↑ ↓ or j k  move    Enter  choose    Esc  back    ?  this help    q  quit</Text>
      <Text> </Text>
      <Text dimColor>Every screen has a scripted twin: certops --help lists the commands.</Text>
    </Box>
  );
}
