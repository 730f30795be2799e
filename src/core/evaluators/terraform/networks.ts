/**
 * Which firewall sources and destinations are the whole internet: a prefix of length 0 (or Azure's
 * names for it), a half of every address, or a set of prefixes of one family whose union is every
 * address (`0.0.0.0/1` with `128.0.0.0/1`), computed by prefix arithmetic.
 */

/** Any IPv4 or IPv6 prefix of length 0 is every address; Azure also names it `*`, `Internet`, `Any`. */
export function isAnywhere(source: string, azure: boolean): boolean {
  const s = source.trim();
  if (/\/0$/.test(s)) return true;
  return azure && ['*', 'internet', 'any'].includes(s.toLowerCase());
}

/**
 * The sources of a rule that let in every address: each that is anywhere by itself, and, when the
 * rule's prefixes of one address family together cover the whole space (`0.0.0.0/1` and
 * `128.0.0.0/1`, or any set whose union is every address), each of those.
 */
export function worldSources<S extends { value: string }>(sources: S[], azure: boolean): S[] {
  // Half of every address (a /1) is the internet to a scanner too.
  const alone = sources.filter((s) => isAnywhere(s.value, azure) || (prefixOf(s.value)?.length ?? 2) <= 1);
  const together = (['v4', 'v6'] as const).flatMap((family) => {
    const parts = sources.flatMap((s) => {
      const p = prefixOf(s.value);
      return p && p.family === family && !isAnywhere(s.value, azure) ? [{ source: s, ...p }] : [];
    });
    return parts.length > 1 && covers(parts, family === 'v4' ? 32 : 128) ? parts.map((p) => p.source) : [];
  });
  return together.length === 0 ? alone : sources.filter((s) => alone.includes(s) || together.includes(s));
}

/** An IPv4 or IPv6 CIDR block as its network bits; undefined for anything else. */
function prefixOf(text: string): { family: 'v4' | 'v6'; bits: bigint; length: number } | undefined {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const length = Number(m[2]);
  const address = m[1]!;
  if (address.includes(':')) {
    if (length > 128) return undefined;
    const halves = address.split('::');
    if (halves.length > 2) return undefined;
    const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
    const missing = 8 - groups.flat().length;
    if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
    const all =
      halves.length === 2 ? [...groups[0]!, ...Array(missing).fill('0'), ...groups[1]!] : groups[0]!;
    if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    const bits = all.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
    return { family: 'v6', bits, length };
  }
  const octets = address.split('.');
  if (octets.length !== 4 || length > 32 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) < 256))
    return undefined;
  return { family: 'v4', bits: octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n), length };
}

/** Whether prefixes of one family (`width` bits) together cover every address. */
function covers(prefixes: { bits: bigint; length: number }[], width: number): boolean {
  const ranges = prefixes
    .map(({ bits, length }) => {
      const size = 1n << BigInt(width - length);
      const start = (bits / size) * size;
      return [start, start + size] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let reached = 0n;
  for (const [start, end] of ranges) {
    if (start > reached) return false;
    if (end > reached) reached = end;
  }
  return reached === 1n << BigInt(width);
}
