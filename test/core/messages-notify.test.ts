import { simpleParser } from 'mailparser';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listOutbox } from '../../src/core/messages/mail.js';
import { expirationKey, lowBalanceKey, notifyExpiration, notifyLowBalance } from '../../src/core/messages/notify.js';
import { setClientFallback, setDepartment, setSmtp, setTemplate } from '../../src/core/messages/settings.js';
import type { ProcessingModule } from '../../src/core/module.js';
import { Workspace } from '../../src/core/workspace.js';
import { day } from '../../src/rules/calendar.js';
import { smtpHarness } from '../helpers/smtp.js';

const smtp = smtpHarness();
const fresh = () => new Workspace(join(mkdtempSync(join(tmpdir(), 'certops-notify-')), 'config'));

const globalsign = (minimalBalance: number | null): ProcessingModule => ({
  id: 3,
  provider: 'globalsign',
  parameters: { name: 'GlobalSign main', department: 'SSL desk', sort: 1, minimalBalance },
  integration: {},
  network: { connectTimeoutMs: 1000, totalTimeoutMs: 1000 },
});

async function withSmtp(workspace: Workspace) {
  const server = await smtp.start();
  await setSmtp(workspace, { host: '127.0.0.1', port: server.port, security: 'none', from: 'certops@example.com' });
  return server;
}

describe('processing module low balance', () => {
  it('sends the template to the department when the balance is under the minimal balance, once a day', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    await setDepartment(workspace, 'ssl desk', ['ssl@example.com', 'boss@example.com']);
    const outcome = await notifyLowBalance(workspace, globalsign(5000), { amount: 1250, currency: 'USD' }, day('2026-11-23'));
    expect(outcome).toMatchObject({ notified: true, department: 'SSL desk', key: 'low-balance:3:2026-11-23', to: ['ssl@example.com', 'boss@example.com'], delivery: { via: 'smtp' } });
    expect(server.received).toHaveLength(1);
    const mail = server.received[0];
    expect(mail?.envelope.to).toEqual(['ssl@example.com', 'boss@example.com']);
    expect(mail?.parsed.subject).toBe('Processing module low balance: GlobalSign main, 1,250 USD');
    expect(mail?.parsed.text).toContain('The balance of the processing module "GlobalSign main" (GlobalSign) is\n1,250 USD, under its processing module minimal balance of\n5,000 USD.');
    expect(mail?.parsed.text).toContain('This message goes to the department "SSL desk"');

    // The same day again: nothing more is sent. The next day: once more.
    expect((await notifyLowBalance(workspace, globalsign(5000), { amount: 1200, currency: 'USD' }, day('2026-11-23'))).notified && server.received.length).toBe(1);
    const sameDay = await notifyLowBalance(workspace, globalsign(5000), { amount: 1200, currency: 'USD' }, day('2026-11-23'));
    expect(sameDay).toMatchObject({ notified: true, delivery: { via: 'already-sent' } });
    const nextDay = await notifyLowBalance(workspace, globalsign(5000), { amount: 1200, currency: 'USD' }, day('2026-11-24'));
    expect(nextDay).toMatchObject({ key: lowBalanceKey(3, '2026-11-24'), delivery: { via: 'smtp' } });
    expect(server.received).toHaveLength(2);
  });

  it('compares what can be spent (eNom\'s AvailableBalance) with the minimal balance, and says when no one is addressed', async () => {
    const workspace = fresh();
    // Balance 1,204.10 is above the minimal 1,180; what can be spent, 1,150, is under it.
    const outcome = await notifyLowBalance(workspace, globalsign(1180), { amount: 1204.1, available: 1150, currency: 'USD' }, day('2026-11-23'));
    expect(outcome).toMatchObject({ notified: true, to: [], delivery: { via: 'outbox' } });
    expect(outcome.notified && outcome.noRecipient).toBe('no address is set for the department "SSL desk"; set one with: certops messages department set "SSL desk" --email ADDR');
    expect(listOutbox(workspace)[0]?.subject).toBe('Processing module low balance: GlobalSign main, 1,150 USD');
    expect(await notifyLowBalance(workspace, globalsign(1100), { amount: 1000, available: 1150, currency: 'USD' }, day('2026-11-24'))).toEqual({ notified: false, reason: 'not-under-minimum' });
  });

  it('does nothing at or above the minimal balance, or when the minimal balance is empty', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    await setDepartment(workspace, 'SSL desk', ['ssl@example.com']);
    expect(await notifyLowBalance(workspace, globalsign(5000), { amount: 5000, currency: 'USD' }, day('2026-11-23'))).toEqual({ notified: false, reason: 'not-under-minimum' });
    expect(await notifyLowBalance(workspace, globalsign(null), { amount: 0, currency: 'USD' }, day('2026-11-23'))).toEqual({ notified: false, reason: 'no-minimal-balance' });
    expect(server.received).toHaveLength(0);
  });

  it('follows a changed template', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    await setDepartment(workspace, 'SSL desk', ['ssl@example.com']);
    await setTemplate(workspace, 'low-balance', { subject: 'Top up {provider}: {balance} < {minimalBalance} {currency}', body: 'Module {module}, department {department}.' });
    await notifyLowBalance(workspace, globalsign(100.5), { amount: 99.999, currency: 'EUR' }, day('2026-11-23'));
    expect(server.received[0]?.parsed.subject).toBe('Top up GlobalSign: 100 < 100.50 EUR');
    expect(server.received[0]?.parsed.text?.trim()).toBe('Module GlobalSign main, department SSL desk.');
  });

  it('a department without an address gets it in the outbox, with a note saying how to set one', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    const outcome = await notifyLowBalance(workspace, globalsign(5000), { amount: 10, currency: 'USD' }, day('2026-11-23'));
    expect(outcome).toMatchObject({ notified: true, to: [], delivery: { via: 'outbox', reason: 'no-recipient' } });
    expect(server.received).toHaveLength(0);
    const [entry] = listOutbox(workspace);
    const parsed = await simpleParser(readFileSync(entry?.path ?? ''));
    expect(parsed.headers.get('x-certops-note')).toBe('no address is set for the department "SSL desk"; set one with: certops messages department set "SSL desk" --email ADDR');
  });
});

