/**
 * Git's index read from `.git/index` itself, as `git ls-files -z -t --stage` would list it: the
 * tracked paths, sorted, each once, without submodules (mode 160000) or skip-worktree entries (a
 * sparse checkout), and with each path's `<mode> <object id>` when asked. A pull request's run
 * lists 100,000 files this way in about a third of the CPU that starting git, letting it print
 * 8.5 MB and parsing them took (docs/performance.md).
 *
 * Only the plain case is read here: a `.git` directory, or a `.git` file naming the work tree's own
 * git directory (`gitdir: <path>`, as a linked work tree or a submodule has it). Anything else
 * answers undefined and the caller asks git: an index or repository named by the environment
 * (`GIT_DIR`, `GIT_INDEX_FILE`, ...), SHA-256 object ids, a split index, a sparse index, an index
 * version other than 2, 3 or 4, or anything out of bounds.
 *
 * Format: https://git-scm.com/docs/index-format (read, not copied: header `DIRC`, version, count;
 * entries of 40 bytes of stat data, the 20-byte object id, 16 bits of flags, 16 more with the
 * extended flag (v3+), then the path: NUL-padded to 8 bytes (v2, v3) or prefix-compressed (v4)).
 */
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Environment variables with which git would read another repository or index than `.git/index`. */
const GIT_LOCATION_VARIABLES = [
  'GIT_DIR',
  'GIT_INDEX_FILE',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_NAMESPACE',
];

/** An index larger than this is left to git (the 100,000-file bench's is 10 MB). */
const MAX_INDEX_BYTES = 512 * 1024 * 1024;

const SHA1_BYTES = 20;
/** Stat data (40 bytes) and the object id before the flags. */
const FLAGS_AT = 40 + SHA1_BYTES;
const EXTENDED = 0x4000;
const SKIP_WORKTREE = 0x4000;
const NAME_MASK = 0xfff;
const GITLINK = 0o160000;
const SYMLINK = 0o120000;
/** Extensions after which the entries are not the whole index: a split index, a sparse index. */
const UNREAD_EXTENSIONS = new Set(['link', 'sdir']);

/** An index as read here: its listing, and the tree object its whole content is, when git recorded it. */
export interface GitIndex {
  files: string[];
  /** The paths that are symbolic links (mode 120000), sorted (see `Workspace.symbolicLinks`). */
  links: string[];
  /** Each path's `<mode> <object id>`, when asked for. */
  ids?: Map<string, string>;
  /**
   * The object id of the tree whose content is exactly the index's (the root of the cache-tree
   * extension, when git keeps it valid): a diff against it is a diff against the index.
   */
  tree?: string;
}

/**
 * An index read for its tree ({@link indexTree}) and kept for the listing that follows it in the
 * same run, by its file's identity (path, inode, size, times); taken by the first listing, so no two
 * callers ever share its lists.
 */
let kept: { key: string; index: GitIndex } | undefined;

/**
 * The index of the work tree at `root` (its top), or undefined when it is not the plain case this
 * reads (see the module's comment). The index {@link indexTree} read just before is taken instead of
 * reading it again when it is the same file. `withIds`: with each path's `<mode> <object id>`.
 */
export function gitIndex(root: string, withIds = false): GitIndex | undefined {
  const found = locate(root);
  if (!found) return undefined;
  const taken = kept;
  kept = undefined;
  if (taken?.key === found.key && (!withIds || taken.index.ids)) return taken.index;
  return read(found.file, withIds);
}

/**
 * The object id of the tree git recorded as the index's whole content (see {@link GitIndex.tree}),
 * or undefined; the index read is kept for the listing that follows (see {@link gitIndex}).
 */
export function indexTree(root: string): string | undefined {
  const found = locate(root);
  const index = found && read(found.file, false);
  kept = found && index ? { key: found.key, index } : undefined;
  return index?.tree;
}

/** The index file of the plain case, and its identity; undefined otherwise. */
function locate(root: string): { file: string; key: string } | undefined {
  if (GIT_LOCATION_VARIABLES.some((v) => process.env[v] !== undefined)) return undefined;
  try {
    const dirs = gitDirectories(path.join(root, '.git'));
    if (!dirs) return undefined;
    const file = path.join(dirs.gitDir, 'index');
    const st = lstatSync(file);
    if (!st.isFile() || st.size > MAX_INDEX_BYTES) return undefined;
    // SHA-256 repositories say so in their configuration (extensions.objectFormat), which a linked
    // work tree shares with its main one.
    if (/objectformat/i.test(readFileSync(path.join(dirs.commonDir, 'config'), 'latin1'))) return undefined;
    return { file, key: `${file}\u0000${st.ino}\u0000${st.size}\u0000${st.mtimeMs}\u0000${st.ctimeMs}` };
  } catch {
    return undefined;
  }
}

/** A `.git` file is one line, `gitdir: <path>`; anything longer is not one git wrote. */
const MAX_GITFILE_BYTES = 4096;

/**
 * The git directory of a work tree from its `.git`: the directory itself, or the one a `.git` file
 * names (relative to the work tree when not absolute), with the common directory whose
 * configuration it shares (its `commondir` file: a linked work tree's main `.git`). Undefined for
 * anything else.
 */
