import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionStates, Journal, JournalError, type JournalRecord } from '../../../src/core/reissue/journal.js';

const snapshot = { certificateId: '500', mainDomain: 'shop.example.com', orderDate: null, validFrom: '2025-12-12', validTo: '2026-12-12' };
const intent = (key: string): JournalRecord => ({ type: 'intent', key, at: '2026-11-23T03:17:00.000Z', run: 'r1', moduleId: 1, action: 'reissue', snapshot });
const fresh = () => new Journal(join(mkdtempSync(join(tmpdir(), 'certops-journal-')), 'journal', 'reissue.jsonl'));

describe('the reissue journal', () => {
  it('appends durable lines, owner-only, and reads them back in order', () => {
    const journal = fresh();
    journal.append(intent('1:500:2026-11-23'));
    journal.append({ type: 'done', key: '1:500:2026-11-23', at: '2026-11-23T03:17:01.000Z', run: 'r1', detail: 'reissued' });
    expect(journal.read().map((record) => record.type)).toEqual(['intent', 'done']);
    expect(readFileSync(journal.file, 'utf8').split('\n')).toHaveLength(3);
  });

  it('leaves out a line torn by a crash, and cuts it off before the next append', () => {
    const journal = fresh();
    journal.append(intent('1:500:2026-11-23'));
    appendFileSync(journal.file, '{"type":"done","key":"1:500:2026-');
    expect(journal.read()).toHaveLength(1);
    journal.append({ type: 'retry', key: '1:501:2026-11-23', at: 'x', run: 'r2', cause: 'refused', detail: 'connection refused' });
    const lines = readFileSync(journal.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] as string)).toMatchObject({ type: 'retry' });
  });

  it('refuses a damaged complete line instead of skipping an action it may record', () => {
    const journal = fresh();
    journal.append(intent('1:500:2026-11-23'));
    appendFileSync(journal.file, 'not json\n');
    expect(() => journal.read()).toThrow(JournalError);
    writeFileSync(journal.file, '{"type":"intent"}\n');
    expect(() => journal.read()).toThrow(/line 1 is not a journal record/);
  });

  it('folds records into states: an intent alone is in doubt, done and task finish, retry and not-applied reopen', () => {
    const key = '1:500:2026-11-23';
    const at = { at: 'x', run: 'r' };
    expect(actionStates([intent(key)]).get(key)).toMatchObject({ state: 'in-doubt' });
    expect(actionStates([intent(key), { type: 'in-doubt', key, ...at, cause: 'timeout', detail: '' }]).get(key)).toMatchObject({ state: 'in-doubt' });
    expect(actionStates([intent(key), { type: 'not-applied', key, ...at, detail: '' }]).get(key)).toEqual({ state: 'open', attempts: 1 });
    expect(actionStates([intent(key), { type: 'retry', key, ...at, cause: 'refused', detail: '' }, intent(key), { type: 'done', key, ...at, detail: 'ok' }]).get(key)).toMatchObject({
      state: 'finished',
    });
    expect(actionStates([intent(key), { type: 'task', key, ...at, taskId: 'T-1', reason: 'r' }]).get(key)).toMatchObject({ state: 'finished' });
  });
});
