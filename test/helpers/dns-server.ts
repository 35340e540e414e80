/**
 * A small authoritative DNS server on loopback for tests (UDP, dns-packet for the wire format): it
 * answers from a zone the test writes (CAA, TXT, CNAME, SOA, MX), says NXDOMAIN for names that hold
 * nothing and are above nothing, NODATA for names that exist without the asked type, and follows a
 * CNAME inside its zone as a recursive resolver would. A silent server takes queries and never
 * answers, for timeouts.
 */
import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';

export type ZoneRecord =
  | { readonly type: 'CAA'; readonly flags?: number; readonly tag: string; readonly value: string }
  | { readonly type: 'TXT'; readonly value: string | readonly string[] }
  | { readonly type: 'CNAME'; readonly value: string }
  | { readonly type: 'SOA' }
  | { readonly type: 'MX'; readonly preference: number; readonly exchange: string };

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as `--dns-server` takes it. */
  readonly address: string;
  readonly port: number;
  /** Every question asked, `TYPE name`, in order. */
  readonly queries: string[];
  /** Replaces a name's records (an empty list removes the name). */
  set(name: string, records: readonly ZoneRecord[]): void;
  /** Every question about this name is answered SERVFAIL (as a broken DNSSEC chain is). */
  fail(name: string): void;
  /** From now on, questions are read and never answered. */
  mute(): void;
  stop(): Promise<void>;
}

const RCODE_NOERROR = 0;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

const normalize = (name: string) => name.toLowerCase().replace(/\.$/, '');

function answerOf(name: string, record: ZoneRecord): dnsPacket.Answer {
  const base = { name, ttl: 60, class: 'IN' as const };
  switch (record.type) {
    case 'CAA':
      // Any tag, known or not: the typings list only RFC 8659's three, the encoder takes any.
      return { ...base, type: 'CAA', data: { flags: record.flags ?? 0, tag: record.tag as 'issue', value: record.value, issuerCritical: ((record.flags ?? 0) & 128) !== 0 } };
    case 'TXT':
      return { ...base, type: 'TXT', data: typeof record.value === 'string' ? record.value : [...record.value] };
    case 'CNAME':
      return { ...base, type: 'CNAME', data: record.value };
    case 'SOA':
      return {
        ...base,
        type: 'SOA',
        data: { mname: `ns1.${name}`, rname: `hostmaster.${name}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60 },
      };
    case 'MX':
      return { ...base, type: 'MX', data: { preference: record.preference, exchange: record.exchange } };
  }
}

export async function startDnsServer(zone: Readonly<Record<string, readonly ZoneRecord[]>> = {}): Promise<TestDnsServer> {
  const records = new Map<string, ZoneRecord[]>();
  for (const [name, list] of Object.entries(zone)) records.set(normalize(name), [...list]);
  const queries: string[] = [];
  const failing = new Set<string>();
  let muted = false;
  // A name exists when it holds records or lies above one that does (an empty non-terminal).
  const exists = (name: string) => records.has(name) || [...records.keys()].some((other) => other.endsWith(`.${name}`));

  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    queries.push(`${question.type} ${normalize(question.name)}`);
    if (muted) return;
    const answers: dnsPacket.Answer[] = [];
    let name = normalize(question.name);
    // The RCODE travels in the low four bits of the header's flags.
    let rcode = failing.has(name) ? RCODE_SERVFAIL : RCODE_NOERROR;
    for (let hops = 0; hops < 8 && rcode === RCODE_NOERROR; hops += 1) {
      const here = records.get(name) ?? [];
      const alias = here.find((record) => record.type === 'CNAME');
      if (alias && question.type !== 'CNAME') {
        answers.push(answerOf(name, alias));
        name = normalize(alias.value);
        continue;
      }
      answers.push(...here.filter((record) => record.type === question.type).map((record) => answerOf(name, record)));
      if (rcode === RCODE_NOERROR && !exists(name)) rcode = RCODE_NXDOMAIN;
      break;
    }
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [question],
      answers,
    });
    socket.send(reply, remote.port, remote.address);
  });
  const port = await bind(socket);
  return {
    address: `127.0.0.1:${port}`,
    port,
    queries,
    set(name, list) {
      if (list.length === 0) records.delete(normalize(name));
      else records.set(normalize(name), [...list]);
    },
    fail(name) {
      failing.add(normalize(name));
    },
    mute() {
      muted = true;
    },
    stop: () => close(socket),
  };
}

/** A server that reads every query and answers none. */
export async function startSilentDnsServer(): Promise<{ readonly address: string; readonly queries: () => number; stop(): Promise<void> }> {
  let count = 0;
  const socket = createSocket('udp4');
  socket.on('message', () => {
    count += 1;
  });
  const port = await bind(socket);
  return { address: `127.0.0.1:${port}`, queries: () => count, stop: () => close(socket) };
}

function bind(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket.address().port));
  });
}

function close(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}
