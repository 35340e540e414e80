/**
 * What a reissue run does besides provider calls, on the real stores: manual tasks (core/tasks)
 * and the client's expiration message (core/messages). Both are idempotent by key, which the run's
 * journal relies on when it takes up a run that stopped between the two records of an action.
 */
import { notifyExpiration, notifyReissued } from '../messages/notify.js';
import { openTask, reissueTaskKey } from '../tasks.js';
import type { Workspace } from '../workspace.js';
import type { RunEffects } from './run.js';

/**
 * A message to the client written to the outbox addressed to nobody, said as it is, with the two
 * ways out: certops knows no client of BILLmanager, only the address given for such notices.
 */
const unaddressed = (what: string, path: string) =>
  `${what} was written to the outbox, no recipient: certops knows no address of the client; forward ${path} to the client, and give certops an address for such notices with: certops messages client-fallback set ADDR`;

export function runEffects(workspace: Workspace, now: () => Date = () => new Date()): RunEffects {
  return {
    async openTask({ module, entry, what, why }) {
      const opened = await openTask(
        workspace,
        {
          key: reissueTaskKey(module.id, entry.certificateId, entry.actionDate),
          department: module.parameters.department,
          moduleId: module.id,
          module: module.parameters.name,
          provider: module.provider,
          certificateId: entry.certificateId,
          domain: entry.domain,
          what,
          why,
          dueDate: entry.actionDate,
        },
        now(),
      );
      return { id: opened.task.id };
    },
    async notifyClient({ module, entry }) {
      const notified = await notifyExpiration(workspace, {
        module,
        certificateId: entry.certificateId,
        domain: entry.domain,
        expirationDate: entry.expires ?? (entry.actionDate as string),
        paidUntil: entry.paidUntil,
        actionDate: entry.actionDate as string,
      });
      const delivery = notified.delivery;
      if (delivery.via === 'smtp') return { detail: `expiration message sent by SMTP to ${delivery.to.join(', ')}` };
      if (delivery.via === 'outbox' && delivery.reason === 'no-recipient') return { detail: unaddressed('the expiration message', delivery.path), addressed: false };
      if (delivery.via === 'outbox') return { detail: `expiration message written to the outbox for ${notified.to.join(', ')} (no SMTP server is set: certops messages smtp set): ${delivery.path}` };
      return { detail: `expiration message sent earlier (${delivery.at}, ${delivery.previously})` };
    },
    async openRecordTask({ module, record, purpose, what, why, dueDate }) {
      const opened = await openTask(
        workspace,
        {
          key: `ledger:${record.id}:${purpose}`,
          department: module.parameters.department,
          moduleId: module.id,
          module: module.parameters.name,
          provider: module.provider,
          certificateId: record.newCertificateId ?? record.certificateId,
          domain: record.domain,
          what,
          why,
          dueDate,
        },
        now(),
      );
      return { id: opened.task.id };
    },
    async notifyReissued({ module, record, names, expirationDate, paidUntil, validation, nextStep }) {
      const notified = await notifyReissued(workspace, {
        module,
        recordId: record.id,
        domain: record.domain,
        names,
        expirationDate,
        paidUntil,
        validation,
        nextStep,
      });
      const delivery = notified.delivery;
      if (delivery.via === 'smtp') return { detail: `"certificate reissued" sent by SMTP to ${delivery.to.join(', ')}` };
      if (delivery.via === 'outbox' && delivery.reason === 'no-recipient') return { detail: unaddressed('"certificate reissued"', delivery.path) };
      if (delivery.via === 'outbox') return { detail: `"certificate reissued" written to the outbox for ${notified.to.join(', ')} (no SMTP server is set): ${delivery.path}` };
      return { detail: `"certificate reissued" sent earlier (${delivery.at})` };
    },
  };
}
