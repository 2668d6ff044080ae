import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Which addresses a server-side request to a configured URL may connect to: public unicast only,
 * unless an address lies in a CIDR the operator allow-listed explicitly (local test portals).
 *
 * Everything ipaddr.js does not class as plain `unicast` is refused: loopback, RFC 1918 private,
 * link-local (with the cloud metadata address 169.254.169.254), CGNAT 100.64/10, unique local
 * fc00::/7, unspecified (0.0.0.0, ::), broadcast, multicast, reserved, and the IPv6 forms that
 * embed an IPv4 address another hop may translate (6to4, Teredo, NAT64). An IPv4-mapped IPv6
 * address (::ffff:127.0.0.1) is judged as the IPv4 address it maps.
 */
export class AddressPolicy {
  private readonly allowed: [Address, number][];

  /** `allowedCidrs`: e.g. ["127.0.0.1/32", "::1/128"]; a bare address means that one address. */
  constructor(allowedCidrs: readonly string[] = []) {
    this.allowed = allowedCidrs.map(parseCidr);
  }

  /** Comma-separated CIDR list (env OUTBOUND_ALLOWED_CIDRS); empty allows nothing extra. */
  static fromList(list: string | undefined): AddressPolicy {
    return new AddressPolicy(splitList(list));
  }

  /** A readable reason when a CIDR list is unusable, for boot-time config validation. */
  static problemWith(list: string): string | null {
    try {
      AddressPolicy.fromList(list);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Why a connection to `address` is refused (its range's name), or null when it may go ahead. */
  refusal(address: string): string | null {
    const ip = normalise(address);
    if (!ip) return 'not an IP address';
    if (this.isAllowListed(ip)) return null;
    return refusedRange(ip);
  }

  /** Whether `address` is in an allow-listed CIDR (plain http is accepted only there). */
  isAllowListed(address: string | Address): boolean {
    const ip = typeof address === 'string' ? normalise(address) : address;
    return !!ip && this.allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  }
}

/** The range name of an address that is not public unicast, or null (ignores any allow-list). */
export function refusedRange(address: string | Address): string | null {
  const ip = typeof address === 'string' ? normalise(address) : address;
  if (!ip) return 'not an IP address';
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

function normalise(address: string): Address | null {
  const bare = address.replace(/^\[|\]$/g, '');
  // ipaddr.js also accepts legacy IPv4 forms (0x7f.1, 2130706433); the resolver and the URL parser
  // never hand us those, and a literal is judged by what it means, so parse them the same way.
  if (!ipaddr.isValid(bare)) return null;
  const ip = ipaddr.parse(bare);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()
    ? (ip as ipaddr.IPv6).toIPv4Address()
    : ip;
}

function parseCidr(entry: string): [Address, number] {
  const cidr = entry.includes('/') ? entry : `${entry}/${ipaddr.IPv6.isValid(entry) ? 128 : 32}`;
  try {
    const [ip, bits] = ipaddr.parseCIDR(cidr);
    return [ip, bits];
  } catch {
    throw new Error(`"${entry}" is not a CIDR (e.g. 127.0.0.1/32, ::1/128)`);
  }
}

function splitList(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
