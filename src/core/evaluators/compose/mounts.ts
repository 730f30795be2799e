import { isMap } from '../../parsers/k8s.js';
import { composeBoolean } from '../../parsers/yaml-boolean.js';

/** A bind mount of a service: the host path it mounts and whether the container may write there. */
export interface BindMount {
  /** The host path as written (trimmed). */
  source: string;
  readOnly: boolean;
}

/**
 * The bind mount a `volumes:` entry declares: the short syntax `SOURCE:TARGET[:OPTIONS]` whose source
 * is a path (absolute, `~`, or a variable), or a long-syntax entry of `type: bind` (or no type) with a
 * `source`. Undefined for named volumes, tmpfs, and a lone `TARGET` (an anonymous volume). Read-only
 * is the `ro` option of the short syntax and `read_only: true` (or another value Compose reads as true,
 * see {@link composeBoolean}) of the long one.
 */
export function bindMount(entry: unknown): BindMount | undefined {
  if (typeof entry === 'string') {
    const colon = entry.indexOf(':');
    if (colon <= 0) return undefined;
    const source = entry.slice(0, colon).trim();
    const rest = entry.slice(colon + 1);
    const options = rest.includes(':') ? rest.slice(rest.lastIndexOf(':') + 1) : '';
    const readOnly = options.split(',').some((o) => o.trim() === 'ro');
    return { source, readOnly };
  }
  if (
    isMap(entry) &&
    (entry.type === 'bind' || entry.type === undefined) &&
    typeof entry.source === 'string'
  ) {
    const ro = entry.read_only;
    return {
      source: entry.source.trim(),
      readOnly: composeBoolean(ro) === true,
    };
  }
  return undefined;
}

/**
 * An absolute host path in a canonical form: doubled slashes, `.` and a trailing slash removed, `..`
 * resolved (never above `/`). Undefined for a path that is not absolute.
 */
export function canonicalHostPath(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
