/** Logs: each module log with its debug level (0-9, BILLmanager's meanings), and a tail view. */
import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { LOG_LEVELS } from '../providers/log.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { fit } from './widgets/text.js';
import { formatRow, headerRow, layoutColumns, wantOf } from './widgets/columns.js';
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
  // Columns as wide as their values, any level with its meaning whole ("9 debug (whole requests
  // and responses)"): the room is not left as padding while a meaning is cut. A log is named as in
  // debug.conf ("pmglobalsign"); its file is that name with .log, in the folder below.
  const levelText = (level: number) => `${level} ${LOG_LEVELS[level as keyof typeof LOG_LEVELS]}`;
  const cells = logs.map((log) => ({
    log: log.logName,
    module: log.title,
    level: levelText(levels[log.logName] ?? log.level),
    size: log.bytes === null ? '-' : `${Math.ceil(log.bytes / 1024)} KiB`,
  }));
  const want = (id: keyof (typeof cells)[number], header: string) => wantOf(header, cells.map((c) => c[id]));
  const layout = layoutColumns(
    [
      { id: 'log', header: 'Log', want: want('log', 'Log'), min: 10, priority: 9, cut: 'middle' },
      { id: 'module', header: 'Module', want: want('module', 'Module'), min: 8, priority: 5 },
      { id: 'level', header: 'Level', want: Math.max(...Object.keys(LOG_LEVELS).map((n) => levelText(Number(n)).length)), min: 12, priority: 7, grow: true },
      { id: 'size', header: 'Size', want: want('size', 'Size'), priority: 6, align: 'right' },
    ],
    columns - 2,
  );
  return (
    <Box flexDirection="column">
      <Text bold>{` ${headerRow(layout)}`}</Text>
      {logs.map((log, index) => (
        // › as on every list: without colour (NO_COLOR) inverse is gone.
        <Text key={log.logName} inverse={index === cursor}>
          {`${index === cursor ? '›' : ' '}${formatRow(layout, cells[index] ?? {})}`}
        </Text>
      ))}
      <Text> </Text>
      <Paragraph dimColor width={columns - 2} text={`Levels: ${Object.entries(LOG_LEVELS).map(([n, meaning]) => `${n} ${meaning}`).join(' · ')}`} />
      {/* Read whole: the folder is what the operator copies. */}
      <Paragraph dimColor width={columns - 2} text={`Folder: ${selected ? selected.file.replace(/\/[^/]+$/, '') : ''} (the same as debug.conf's "pmglobalsign.* 9"; also: certops debug)`} />
    </Box>
  );
}
