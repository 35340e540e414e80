/**
 * `certops balance --notify` (issue 13, item 16's class): a low balance message with no department
 * address is reported as written to the outbox with no recipient, with how to set the address, and
 * counts as needing attention; the minimal balance is compared with what can be spent (eNom's
 * AvailableBalance), as everywhere else; the message writes amounts as every screen does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listOutbox } from '../../src/core/messages/mail.js';
import { editModule } from '../../src/core/modules.js';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('certops balance --notify', () => {
  it('says "written to the outbox, no recipient" and how to set the department\'s address when it has none', async () => {
    const { workspace } = await harness.withModules(['globalsign']);
    await editModule(workspace, 'globalsign sandbox', { parameters: { minimalBalance: 5000 } });
    const run = await runMain(['balance', '--notify', '--config-dir', workspace.directory]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('globalsign sandbox: low balance message: written to the outbox, no recipient');
    expect(run.stderr).toContain('certops balance: globalsign sandbox: the low balance message was written to the outbox with no recipient');
    expect(run.stderr).toContain('no address is set for the department "SSL desk"; set one with: certops messages department set "SSL desk" --email ADDR');
    expect(run.stdout).not.toMatch(/low balance message: outbox/);
    const [message] = listOutbox(workspace);
    expect(message?.to).toEqual([]);

    // Later the same day the message is not written again, and the missing address is still said.
    const json = await runMain(['balance', '--notify', '--json', '--config-dir', workspace.directory]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).results[0]).toMatchObject({ status: 'under-minimum', notified: 'no-recipient' });
    expect(listOutbox(workspace)).toHaveLength(1);
  });

  it('notifies when what can be spent is under the minimal balance (eNom\'s AvailableBalance), as the Status column says', async () => {
    const { workspace } = await harness.withModules(['enom']);
    // Between AvailableBalance (1,150) and Balance (1,204.10).
    await editModule(workspace, 'enom sandbox', { parameters: { minimalBalance: 1180 } });
    expect((await runMain(['messages', 'department', 'set', 'SSL desk', '--email', 'ssl@example.com', '--config-dir', workspace.directory])).code).toBe(0);
    const run = await runMain(['balance', '--notify', '--json', '--config-dir', workspace.directory]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({ status: 'under-minimum', notified: 'outbox' });
    const [message] = listOutbox(workspace);
    expect(message?.to).toEqual(['ssl@example.com']);
    // Amounts as every screen writes them (core/balance.ts): what can be spent, grouped, cents only when there are any.
    expect(message?.subject).toBe('Processing module low balance: enom sandbox, 1,150 USD');
    const text = readFileSync(message?.path as string, 'utf8');
    expect(text).toContain('1,150 USD, under its processing module minimal balance of');
    expect(text).toContain('1,180 USD.');
    expect(text).not.toContain('.00 USD');
  });
});