function gitDirectories(dotGit: string): { gitDir: string; commonDir: string } | undefined {
  const st = lstatSync(dotGit);
  if (st.isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
  if (!st.isFile() || st.size > MAX_GITFILE_BYTES) return undefined;
  const named = /^gitdir: ([^\r\n]+)\r?\n?$/.exec(readFileSync(dotGit, 'utf8'));
  if (!named) return undefined;
  const gitDir = path.resolve(path.dirname(dotGit), named[1]!);
  if (!lstatSync(gitDir).isDirectory()) return undefined;
  let commonDir = gitDir;
  try {
    commonDir = path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return { gitDir, commonDir };
}

function read(file: string, withIds: boolean): GitIndex | undefined {
  try {
    return parseGitIndex(readFileSync(file), withIds);
  } catch {
    return undefined;
  }
}

/** An index file's bytes, read as {@link gitIndex} says; undefined when they are not the plain case. */
export function parseGitIndex(buf: Buffer, withIds = false): GitIndex | undefined {
  const ids = withIds ? new Map<string, string>() : undefined;
  if (buf.length < 12 + SHA1_BYTES || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const count = buf.readUInt32BE(8);
  const end = buf.length - SHA1_BYTES;
  const files: string[] = [];
  const links: string[] = [];
  let sorted = true;
  let last = '';
  // Version 4: each path is the previous one's bytes, less some at its end, plus its own.
  let previous = version === 4 ? Buffer.alloc(256) : undefined;
  let previousLength = 0;
  let at = 12;
  for (let i = 0; i < count; i++) {
    const entry = at;
    if (at + FLAGS_AT + 2 > end) return undefined;
    // Bytes read by hand: Buffer's readUInt*BE are calls that cost 4x as much in a loop run once.
    const mode = ((buf[at + 24]! << 24) | (buf[at + 25]! << 16) | (buf[at + 26]! << 8) | buf[at + 27]!) >>> 0;
    const flags = (buf[at + FLAGS_AT]! << 8) | buf[at + FLAGS_AT + 1]!;
    let nameAt = at + FLAGS_AT + 2;
    let skipped = false;
    if (flags & EXTENDED) {
      if (version < 3 || nameAt + 2 > end) return undefined;
      skipped = (buf[nameAt]! & (SKIP_WORKTREE >> 8)) !== 0;
      nameAt += 2;
    }
    let name: string;
    if (previous) {
      // git's varint: 7 bits a byte, most significant first, each continuation adding one.
      let byte = buf[nameAt++];
      if (byte === undefined) return undefined;
      let strip = byte & 0x7f;
      while (byte & 0x80) {
        byte = buf[nameAt++];
        if (byte === undefined || strip > previousLength) return undefined;
        strip = ((strip + 1) << 7) + (byte & 0x7f);
      }
      const nul = buf.indexOf(0, nameAt);
      if (nul < 0 || nul >= end || strip > previousLength) return undefined;
      const length = previousLength - strip + (nul - nameAt);
      if (length > previous.length) {
        const grown = Buffer.alloc(Math.max(length, previous.length * 2));
        previous.copy(grown, 0, 0, previousLength - strip);
        previous = grown;
      }
      buf.copy(previous, previousLength - strip, nameAt, nul);
      previousLength = length;
      name = previous.toString('utf8', 0, length);
      at = nul + 1;
    } else {
      const declared = flags & NAME_MASK;
      const nul = declared < NAME_MASK ? nameAt + declared : buf.indexOf(0, nameAt);
      if (nul < nameAt || nul >= end || buf[nul] !== 0) return undefined;
      name = buf.toString('utf8', nameAt, nul);
      // The entry is padded with 1-8 NULs to a multiple of 8 bytes.
      at += (nameAt - at + (nul - nameAt) + 8) & ~7;
    }
    if (skipped || (mode & 0o170000) === GITLINK) continue;
    if ((mode & 0o170000) === 0o040000) return undefined; // a directory: a sparse index
    if (name === last) {
      ids?.delete(name); // a conflicted path: no one blob is its content
      continue;
    }
    if (name < last) sorted = false;
    files.push(name);
    if ((mode & 0o170000) === SYMLINK) links.push(name);
    last = name;
    ids?.set(name, `${mode.toString(8)} ${buf.toString('hex', entry + 40, entry + FLAGS_AT)}`);
  }
  // The extensions, up to the checksum: one the entries do not account for means git must answer.
  let tree: string | undefined;
  while (at < end) {
    if (at + 8 > end) return undefined;
    const signature = buf.toString('latin1', at, at + 4);
    if (UNREAD_EXTENSIONS.has(signature)) return undefined;
    const size = buf.readUInt32BE(at + 4);
    if (signature === 'TREE') tree = rootTree(buf, at + 8, Math.min(at + 8 + size, end));
    at += 8 + size;
  }
  if (at !== end) return undefined;
  return {
    files: sorted ? files : [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    links: sorted ? links : [...new Set(links)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    ...(ids ? { ids } : {}),
    ...(tree ? { tree } : {}),
  };
}

/**
 * The root entry of the cache-tree extension: an empty path, NUL, `<entries> <subtrees>` and a
 * line feed, then the tree's object id unless the entry count is -1 (invalidated by a change).
 */
function rootTree(buf: Buffer, from: number, to: number): string | undefined {
  if (buf[from] !== 0) return undefined;
  const lf = buf.indexOf(0x0a, from + 1);
  if (lf < 0 || lf + 1 + SHA1_BYTES > to) return undefined;
  const counts = /^(-?\d+) (\d+)$/.exec(buf.toString('latin1', from + 1, lf));
  if (!counts || Number(counts[1]) < 0) return undefined;
  return buf.toString('hex', lf + 1, lf + 1 + SHA1_BYTES);
}
