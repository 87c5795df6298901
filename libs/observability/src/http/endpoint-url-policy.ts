import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why an endpoint URL was refused, in words fit for an API answer (never the URL's secrets). */
export class EndpointUrlRefused extends Error {
  override readonly name = 'EndpointUrlRefused';
}

type Family = 'ipv4' | 'ipv6';

// Addresses a webhook must not be sent to unless an operator allows them: this host, its
// networks, link-local (cloud metadata lives at 169.254.169.254), shared/reserved ranges.
const FORBIDDEN_V4: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];
const FORBIDDEN_V6: readonly [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['2001::', 32, 'Teredo tunnel'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private; fd00:ec2::254 is cloud metadata)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];
// IPv6 prefixes that carry an IPv4 address in their last 32 bits (or, for 6to4, bits 16-48):
// the embedded IPv4 address is judged as well.
const EMBEDDING_V4: readonly { prefix: [string, number]; at: number }[] = [
  { prefix: ['::ffff:0:0', 96], at: 12 }, // IPv4-mapped
  { prefix: ['::', 96], at: 12 }, // IPv4-compatible (deprecated)
  { prefix: ['::ffff:0:0:0', 96], at: 12 }, // IPv4-translated (SIIT)
  { prefix: ['64:ff9b::', 96], at: 12 }, // NAT64 well-known prefix
  { prefix: ['2002::', 16], at: 2 }, // 6to4
];

/** Host names of cloud metadata services, refused whatever they resolve to. */
export const METADATA_HOST_NAMES: readonly string[] = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
];

function blockList(entries: readonly [string, number, string][], family: Family): { list: BlockList; reasons: [BlockList, string][] } {
  const list = new BlockList();
  const reasons: [BlockList, string][] = [];
  for (const [address, prefix, reason] of entries) {
    list.addSubnet(address, prefix, family);
    const one = new BlockList();
    one.addSubnet(address, prefix, family);
    reasons.push([one, reason]);
  }
  return { list, reasons };
}

const V4 = blockList(FORBIDDEN_V4, 'ipv4');
const V6 = blockList(FORBIDDEN_V6, 'ipv6');
const EMBEDDINGS = EMBEDDING_V4.map(({ prefix, at }) => {
  const list = new BlockList();
  list.addSubnet(prefix[0], prefix[1], 'ipv6');
  return { list, at };
});

/** The 16 bytes of an IPv6 address (any textual form node accepts). */
function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::') as [string, string?];
  const groups = (text: string): number[] => {
    if (text === '') return [];
    const parts = text.split(':');
    const last = parts.at(-1) ?? '';
    const words = parts.slice(0, -1).map((part) => Number.parseInt(part, 16));
    if (last.includes('.')) {
      const octets = last.split('.').map(Number);
      words.push(((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0));
    } else words.push(Number.parseInt(last, 16));
    return words;
  };
  const first = groups(head);
  const second = address.includes('::') ? groups(tail) : [];
  const words = [...first, ...new Array<number>(8 - first.length - second.length).fill(0), ...second];
  const bytes = Buffer.alloc(16);
  words.forEach((word, index) => bytes.writeUInt16BE(word & 0xffff, index * 2));
  return bytes;
}

/**
 * Why `address` (an IP address in text) may not receive webhooks, or undefined when
 * it may. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are
 * judged by that IPv4 address too.
 */
