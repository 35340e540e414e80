/**
 * debug.conf lines as BILLmanager reads them: `<log>[.<module>] <level>`, `#` comments, `SET` lines
 * (global settings, not levels). certops keeps one level per log name; `pmglobalsign.* 9` sets the
 * pmglobalsign log to 9.
 */
import { fail, ok, type Result } from '../rules/result.js';

export interface DebugLevelLine {
  readonly logName: string;
  readonly level: number;
}

export function parseDebugConf(text: string): Result<DebugLevelLine[]> {
  const levels: DebugLevelLine[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '' || /^SET\s/i.test(line)) continue;
    const match = /^([A-Za-z0-9_-]+)(?:\.(?:\*|[A-Za-z0-9_-]+))?\s+(\d+)(?:\s+.*)?$/.exec(line);
    if (!match) return fail(`line ${index + 1}: "${raw.trim()}" is not "<log>.* <level>" (for example "pmglobalsign.* 9")`);
    const level = Number(match[2]);
    if (level > 9) return fail(`line ${index + 1}: level ${level} is out of range; levels run from 0 to 9`);
    levels.push({ logName: match[1] as string, level });
  }
  return ok(levels);
}
