/** Words for the timeline's actions in scripted output (plan words the end of a term its own way). */
import type { ProjectedAction } from '../rules/projection.js';
import { PROVIDER_IDS, PROVIDERS } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';

export const ACTION_LABELS: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue',
  'notify-client': 'notify client',
  'manual-task': 'manual task',
  none: 'none',
  'end-of-term': 'term ends',
};

/**
 * What each provider cannot reissue through its API, in its own words (the provider folder's
 * reissueLimits), one bulleted paragraph per provider wrapped at `width`: the --help texts of
 * plan, reissue and tasks say what the timeline and the run do.
 */
export function reissueLimitsHelp(indent: number, width = 96): string {
  const lines: string[] = [];
  for (const id of PROVIDER_IDS) {
    const limits = providerModule(id).reissueLimits;
    if (limits === null) continue;
    let line = `${' '.repeat(indent)}- ${PROVIDERS[id].title}:`;
    for (const word of limits.split(' ')) {
      if (line.length + 1 + word.length > width) {
        lines.push(line);
        line = `${' '.repeat(indent + 2)}${word}`;
      } else {
        line += ` ${word}`;
      }
    }
    lines.push(line);
  }
  return lines.join('\n');
}