describe('certificate expiration notification', () => {
  const notice = {
    module: { id: 1, provider: 'leadertelecom' as const, parameters: { name: 'LeaderTelecom main', department: 'SSL desk', sort: 1, minimalBalance: null } },
    certificateId: 'LT-1001',
    domain: 'shop.example.com',
    expirationDate: '2026-10-19',
    paidUntil: '2031-04-02',
    actionDate: '2026-10-09',
  };

  it('goes to the client address the caller gives', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    await setClientFallback(workspace, 'fallback@example.com');
    const outcome = await notifyExpiration(workspace, { ...notice, client: 'owner@shop.example.com' });
    expect(outcome).toMatchObject({ key: expirationKey(1, 'LT-1001', '2026-10-09'), to: ['owner@shop.example.com'], delivery: { via: 'smtp' } });
    expect(outcome.key).toBe('expiration:1:LT-1001:2026-10-09');
    const mail = server.received[0];
    expect(mail?.envelope.to).toEqual(['owner@shop.example.com']);
    expect(mail?.parsed.subject).toBe('Certificate expiration notification: shop.example.com');
    expect(mail?.parsed.text).toContain('the SSL certificate of shop.example.com expires on 2026-10-19.');
    expect(mail?.parsed.text).toContain('Paid until:       2031-04-02');
    // A re-run of the same action date sends nothing more.
    expect((await notifyExpiration(workspace, { ...notice, client: 'owner@shop.example.com' })).delivery.via).toBe('already-sent');
    expect(server.received).toHaveLength(1);
  });

  it('without a client address goes to the client fallback address', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    await setClientFallback(workspace, 'fallback@example.com');
    expect(await notifyExpiration(workspace, notice)).toMatchObject({ to: ['fallback@example.com'], delivery: { via: 'smtp' } });
    expect(server.received[0]?.envelope.to).toEqual(['fallback@example.com']);
  });

  it('without any address goes to the outbox, addressed to no one and saying why', async () => {
    const workspace = fresh();
    const server = await withSmtp(workspace);
    const outcome = await notifyExpiration(workspace, { ...notice, paidUntil: null, client: '  ' });
    expect(outcome).toMatchObject({ to: [], delivery: { via: 'outbox', reason: 'no-recipient' } });
    expect(server.received).toHaveLength(0);
    const raw = readFileSync(listOutbox(workspace)[0]?.path ?? '', 'utf8');
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get('x-certops-note')).toMatch(/^certops does not know the client's address of shop\.example\.com: forward this notice/);
    expect(parsed.text).toContain('Paid until:       -');
  });
});
