/**
 * The confirmation that a reissue is done: a TLS handshake with each name of the new certificate
 * (SNI, port 443), comparing the leaf the server presents with the collected one. It does not need
 * to trust the server: it only looks at what is served. `--probe-resolve NAME:PORT:ADDRESS` (as
 * curl's `--resolve`; `*` for every name) sends a name's probe elsewhere: a load balancer, a
 * test server.
 */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { fingerprintOf } from './deliver.js';
import { X509Certificate } from 'node:crypto';

export const PROBE_TIMEOUT_MS = 10_000;

export interface ProbeResolve {
  /** A DNS name, or `*` for every name. */
  readonly name: string;
  readonly port: number;
  /** An IP address; null connects to the name itself. */
  readonly address: string | null;
}

export interface ProbeTarget {
  readonly name: string;
  readonly port: number;
  readonly host: string;
}

const NAME = /^(\*|(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/i;

/** Parses `NAME:PORT:ADDRESS` (an IPv6 address in brackets, or bare after the second colon); throws with the reason. */
export function parseProbeResolve(text: string): ProbeResolve {
  const match = /^([^:]+):(\d{1,5}):(.+)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not NAME:PORT:ADDRESS (e.g. www.example.com:443:192.0.2.10, or *:443:192.0.2.10)`);
  const [, name = '', portText = '', addressText = ''] = match;
  if (!NAME.test(name)) throw new Error(`"${name}" is not a DNS name or *`);
  const port = Number(portText);
  if (port < 1 || port > 65_535) throw new Error(`the port ${portText} is not between 1 and 65535`);
  const address = addressText.replace(/^\[(.*)\]$/, '$1');
  if (isIP(address) === 0) throw new Error(`"${addressText}" is not an IPv4 or IPv6 address`);
  return { name: name.toLowerCase(), port, address };
}

export const formatProbeResolve = (resolve: ProbeResolve) =>
  `${resolve.name}:${resolve.port}:${resolve.address === null ? '' : resolve.address.includes(':') ? `[${resolve.address}]` : resolve.address}`;

/** Where each name is probed: its own resolve entry, else the `*` one, else the name on port 443. */
export function probeTargets(names: readonly string[], resolves: readonly ProbeResolve[]): ProbeTarget[] {
  return names
    .filter((name) => !name.startsWith('*.'))
    .map((name) => {
      const entry = resolves.find((r) => r.name === name) ?? resolves.find((r) => r.name === '*');
      return { name, port: entry?.port ?? 443, host: entry?.address ?? name };
    });
}

export interface ProbeSeen {
  /** The served leaf's fingerprint (SHA-256, lowercase hex); null when no handshake was made. */
  readonly fingerprint: string | null;
  readonly error: string | null;
}

/** One handshake: what leaf the server presents for the name. */
export function probe(target: ProbeTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeSeen> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (seen: ProbeSeen) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(seen);
    };
    const socket = connect({
      host: target.host,
      port: target.port,
      servername: isIP(target.name) === 0 ? target.name : undefined,
      // Only what is served matters here, trusted or not.
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      finish(peer ? { fingerprint: fingerprintOf(peer as X509Certificate), error: null } : { fingerprint: null, error: 'the server presented no certificate' });
    });
    socket.once('timeout', () => finish({ fingerprint: null, error: `no TLS answer within ${Math.round(timeoutMs / 1000)} s` }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ fingerprint: null, error: error.code ? `${error.code}: ${error.message}` : error.message }));
  });
}
