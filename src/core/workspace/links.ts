/**
 * Symbolic links inside the checked tree. kubectl, kustomize, Helm and most tools read through a
 * link, so a tracked link to a file of the tree is judged as that file's content at the link's path
 * (a deployable `deploy/pod.yaml` that links to a test fixture is a deployable manifest). Nothing is
 * ever followed out of the tree: a link is resolved component by component, without touching the
 * disk beyond the links themselves, and any step above the root, an absolute target, a directory, a
 * missing file, a loop or a chain too long leaves the link unread, with the reason said.
 */

/** Most links followed to resolve one path (Linux allows 40). */
export const MAX_LINK_HOPS = 32;

/** What a path of the tree is, as the resolver asks it (`link` with the link's text). */
export type TreeNode =
  | { kind: 'file' }
  | { kind: 'dir' }
  | { kind: 'link'; target: string }
  | { kind: 'other' }
  | { kind: 'missing' };

/** Why a link is not read, one of a few, so that reports group them. */
export const LINK_NOT_READ = {
  outside: 'not followed: its target is outside the checked tree',
  directory: 'not followed: it points to a directory',
  dangling: 'not followed: its target does not exist in the tree',
  loop: `not followed: a loop, or a chain of more than ${MAX_LINK_HOPS} links`,
  special: 'not followed: its target is not a regular file',
} as const;

export type LinkResolution =
  /** `target`: the file's path in the tree; `chain`: every link followed on the way (the first is the path itself when it is a link). */
  { ok: true; target: string; chain: string[] } | { ok: false; reason: string; chain: string[] };

/**
 * Resolves `file` (relative, POSIX) within the tree, as the kernel would but never above the root:
 * each component is looked up, a link's text replaces it (relative to the link's directory), `..`
 * climbs within what is resolved so far. The final path must be a file (`lookup` answers `file` only
 * for a regular file of the tree's index); with `directory`, a directory of the tree below its root
 * instead (what a link to a directory stands for: see {@link directoryLinkTarget}).
 */
export function resolveInTree(
  file: string,
  lookup: (p: string) => TreeNode,
  directory = false,
): LinkResolution {
  const done: string[] = [];
  let todo = file.split('/');
  const chain: string[] = [];
  const seen = new Set<string>();
  let hops = 0;
  const fail = (reason: string): LinkResolution => ({ ok: false, reason, chain });
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (done.length === 0) return fail(LINK_NOT_READ.outside);
      done.pop();
      continue;
    }
    if (c.includes('\\') || c.includes('\0')) return fail(LINK_NOT_READ.dangling);
    const p = done.length === 0 ? c : `${done.join('/')}/${c}`;
    const node = lookup(p);
    if (node.kind === 'link') {
      const state = `${p}\0${todo.join('/')}`;
      if (seen.has(state) || ++hops > MAX_LINK_HOPS) return fail(LINK_NOT_READ.loop);
      seen.add(state);
      chain.push(p);
      const t = node.target;
      // An absolute target names a place on the machine, never one of the tree.
      if (t === '' || t.startsWith('/') || t.startsWith('\\') || /^[A-Za-z]:/.test(t))
        return fail(t === '' ? LINK_NOT_READ.dangling : LINK_NOT_READ.outside);
      todo = [...t.split('/'), ...todo];
      continue;
    }
    if (node.kind === 'missing') return fail(LINK_NOT_READ.dangling);
    const last = !todo.some((x) => x !== '' && x !== '.');
    if (node.kind === 'dir') {
      done.push(c);
      if (directory && last && chain.length > 0) return { ok: true, target: done.join('/'), chain };
      continue;
    }
    if (directory) return fail(LINK_NOT_READ.dangling);
    // A file or something else with more to go: no directory to go on in (`a.txt/b`).
    if (!last) return fail(LINK_NOT_READ.dangling);
    if (node.kind === 'other') return fail(LINK_NOT_READ.special);
    done.push(c);
    return { ok: true, target: done.join('/'), chain };
  }
  return fail(done.length === 0 && chain.length === 0 ? LINK_NOT_READ.dangling : LINK_NOT_READ.directory);
}

/** Whether a sorted list holds a path under `dir` (a directory of the tree's index). */
export function hasUnder(sorted: readonly string[], dir: string): boolean {
  const prefix = `${dir}/`;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.startsWith(prefix);
}

/**
 * The directory of the tree a symbolic link to a directory stands for (`deploy/debug -> ../examples`:
 * `examples`), resolved as {@link resolveInTree} resolves a file's link; undefined for a link to a
 * file, to the root, out of the tree, dangling or looping. A link to a directory is never read
 * through (its files are judged at their own paths), but what uses the link's path uses the target.
 */
export function directoryLinkTarget(link: string, lookup: (p: string) => TreeNode): string | undefined {
  const resolved = resolveInTree(link, lookup, true);
  return resolved.ok && resolved.chain.length > 0 ? resolved.target : undefined;
}
