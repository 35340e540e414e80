/**
 * Reissue policy: SSLSubscriptionPolicy and SSLSubscriptionBefore, validated as BILLmanager does,
 * with a preview of what a change does to the next 30 days of the timeline before it is saved.
 */
import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import { MAX_SUBSCRIPTION_BEFORE_DAYS, parseSubscriptionBefore, POLICY_DESCRIPTIONS, SUBSCRIPTION_POLICIES, type SubscriptionPolicy } from '../rules/reissue-policy.js';
import type { ProjectedAction } from '../rules/projection.js';
import { down, up, useConsole, useKeys } from './context.js';
import { columns as columnsOf, fit } from './widgets/text.js';
import { Paragraph } from './widgets/paragraph.js';
import { DISCARD_HINTS, DiscardLine, useDiscardQuestion } from './widgets/discard.js';

/** Short action words, so that the action and its date fit a 24-column cell. */
const SHORT_ACTION: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue',
  'notify-client': 'notify client',
  'manual-task': 'manual task',
  none: 'no action',
  'end-of-term': 'term ends',
};

const change = (action: { readonly action: ProjectedAction; readonly actionDate: string | null } | null) =>
  !action ? 'none in 30 days' : action.action === 'none' ? SHORT_ACTION.none : `${SHORT_ACTION[action.action]} ${action.actionDate ?? ''}`.trimEnd();

