/**
 * Each tracked file's content id, as git knows it: the mode and blob id of its index entry, for the
 * files whose working-tree copy git says is unmodified. A file git reports modified (or merely
 * touched since the index was written: git compares the file's stat with the index first), untracked
 * or absent from the index has no id here, so it is read and evaluated as if there were no cache.
 */
import { execFile } from 'node:child_process';

/** `<mode> <blob id>` by path relative to the checked root. */
export type BlobIds = ReadonlyMap<string, string>;

const GIT_OPTIONS = { maxBuffer: 1024 * 1024 * 1024, encoding: 'buffer' } as const;

function git(root: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: root, ...GIT_OPTIONS }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
  });
}

/** Splits git's `-z` output into its entries. */
function entries(out: Buffer): string[] {
  const list: string[] = [];
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    if (end > start) list.push(out.toString('utf8', start, end));
    start = end + 1;
  }
  return list;
}

/**
 * The content ids of the unmodified tracked files under `root` (paths relative to it, as git prints
 * them from there); empty when git cannot tell (not a work tree), so nothing is taken from a cache.
 */
export async function blobIds(root: string): Promise<BlobIds> {
  try {
    const [staged, modified] = await Promise.all([
      git(root, ['ls-files', '-z', '--stage']),
      // Everything whose working-tree copy differs from the index, stat-only differences included.
      git(root, ['diff-files', '-z', '--name-only', '--relative', '--no-renames']),
    ]);
    const changed = new Set(entries(modified));
    const ids = new Map<string, string>();
    for (const e of entries(staged)) {
      // `<mode> <oid> <stage>\t<path>`; a conflicted path (stage 1-3) has no single content.
      const tab = e.indexOf('\t');
      const [mode, oid, stage] = e.slice(0, tab).split(' ');
      const file = e.slice(tab + 1);
      if (tab < 0 || stage !== '0' || !mode || !oid || changed.has(file)) continue;
      ids.set(file, `${mode} ${oid}`);
    }
    return ids;
  } catch {
    return new Map();
  }
}