export function forbiddenAddressReason(text: string): string | undefined {
  const address = text.split('%', 1)[0] ?? '';
  const version = isIP(address);
  if (version === 4) return V4.list.check(address, 'ipv4') ? V4.reasons.find(([list]) => list.check(address, 'ipv4'))?.[1] : undefined;
  if (version !== 6) return 'not an IP address';
  for (const { list, at } of EMBEDDINGS) {
    if (!list.check(address, 'ipv6')) continue;
    const bytes = ipv6Bytes(address);
    const embedded = `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
    // ::/96 also holds :: and ::1, judged below as themselves.
    const reason = forbiddenAddressReason(embedded);
    if (reason !== undefined && !(at === 12 && bytes.subarray(0, 12).every((byte) => byte === 0) && (embedded === '0.0.0.0' || embedded === '0.0.0.1'))) {
      return `${reason}, embedded in an IPv6 address`;
    }
  }
  return V6.list.check(address, 'ipv6') ? V6.reasons.find(([list]) => list.check(address, 'ipv6'))?.[1] : undefined;
}

/** An operator's allow-list entry: a CIDR block, one address, or a host name. */
export function parseAllowEntry(entry: string): { kind: 'subnet'; list: BlockList } | { kind: 'host'; name: string } | undefined {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version !== 0) {
    const bits = version === 4 ? 32 : 128;
    const prefix = slash === -1 ? bits : Number(text.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (slash !== -1 && !/^\d{1,3}$/.test(text.slice(slash + 1)))) return undefined;
    const list = new BlockList();
    list.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'subnet', list };
  }
  const name = text.toLowerCase().replace(/\.$/, '');
  if (slash !== -1 || !/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(name)) return undefined;
  return { kind: 'host', name };
}

export type Resolve = (host: string) => Promise<readonly string[]>;

const resolveWithDns: Resolve = async (host) => (await lookup(host, { all: true, order: 'verbatim' })).map((found) => found.address);

/**
 * Where webhooks may be sent. An endpoint URL is http(s), carries no user info, and its
 * host (every address it resolves to) is a public address, unless the allow-list
 * (ENDPOINT_URL_ALLOW: CIDR blocks, addresses, host names) admits it. Resolution happens
 * when the endpoint is written; Svix resolves again when it delivers, so its own
 * private-address filter (SVIX_WHITELIST_SUBNETS) stays the second wall against rebinding.
 */
export class EndpointUrlPolicy {
  private readonly subnets: BlockList[] = [];
  private readonly hosts = new Set<string>();

  constructor(
    allow: readonly string[] = [],
    private readonly resolve: Resolve = resolveWithDns,
  ) {
    for (const entry of allow) {
      const parsed = parseAllowEntry(entry);
      if (parsed === undefined) throw new TypeError(`not a CIDR block, address or host name: ${JSON.stringify(entry.slice(0, 80))}`);
      if (parsed.kind === 'subnet') this.subnets.push(parsed.list);
      else this.hosts.add(parsed.name);
    }
  }

  /** Resolves when `text` may receive webhooks; rejects with EndpointUrlRefused saying why otherwise. */
  async check(text: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new EndpointUrlRefused('is not an absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new EndpointUrlRefused(`must be http or https, not ${JSON.stringify(url.protocol.slice(0, 20))}`);
    if (url.username !== '' || url.password !== '')
      throw new EndpointUrlRefused('must not carry user info (user:password@); put credentials in headers or the path');
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    const literal = host.startsWith('[') ? host.slice(1, -1) : host;
    if (this.hosts.has(literal)) return;
    if (METADATA_HOST_NAMES.includes(literal))
      throw new EndpointUrlRefused(`host ${literal} is a cloud metadata service; add it to ENDPOINT_URL_ALLOW if this is intended`);
    let addresses: readonly string[];
    if (isIP(literal) !== 0) addresses = [literal];
    else {
      try {
        addresses = await this.resolve(literal);
      } catch {
        throw new EndpointUrlRefused(`host ${JSON.stringify(literal.slice(0, 253))} does not resolve`);
      }
      if (addresses.length === 0) throw new EndpointUrlRefused(`host ${JSON.stringify(literal.slice(0, 253))} does not resolve`);
    }
    for (const address of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason === undefined || this.allows(address)) continue;
      const via = address === literal ? '' : ` (${JSON.stringify(literal.slice(0, 253))} resolves to it)`;
      throw new EndpointUrlRefused(`host address ${address} is ${reason}${via}; add it to ENDPOINT_URL_ALLOW if this receiver is intended`);
    }
  }

  private allows(address: string): boolean {
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    return this.subnets.some((list) => list.check(address, family));
  }
}

/**
 * An endpoint URL for readers who may not see its secrets (Teams/Slack-style URLs carry
 * their credential in the path): scheme, host and port kept, path and query masked.
 */
export function maskEndpointUrl(text: string): string {
  try {
    const url = new URL(text);
    const hidden = url.pathname.length > 1 || url.search !== '' || url.hash !== '';
    return `${url.protocol}//${url.host}/${hidden ? '***' : ''}`;
  } catch {
    return '***';
  }
}
