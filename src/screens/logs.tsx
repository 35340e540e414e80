/** Logs: each module log with its debug level (0-9, BILLmanager's meanings), and a tail view. */
import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import { LOG_LEVELS } from '../providers/log.js';
import { down, up, useConsole, useKeys } from './context.js';
import { fit, fitRight } from './widgets/text.js';

export function LogsScreen() {
  const { services, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const logs = useMemo(() => services.logs(), [services, version]);
  const [cursor, setCursor] = useState(0);
  const [tailing, setTailing] = useState<string | null>(null);
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
        const level = Math.max(0, Math.min(9, selected.level + (input === '+' ? 1 : -1)));
        void services.setLogLevel(selected.logName, level).then(() => setVersion((v) => v + 1));
      } else if (input === 'r') setVersion((v) => v + 1);
      else return false;
      return true;
    },
    tailing ? 'r reload  Esc back to the logs' : '↑ ↓ choose  + - debug level  Enter tail  r reload',
  );

  if (tailing) {
    return (
      <Box flexDirection="column">
        <Text bold>{tailing}.log (last lines; passwords and tokens appear as ***)</Text>
        {lines.length === 0 ? <Text dimColor>Empty: nothing logged yet at this level.</Text> : lines.map((line, i) => <Text key={i}>{fit(line, columns - 1)}</Text>)}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold>{` ${fit('Log', 18)} ${fit('Module', 17)} ${fitRight('Level', 5)}  ${fit('Meaning', 36)} ${fitRight('Size', 9)}`}</Text>
      {logs.map((log, index) => (
        <Text key={log.logName} inverse={index === cursor}>
          {` ${fit(`${log.logName}.log`, 18)} ${fit(log.title, 17)} ${fitRight(String(log.level), 5)}  ${fit(log.meaning, 36)} ${fitRight(log.bytes === null ? '-' : `${Math.ceil(log.bytes / 1024)} KiB`, 9)}`}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>Levels: {Object.entries(LOG_LEVELS).map(([n, meaning]) => `${n} ${meaning}`).join(' · ')}</Text>
      <Text dimColor>{fit(`Folder: ${selected ? selected.file.replace(/\/[^/]+$/, '') : ''}  (the same as debug.conf's "pmglobalsign.* 9"; also: certops debug)`, columns - 1)}</Text>
    </Box>
  );
}
