/** Logs: each module log with its debug level (0-9, BILLmanager's meanings), and a tail view. */
import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { LOG_LEVELS } from '../providers/log.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { fit, fitRight } from './widgets/text.js';
import { Paragraph, wrapWords } from './widgets/paragraph.js';

/**
 * A log line in lines of `width`, broken between words (a word is cut only when longer than a
 * line); a line's own indent (a message's further lines) is kept on each piece.
 */
export function wrapLogLine(line: string, width: number): string[] {
  const indent = /^ */.exec(line)?.[0] ?? '';
  return wrapWords(line.slice(indent.length), Math.max(1, width - indent.length)).map((piece) => indent + piece);
}

export function LogsScreen() {
  const { services, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const logs = useMemo(() => services.logs(), [services, version]);
  const [cursor, setCursor] = useRemembered('cursor', 0);
  const [tailing, setTailing] = useState<string | null>(null);
  const [levels, setLevels] = useState<Readonly<Record<string, number>>>({});
  const saving = useRef<Promise<void>>(Promise.resolve());
  const lines = useMemo(() => (tailing ? services.tail(tailing, Math.max(1, bodyRows - 3)) : []), [services, tailing, version, bodyRows]);
  const selected = logs[cursor];

  useKeys(
    (input, key) => {
      if (tailing) {
        if (key.escape) setTailing(null);
        else if (input === 'r') setVersion((v) => v + 1);
        else return false;
        return true;
      }
      if (up(input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (down(input, key)) setCursor((c) => Math.min(logs.length - 1, c + 1));
      else if (key.return && selected) setTailing(selected.logName);
      else if ((input === '+' || input === '-') && selected) {
        // Shown at once and saved behind: quick presses each count, whatever the save's pace.
        const level = Math.max(0, Math.min(9, (levels[selected.logName] ?? selected.level) + (input === '+' ? 1 : -1)));
        setLevels((l) => ({ ...l, [selected.logName]: level }));
        // One save after the other: saved concurrently, an earlier level could land last.
        const name = selected.logName;
        saving.current = saving.current.then(() => services.setLogLevel(name, level)).catch(() => {});
      } else if (input === 'r') setVersion((v) => v + 1);
      else return false;
      return true;
    },
    tailing ? 'r reload' : '↑ ↓ choose  + - debug level  Enter tail  r reload',
  );

  if (tailing) {
    return (
      <Box flexDirection="column">
        <Text bold>{tailing}.log (last lines; passwords and tokens appear as ***)</Text>
        {lines.length === 0 ? (
          <Text dimColor>Empty: nothing logged yet at this level.</Text>
        ) : (
          // Whole lines, wrapped: the newest at the bottom, as many as the screen holds.
          lines
            .flatMap((line) => wrapLogLine(line, columns - 1))
            .slice(-Math.max(1, bodyRows - 2))
            .map((row, i) => <Text key={i}>{row}</Text>)
        )}
      </Box>
    );
  }
  // The meaning takes what 80 columns leave after the fixed columns.
  const meaningWidth = Math.max(12, columns - 1 - 1 - 20 - 1 - 17 - 1 - 5 - 2 - 9 - 1);
  return (
    <Box flexDirection="column">
      <Text bold>{` ${fit('Log', 20)} ${fit('Module', 17)} ${fitRight('Level', 5)}  ${fit('Meaning', meaningWidth)} ${fitRight('Size', 9)}`}</Text>
      {logs.map((log, index) => (
        // › as on every list: without colour (NO_COLOR) inverse is gone.
        <Text key={log.logName} inverse={index === cursor}>
          {`${index === cursor ? '›' : ' '}${fit(`${log.logName}.log`, 20)} ${fit(log.title, 17)} ${fitRight(String(levels[log.logName] ?? log.level), 5)}  ${fit(LOG_LEVELS[(levels[log.logName] ?? log.level) as keyof typeof LOG_LEVELS], meaningWidth)} ${fitRight(log.bytes === null ? '-' : `${Math.ceil(log.bytes / 1024)} KiB`, 9)}`}
        </Text>
      ))}
      <Text> </Text>
      <Paragraph dimColor width={columns - 2} text={`Levels: ${Object.entries(LOG_LEVELS).map(([n, meaning]) => `${n} ${meaning}`).join(' · ')}`} />
      <Text dimColor>{fit(`Folder: ${selected ? selected.file.replace(/\/[^/]+$/, '') : ''}  (the same as debug.conf's "pmglobalsign.* 9"; also: certops debug)`, columns - 1)}</Text>
    </Box>
  );
}
