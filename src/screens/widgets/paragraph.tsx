/**
 * Running text wrapped at word boundaries by certops itself. Ink wraps a Text keeping the space it
 * breaks at, so every wrapped line after the first started with a stray space (" check, as an
 * empty field…"); here each line is the words that fit, measured in terminal columns.
 */
import { Box, Text } from 'ink';
import { columns, wrapColumns } from './text.js';

/** `text` in lines of at most `width` columns, broken between words (a longer word is cut). */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (columns(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      const pieces = wrapColumns(word, width);
      line = pieces.pop() ?? '';
      lines.push(...pieces);
    }
    lines.push(line);
  }
  return lines;
}

/**
 * `text` after `lead` (a bullet, a key of the help) in lines of at most `width` columns, with a
 * hanging indent: the lines after the first start under the text, not under the lead.
 */
export function wrapHanging(lead: string, text: string, width: number): string[] {
  const indent = columns(lead);
  return wrapWords(text, Math.max(1, width - indent)).map((line, index) => (index === 0 ? lead : ' '.repeat(indent)) + line);
}

export function Paragraph({
  text,
  width,
  dimColor,
  color,
  lead,
}: {
  readonly text: string;
  readonly width: number;
  readonly dimColor?: boolean;
  readonly color?: string;
  /** Put before the first line; the further lines are indented as far (a hanging indent). */
  readonly lead?: string;
}) {
  return (
    <Box flexDirection="column">
      {(lead === undefined ? wrapWords(text, width) : wrapHanging(lead, text, width)).map((line, index) => (
        <Text key={index} {...(dimColor ? { dimColor } : {})} {...(color ? { color } : {})}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
