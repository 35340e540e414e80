import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfigDirectory, Store, type StoredModule } from '../../src/core/store.js';
import { bundleScript } from '../helpers/bundle.js';

const run = promisify(execFile);
const fresh = () => join(mkdtempSync(join(tmpdir(), 'certops-store-')), 'config');

const enomModule = (id: number, name: string): StoredModule => ({
  id,
  provider: 'enom',
  parameters: { name, department: 'SSL desk', sort: id, minimalBalance: 100, dataCenter: 'DC1' },
  integration: { apiUrl: 'https://reseller.enom.com/interface.asp', username: 'reseller', password: 's3cret' },
  network: { connectTimeoutMs: 10_000, totalTimeoutMs: 30_000 },
  createdAt: '2026-11-23T00:00:00.000Z',
  notVerified: false,
});

async function addModule(store: Store, name: string) {
  await store.update((data) => ({
    data: { ...data, nextModuleId: data.nextModuleId + 1, modules: [...data.modules, enomModule(data.nextModuleId, name)] },
    result: undefined,
  }));
}

describe('configuration store', () => {
  it('reads defaults from a missing file without writing one, nor making its folder (issue 13 review, item 14)', () => {
    const store = new Store(fresh());
    expect(store.read()).toEqual({ version: 1, nextModuleId: 1, modules: [], reissuePolicy: { policy: 'auto', beforeDays: 10 }, delivery: { deployHook: null, probeResolve: [], keyPolicy: 'reuse', keyType: 'rsa2048' }, debugLevels: {} });
    expect(existsSync(store.file)).toBe(false);
    expect(existsSync(store.directory)).toBe(false);
  });

  it('writes owner-only and reads back what it wrote', async () => {
    const store = new Store(fresh());
    await addModule(store, 'eNom main');
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(store.read().modules.map((m) => m.parameters.name)).toEqual(['eNom main']);
    expect(store.permissionWarnings()).toEqual([]);
  });

  it('warns when the file or its folder is readable by others', async () => {
    const store = new Store(fresh());
    await addModule(store, 'x');
    chmodSync(store.file, 0o644);
    expect(store.permissionWarnings()).toEqual([`the configuration file ${store.file} is readable by others (mode 0644); run: chmod 600 ${store.file}`]);
  });

  it('refuses a corrupt file, names it, and never overwrites it', async () => {
    const store = new Store(fresh());
    mkdirSync(store.directory, { recursive: true, mode: 0o700 });
    writeFileSync(store.file, '{"modules": [', { mode: 0o600 });
    expect(() => store.read()).toThrow(ConfigError);
    expect(() => store.read()).toThrow(new RegExp(`^${store.file} is not valid JSON .*certops will not write to it meanwhile$`));
    await expect(addModule(store, 'x')).rejects.toThrow(ConfigError);
    expect(readFileSync(store.file, 'utf8')).toBe('{"modules": [');
  });

  it('refuses a file that fails validation, naming the field', async () => {
    const store = new Store(fresh());
    await addModule(store, 'eNom main');
    const edit = (change: (json: { modules: { parameters: Record<string, unknown>; integration: Record<string, unknown> }[] }) => void) => {
      const json = JSON.parse(readFileSync(store.file, 'utf8'));
      change(json);
      writeFileSync(store.file, JSON.stringify(json));
      return readFileSync(store.file, 'utf8');
    };
    const text = edit((json) => {
      (json.modules[0] as { parameters: Record<string, unknown> }).parameters.sort = 'first';
    });
    expect(() => store.read()).toThrow('modules[0].parameters.sort: sort must be a whole number');
    await expect(addModule(store, 'other')).rejects.toThrow(ConfigError);
    expect(readFileSync(store.file, 'utf8')).toBe(text);
    edit((json) => {
      const [module] = json.modules as { parameters: Record<string, unknown>; integration: Record<string, unknown> }[];
      if (!module) return;
      module.parameters.sort = 1;
      module.integration.apiUrl = 'http://reseller.enom.com/';
    });
    expect(() => store.read()).toThrow('modules[0].integration.apiUrl: plain http:// is refused for reseller.enom.com');
  });

  it('writes nothing when a change throws', async () => {
    const store = new Store(fresh());
    await addModule(store, 'kept');
    const before = readFileSync(store.file, 'utf8');
    await expect(
      store.update(() => {
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(readFileSync(store.file, 'utf8')).toBe(before);
  });

  it('loses no change when twenty processes write at the same moment', async () => {
    const directory = fresh();
    const script = await bundleScript(`
      import { Store } from './src/core/store.ts';
      const store = new Store(process.argv[2]);
      await store.update((data) => ({
        data: { ...data, nextModuleId: data.nextModuleId + 1, modules: [...data.modules, {
          id: data.nextModuleId, provider: 'enom', createdAt: new Date().toISOString(), notVerified: false, network: {},
          parameters: { name: 'writer ' + process.argv[3], department: 'SSL', sort: 1, minimalBalance: null, dataCenter: 'DC1' },
          integration: { username: 'u', password: 'p' } }] },
        result: undefined,
      }));
    `);
    await Promise.all(Array.from({ length: 20 }, (_, i) => run(process.execPath, [script, directory, String(i)])));
    const modules = new Store(directory).read().modules;
    expect(modules).toHaveLength(20);
    expect(new Set(modules.map((m) => m.parameters.name)).size).toBe(20);
    expect(new Set(modules.map((m) => m.id)).size).toBe(20);
  }, 60_000);

  it('finds its folder: flag, then CERTOPS_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(resolveConfigDirectory('/tmp/a', { CERTOPS_CONFIG_DIR: '/tmp/b' })).toBe('/tmp/a');
    expect(resolveConfigDirectory(undefined, { CERTOPS_CONFIG_DIR: '/tmp/b', XDG_CONFIG_HOME: '/tmp/x' })).toBe('/tmp/b');
    expect(resolveConfigDirectory(undefined, { XDG_CONFIG_HOME: '/tmp/x' })).toBe('/tmp/x/certops');
    expect(resolveConfigDirectory(undefined, {})).toMatch(/\/\.config\/certops$/);
  });
});
