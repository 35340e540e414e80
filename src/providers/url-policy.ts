/**
 * Which API addresses certops will send credentials to: https anywhere, plain http only to the
 * loopback interface (the sandboxes), since over http the password would travel in clear.
 */
import { isIP } from 'node:net';
import { fail, ok, type Result } from '../rules/result.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

export function checkApiUrl(text: string): Result<URL> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`"${text}" is not a URL (expected https://host/path)`);
  }
  if (url.username || url.password) return fail('put credentials in their own fields, not in the URL');
  if (url.protocol === 'https:') return ok(url);
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? ok(url)
      : fail(`plain http:// is refused for ${url.hostname}: the password would travel in clear; use https://`);
  }
  return fail(`${url.protocol}// is not supported; use https://`);
}