export function PolicyScreen() {
  const { services, columns, bodyRows, pop } = useConsole();
  const [saved, setSaved] = useState(() => services.policy());
  const [policy, setPolicy] = useState<SubscriptionPolicy>(saved.policy);
  const [beforeText, setBeforeText] = useState(String(saved.beforeDays));
  const [field, setField] = useState<0 | 1>(0);
  const [replaceDays, setReplaceDays] = useState(false);
  const [message, setMessage] = useState('');
  const before = parseSubscriptionBefore(beforeText);
  const changed = before.ok && (policy !== saved.policy || before.value !== saved.beforeDays);
  const preview = useMemo(() => (before.ok && changed ? services.previewPolicy({ policy, beforeDays: before.value }) : null), [services, policy, before.ok, before.ok ? before.value : null, changed]);

  // Fields that differ from what is saved (a days value being typed counts, even before it is valid).
  const edited = policy !== saved.policy || beforeText !== String(saved.beforeDays);
  const discard = useDiscardQuestion();

  useKeys(
    (input, key) => {
      if (discard.handle(input, key, edited, pop)) return true;
      // A message answers the last Enter: any other key changes what it was about ("300 is more
      // than the maximum" must not stay under a corrected 30).
      if (!key.return) setMessage('');
      if (up(input, key)) setField(0);
      else if (down(input, key) || key.tab) {
        setField(1);
        // As in a selected field: the first digit typed replaces the days shown.
        setReplaceDays(true);
      } else if (field === 1 && /^\d+$/.test(input) && replaceDays) {
        setBeforeText(input.slice(0, 4));
        setReplaceDays(false);
      } else if (field === 0 && (key.leftArrow || key.rightArrow || input === ' ')) {
        const index = SUBSCRIPTION_POLICIES.indexOf(policy) + (key.leftArrow ? -1 : 1);
        setPolicy(SUBSCRIPTION_POLICIES[(index + SUBSCRIPTION_POLICIES.length) % SUBSCRIPTION_POLICIES.length] as SubscriptionPolicy);
      } else if (field === 1 && /^\d+$/.test(input)) setBeforeText((t) => (t === '0' ? input : `${t}${input}`).slice(0, 4));
      else if (field === 1 && (key.backspace || key.delete)) {
        setBeforeText((t) => t.slice(0, -1));
        setReplaceDays(false);
      } else if (field === 1 && (key.leftArrow || key.rightArrow)) {
        setReplaceDays(false);
        const current = before.ok ? before.value : 0;
        setBeforeText(String(Math.max(0, Math.min(MAX_SUBSCRIPTION_BEFORE_DAYS, current + (key.rightArrow ? 1 : -1)))));
      } else if (key.return) {
        // The field's own error says why (above): the message only says nothing was saved.
        if (!before.ok) setMessage('Not saved: correct SSLSubscriptionBefore first.');
        else if (!changed) setMessage('Nothing changed.');
        else {
          const next = { policy, beforeDays: before.value };
          void services.setPolicy(next).then(
            () => {
              setSaved(next);
              setMessage('Saved.');
            },
            (error: unknown) => setMessage(`Not saved: ${(error as Error).message}`),
          );
        }
      } else return false;
      return true;
    },
    discard.asking ? DISCARD_HINTS : '↑ ↓ field  ← → change (digits for days)  Enter save',
    discard.asking,
  );

  // Both actions whole (24 columns each, date included); the certificate takes what is left.
  const certificateWidth = Math.max(12, columns - 1 - 2 - 24 - 3 - 24 - 1);
  const mark = (index: number) => (index === field ? <Text color="cyan">› </Text> : '  ');
  // The fields' own names are BILLmanager's, and are never cut: on a terminal too narrow for the
  // name and its value on one line, the value goes to the next line.
  const policyLabel = 'Expired certificate processing policy (SSLSubscriptionPolicy)';
  const beforeLabel = 'Period to start working with expiring certificate (SSLSubscriptionBefore)';
  const choices = SUBSCRIPTION_POLICIES.map((p) => (
    // Brackets mark the choice without colour too (NO_COLOR).
    <Text key={p} {...(p === policy ? { inverse: true } : { dimColor: true })}>
      {p === policy ? `[${p}]` : ` ${p} `}
    </Text>
  ));
  const choicesWidth = SUBSCRIPTION_POLICIES.reduce((sum, p) => sum + p.length + 2, 0);
  const daysControl = (
    <>
      <Text inverse={field === 1}>{`[${beforeText || ' '}]`}</Text> days
    </>
  );
  const oneLine = (label: string, control: number) => columnsOf(label) + 3 + control <= columns - 1;
  // Rows for the preview's changes: what the fields (one or two lines each) leave.
  const previewRows = bodyRows - 11 - (oneLine(policyLabel, choicesWidth) ? 0 : 1) - (oneLine(beforeLabel, 12) ? 0 : 1);
  return (
    <Box flexDirection="column">
      {oneLine(policyLabel, choicesWidth) ? (
        <Text>
          {mark(0)}
          {policyLabel} {choices}
        </Text>
      ) : (
        <>
          <Text>
            {mark(0)}
            {fit(policyLabel, columns - 3)}
          </Text>
          <Text>
            {'    '}
            {choices}
          </Text>
        </>
      )}
      <Text dimColor>{fit(`    ${POLICY_DESCRIPTIONS[policy]}${policy === 'auto' ? ' (default)' : ''}`, columns - 1)}</Text>
      {oneLine(beforeLabel, 12) ? (
        <Text>
          {mark(1)}
          {beforeLabel} {daysControl}
        </Text>
      ) : (
        <>
          <Text>
            {mark(1)}
            {fit(beforeLabel, columns - 3)}
          </Text>
          <Text>
            {'    '}
            {daysControl}
          </Text>
        </>
      )}
      {before.ok ? (
        <Text dimColor>    default 10, at most {MAX_SUBSCRIPTION_BEFORE_DAYS}</Text>
      ) : (
        <Box paddingLeft={4}>
          <Paragraph color="red" width={columns - 5} text={`✗ ${before.error}`} />
        </Box>
      )}
      <Text> </Text>
      {preview ? (
        <Box flexDirection="column">
          <Text bold>
            Preview, until {preview.until}: {preview.dueBefore} action{preview.dueBefore === 1 ? '' : 's'} now, {preview.dueAfter} after the change; {preview.changes.length} change
            {preview.changes.length === 1 ? '' : 's'}:
          </Text>
          <Text dimColor>{`  ${fit('Certificate (module)', certificateWidth)} ${fit('Now', 24)} → ${fit('After the change', 24)}`}</Text>
          {preview.changes.slice(0, Math.max(1, previewRows)).map((c) => (
            <Text key={`${c.module}:${c.certificateId}`}>
              {`  ${fit(`${c.domain} (${c.module})`, certificateWidth)} ${fit(change(c.before), 24)} → ${fit(change(c.after), 24)}`}
            </Text>
          ))}
          {preview.changes.length > previewRows ? <Text dimColor>  … and {preview.changes.length - Math.max(1, previewRows)} more</Text> : null}
          <Text>Press Enter to save this policy.</Text>
        </Box>
      ) : (
        <Text dimColor>
          Saved: SSLSubscriptionPolicy {saved.policy}, SSLSubscriptionBefore {saved.beforeDays}. Change a field to preview its effect on the next 30 days.
        </Text>
      )}
      {discard.asking ? <DiscardLine /> : <Text>{message}</Text>}
    </Box>
  );
}
