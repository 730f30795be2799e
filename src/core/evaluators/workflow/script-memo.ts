/**
 * Several audits read the same `run:` script through the same scanner (commands, writes to the
 * runner's files, remote executions); a scan is a pure function of the script's text, so its result
 * is shared between them. The results are read-only by contract (no caller mutates them). The cache
 * is bounded: it starts over when it holds `limit` scripts, so memory stays proportional to the
 * limit, not to the number of workflows.
 */
export function memoByScript<T>(scan: (script: string) => T, limit = 2048): (script: string) => T {
  const cache = new Map<string, T>();
  return (script) => {
    const hit = cache.get(script);
    if (hit !== undefined) return hit;
    const value = scan(script);
    if (cache.size >= limit) cache.clear();
    cache.set(script, value);
    return value;
  };
}
