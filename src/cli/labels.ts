/** Words for the timeline's actions in scripted output (plan words the end of a term its own way). */
import type { ProjectedAction } from '../rules/projection.js';

export const ACTION_LABELS: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue',
  'notify-client': 'notify client',
  'manual-task': 'manual task',
  none: 'none',
  'end-of-term': 'term ends',
};
