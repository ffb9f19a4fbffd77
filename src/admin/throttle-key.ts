import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client's failures are counted under. An IPv6 client is its /64 prefix: one host is usually
 * given a whole /64, so counting its single addresses would let it try once from each of 2^64 of them.
 * An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, a dual-stack socket's IPv4 client) is its IPv4
 * address, so one client has one key whichever way it connected. Anything else is kept as it is.
 */
export function throttleKey(address: string): string {
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, `::` expanded, a dotted IPv4 tail split); undefined for anything else. */
function ipv6Groups(address: string): number[] | undefined {
  const [bare = ''] = address.split('%', 1);
  if (!isIPv6(bare)) return undefined;
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((piece) => {
          if (!piece.includes('.')) return [parseInt(piece, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = bare.split('::', 2);
  const before = toGroups(head);
  const after = tail === undefined ? [] : toGroups(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}
