/**
 * The whole of one row, for Enter on a list: each field on its own line, its value wrapped at
 * words, never cut, however narrow the terminal (a list row shortens its values to fit).
 */
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { wrapWords } from './paragraph.js';
import { columns as columnsOf, fit } from './text.js';

export interface DetailField {
  readonly label: string;
  readonly value: string;
  readonly color?: string;
}

/** The lines of a detail: "label  value", the value's further lines under its start. */
export function detailLines(fields: readonly DetailField[], width: number): { readonly text: string; readonly color?: string }[] {
  const labelWidth = Math.min(20, Math.max(0, ...fields.map((f) => columnsOf(f.label))));
  const valueWidth = Math.max(10, width - labelWidth - 4);
  const lines: { text: string; color?: string }[] = [];
  for (const field of fields) {
    const wrapped = wrapWords(field.value || '-', valueWidth);
    wrapped.forEach((line, index) => lines.push({ text: `  ${fit(index === 0 ? field.label : '', labelWidth)}  ${line}`, ...(field.color ? { color: field.color } : {}) }));
  }
  return lines;
}

export function DetailPanel({ title, fields, width, height, hint }: { readonly title: string; readonly fields: readonly DetailField[]; readonly width: number; readonly height: number; readonly hint?: string }) {
  const lines = detailLines(fields, width);
  const room = Math.max(1, height - 1 - (hint ? 2 : 0));
  const shown: ReactElement[] = lines.slice(0, room).map((line, index) => (
    <Text key={index} {...(line.color ? { color: line.color } : {})}>
      {line.text}
    </Text>
  ));
  return (
    <Box flexDirection="column">
      <Text bold>{fit(` ${title}`, width)}</Text>
      {shown}
      {lines.length > room ? <Text dimColor>{`  … ${lines.length - room} more line${lines.length - room === 1 ? '' : 's'}: a larger terminal shows them`}</Text> : null}
      {hint ? (
        <>
          <Text> </Text>
          <Text dimColor>{fit(` ${hint}`, width)}</Text>
        </>
      ) : null}
    </Box>
  );
}
