import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDebugConf } from '../../src/core/debug-conf.js';
import { fileLog } from '../../src/providers/log.js';
import { redact } from '../../src/providers/redact.js';
import { checkApiUrl, isLoopbackHost } from '../../src/providers/url-policy.js';

const fixedNow = () => new Date('2026-11-23T10:00:00.000Z');

describe('module logs', () => {
  it('writes only messages at or under the level, owner-only, one line each', () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-log-'));
    const log = fileLog({ directory, logName: 'pmglobalsign', level: 5, secrets: [], now: fixedNow });
    log.write(3, 'an error');
    log.write(5, 'a request');
    log.write(9, 'a whole body');
    log.write(4, 'two\nlines');
    const text = readFileSync(join(directory, 'pmglobalsign.log'), 'utf8');
    expect(text).toBe(
      '2026-11-23T10:00:00.000Z [pmglobalsign] L3 an error\n' +
        '2026-11-23T10:00:00.000Z [pmglobalsign] L5 a request\n' +
        '2026-11-23T10:00:00.000Z [pmglobalsign] L4 two\n    lines\n',
    );
    expect(statSync(join(directory, 'pmglobalsign.log')).mode & 0o777).toBe(0o600);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
  });

  it('writes nothing at level 0', () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-log-'));
    fileLog({ directory, logName: 'pmenomssl', level: 0, secrets: [] }).write(1, 'note');
    expect(readdirSync(directory)).toEqual([]);
  });

  it('rotates at the size limit and keeps a bounded number of old files', () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-log-'));
    const log = fileLog({ directory, logName: 'pmenomssl', level: 9, secrets: [], maxBytes: 200, keep: 2, now: fixedNow });
    for (let i = 0; i < 20; i += 1) log.write(5, `request number ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`);
    expect(readdirSync(directory).sort()).toEqual(['pmenomssl.log', 'pmenomssl.log.1', 'pmenomssl.log.2']);
    for (const name of readdirSync(directory)) expect(statSync(join(directory, name)).size).toBeLessThanOrEqual(200);
    expect(readFileSync(join(directory, 'pmenomssl.log'), 'utf8')).toContain('request number 19');
  });

  it('masks secrets in every line it writes', () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-log-'));
    const log = fileLog({ directory, logName: 'pmleadertelecom', level: 9, secrets: ['hunter2&x'], now: fixedNow });
    log.write(9, 'login=admin&password=hunter2%26x then hunter2&x and hunter2&amp;x');
    expect(readFileSync(join(directory, 'pmleadertelecom.log'), 'utf8')).toBe('2026-11-23T10:00:00.000Z [pmleadertelecom] L9 login=admin&password=*** then *** and ***\n');
  });
});

