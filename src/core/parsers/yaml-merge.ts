/**
 * YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) as the readers that honour them apply them: the
 * YAML 1.1 merge type, which go-yaml (kubectl, Helm, Argo CD) implements. The project's YAML reader
 * keeps `<<` as an ordinary key, as GitHub's does, so a reader of another tool's files expands them
 * here: a mapping's own keys win, then the merged mappings in the order listed.
 */

/** Bound on nesting followed (the reader bounds a document's depth at 100; merges add to it). */
const MAX_DEPTH = 256;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value with every merge key expanded; the value itself when it holds none. The input is not
 * changed (parses are shared), and a node reached through several aliases is expanded once, so the
 * work follows the parsed nodes, not what aliases would expand to.
 */
export function resolveMergeKeys(value: unknown): unknown {
  const done = new Map<object, unknown>();
  const busy = new Set<object>();
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const known = done.get(v);
    if (known !== undefined) return known;
    // A node inside itself (an alias to an anchor still open) is left as written.
    if (busy.has(v) || depth > MAX_DEPTH) return v;
    busy.add(v);
    let out: unknown;
    if (Array.isArray(v)) {
      const items = v.map((x) => visit(x, depth + 1));
      out = items.some((x, i) => x !== v[i]) ? items : v;
    } else {
      out = expandMap(v as Record<string, unknown>, depth);
    }
    busy.delete(v);
    done.set(v, out);
    return out;
  };
  const expandMap = (map: Record<string, unknown>, depth: number): Record<string, unknown> => {
    let changed = Object.hasOwn(map, '<<');
    // Defined own properties (fromEntries), so a key `__proto__` stays a key.
    const entries: [string, unknown][] = [];
    for (const [k, x] of Object.entries(map)) {
      if (k === '<<') continue;
      const y = visit(x, depth + 1);
      if (y !== x) changed = true;
      entries.push([k, y]);
    }
    if (!changed) return map;
    if (Object.hasOwn(map, '<<')) {
      const seen = new Set(entries.map(([k]) => k));
      const merged = map['<<'];
      const sources = Array.isArray(merged) ? merged : [merged];
      for (const source of sources) {
        const resolved = visit(source, depth + 1);
        if (!isMap(resolved)) continue;
        for (const [k, x] of Object.entries(resolved)) {
          if (seen.has(k)) continue;
          seen.add(k);
          entries.push([k, x]);
        }
      }
    }
    return Object.fromEntries(entries);
  };
  return visit(value, 0);
}
