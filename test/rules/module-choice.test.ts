import { describe, expect, it } from 'vitest';
import { chooseProcessingModule, rankProcessingModules, type ModuleCandidate } from '../../src/rules/module-choice.js';

const module = (id: number, sort: number, more: Partial<ModuleCandidate> = {}): ModuleCandidate => ({
  id,
  name: `module ${id}`,
  sort,
  enabled: true,
  lastCheck: 'ok',
  balance: null,
  minimalBalance: null,
  ...more,
});

const ids = (candidates: ModuleCandidate[]) => rankProcessingModules(candidates).map((r) => r.module.id);

describe('choosing a processing module for a tariff plan', () => {
  it('takes the lowest Sort first, then the lowest id', () => {
    expect(ids([module(3, 20), module(2, 10), module(1, 20), module(4, 5)])).toEqual([4, 2, 1, 3]);
    const choice = chooseProcessingModule([module(7, 1), module(5, 1)]);
    expect(choice.kind === 'module' && choice.module.id).toBe(5);
  });

  it('puts modules with a failed check or a balance under the minimum after the healthy ones', () => {
    const ranked = rankProcessingModules([
      module(1, 1, { lastCheck: 'failed' }),
      module(2, 2, { balance: 40, minimalBalance: 100 }),
      module(3, 3),
      module(4, 4, { lastCheck: null }),
    ]);
    expect(ranked.map((r) => r.module.id)).toEqual([3, 4, 1, 2]);
    expect(ranked.map((r) => r.problems)).toEqual([[], [], ['its last connection check failed'], ['its balance 40 is under its minimal balance 100']]);
  });

  it('counts a balance equal to the minimum, or an empty minimal balance, as healthy', () => {
    expect(ids([module(1, 9), module(2, 1, { balance: 100, minimalBalance: 100 }), module(3, 2, { balance: -5, minimalBalance: null })])).toEqual([2, 3, 1]);
  });

  it('still serves from a module with problems when no healthy one is left', () => {
    const choice = chooseProcessingModule([module(1, 1, { lastCheck: 'failed' }), module(2, 2, { lastCheck: 'failed', balance: 0, minimalBalance: 1 })]);
    expect(choice.kind === 'module' && choice.module.id).toBe(1);
  });

  it('makes a manual task when no module can serve', () => {
    expect(chooseProcessingModule([])).toEqual({ kind: 'manual-task', reason: 'no processing module is connected to the tariff plan', ranking: [] });
    expect(chooseProcessingModule([module(1, 1, { enabled: false })])).toEqual({
      kind: 'manual-task',
      reason: 'every processing module connected to the tariff plan is switched off',
      ranking: [],
    });
  });

  it('never ranks a switched-off module', () => {
    expect(ids([module(1, 1, { enabled: false }), module(2, 9, { lastCheck: 'failed' })])).toEqual([2]);
  });
});