describe('redaction', () => {
  it.each([
    ['command=CheckLogin&uid=bob&pw=abc123&responsetype=xml', 'command=CheckLogin&uid=bob&pw=***&responsetype=xml'],
    ['func=whoami&authinfo=bob%40example.net%3Asecret&out=json', 'func=whoami&authinfo=***&out=json'],
    ['<AuthToken><UserName>PAR1</UserName><Password>p&lt;1</Password></AuthToken>', '<AuthToken><UserName>PAR1</UserName><Password>***</Password></AuthToken>'],
    ['{"id":1,"auth_token":"q7Yv2mP"}', '{"id":1,"auth_token":"***"}'],
    ['{"x-auth-token":"q7Yv2mP","accept":"application/json"}', '{"x-auth-token":"***","accept":"application/json"}'],
    ['X-AUTH-TOKEN: q7Yv2mP', 'X-AUTH-TOKEN: ***'],
    ['{"doc":{"tparams":{"authinfo":{"$":"bob:p\\"w"},"func":{"$":"whoami"}}}}', '{"doc":{"tparams":{"authinfo":{"$":"***"},"func":{"$":"whoami"}}}}'],
  ])('masks the secret field in %s', (input, output) => {
    expect(redact(input)).toBe(output);
  });

  it('masks private keys: whole PEM blocks, cut-off ones to the end, and eNom\'s <PVT>', () => {
    const key = ['-----BEGIN PRIVATE KEY-----', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgqdn7J1eJ8UjktcA8', 'hm55kbsX/55bj3YXJ9Y8+N38NTGhRANCAARLFgSvWfOljr', '-----END PRIVATE KEY-----'];
    expect(redact(`a ${key.join('\n')} b`)).toBe('a -----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY----- b');
    // JSON-escaped, as BILLmanager's model.key would carry it.
    expect(redact(JSON.stringify({ key: key.join('\n'), csr: 'x' }))).toBe('{"key":"-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----","csr":"x"}');
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\r\nMIIEow\r\n-----END RSA PRIVATE KEY-----')).toBe('-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----');
    expect(redact(`x -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY----- y ${key.slice(0, 2).join('\n')}`)).toBe(
      'x -----BEGIN EC PRIVATE KEY-----***-----END EC PRIVATE KEY----- y -----BEGIN PRIVATE KEY-----***',
    );
    expect(redact('<CSR><![CDATA[csr]]></CSR><PVT><![CDATA[secret key text]]></PVT>')).toBe('<CSR><![CDATA[csr]]></CSR><PVT>***</PVT>');
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBEDCBtgIBADAa\n-----END CERTIFICATE REQUEST-----';
    expect(redact(csr)).toBe(csr);
  });

  it('masks registered secrets in raw, URL, form and XML forms, longest first', () => {
    expect(redact('a b&c a%20b%26c a+b%26c a b&amp;c a b&', ['a b&c', 'a b&'])).toBe('*** *** *** *** ***');
    // Under four characters a secret is not searched as free text: it would mask parts of numbers and dates.
    expect(redact('balance 1,234.10 USD at 2026-12-08', ['1'])).toBe('balance 1,234.10 USD at 2026-12-08');
    expect(redact('{"note":"p\\"wd"}', ['p"wd'])).toBe('{"note":"***"}');
  });
});

describe('API URL policy', () => {
  it.each(['https://api.leaderssl.com/api/v1', 'http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9/x', 'http://127.10.0.3/x'])('accepts %s', (url) => {
    expect(checkApiUrl(url).ok).toBe(true);
  });

  it.each([
    ['http://reseller.enom.com/interface.asp', 'plain http:// is refused for reseller.enom.com: the password would travel in clear; use https://'],
    ['http://10.0.0.5/billmgr', 'plain http:// is refused for 10.0.0.5: the password would travel in clear; use https://'],
    ['ftp://example.com/', 'ftp:// is not supported; use https://'],
    ['https://user:pw@example.com/', 'put credentials in their own fields, not in the URL'],
    ['reseller.enom.com', '"reseller.enom.com" is not a URL (expected https://host/path)'],
  ])('refuses %s', (url, error) => {
    expect(checkApiUrl(url)).toEqual({ ok: false, error });
  });

  it('knows loopback names', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });
});

describe('debug.conf lines', () => {
  it('reads levels per log, skipping comments and SET lines', () => {
    expect(parseDebugConf('# debug\npmglobalsign.* 9\nSET color=off\npmenomssl 3\n\npmispmgrssl.rpc 7 user=admin\n')).toEqual({
      ok: true,
      value: [
        { logName: 'pmglobalsign', level: 9 },
        { logName: 'pmenomssl', level: 3 },
        { logName: 'pmispmgrssl', level: 7 },
      ],
    });
  });

  it('names the line that is wrong', () => {
    expect(parseDebugConf('pmglobalsign.* 9\npmenomssl.* ten')).toEqual({
      ok: false,
      error: 'line 2: "pmenomssl.* ten" is not "<log>.* <level>" (for example "pmglobalsign.* 9")',
    });
    expect(parseDebugConf('pmenomssl.* 12')).toEqual({ ok: false, error: 'line 1: level 12 is out of range; levels run from 0 to 9' });
  });
});
