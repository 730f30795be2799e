/**
 * The change under review: which files a pull request touches and which lines of the new version it
 * adds. Two sources give the same shape: git (`base...head`, when the checkout has the history) and
 * the GitHub API's list of pull-request files (each with a unified `patch`). Paths are relative to the
 * top of the repository; {@link DiffIndex} answers questions in the checked root's terms.
 */
import { spawn } from 'node:child_process';

/** 1-based, inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

/** One file of the diff. */
export interface ChangedFile {
  /** Path in the new version (for a deleted file, the path it had). */
  path: string;
  /** The path before a rename or copy. */
  previousPath?: string;
  status: ChangeStatus;
  /** Lines of the new version that the change adds or rewrites (the `+` lines), merged and sorted. */
  added: LineRange[];
  /** The lines are unknown (binary file, or a patch the API left out as too large). */
  linesUnknown?: boolean;
}

/** Changed files of a pull request and where they came from. */
export interface PullRequestDiff {
  source: 'git' | 'api';
  files: ChangedFile[];
  /** Some files could not be listed (the API lists at most 3,000): the diff is partial. */
  truncated: boolean;
}

/** Most bytes of `git diff` output read; a larger diff is left to the API, whose patches are capped. */
export const MAX_DIFF_BYTES = 64 * 1024 * 1024;
const GIT_TIMEOUT_MS = 60_000;

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parses `git diff --raw -p -z --unified=0` output: NUL-separated raw records (exact paths and
 * statuses), an empty record, then the patch with one `diff --git` section per record, in the same
 * order. Only hunk headers are read: with no context lines, a hunk's new side is exactly its added
 * lines. Paths are never parsed from the patch headers, which quote unusual names.
 */
export function parseGitDiff(output: string): ChangedFile[] {
  const end = output.indexOf('\0\0');
  const raw = end >= 0 ? output.slice(0, end) : output;
  const patch = end >= 0 ? output.slice(end + 2) : '';
  const files = parseRaw(raw);
  const sections = patch.split(/^diff --git /m).slice(1);
  if (sections.length !== files.length) {
    // Should not happen; without a reliable pairing the lines are unknown rather than wrong.
    for (const f of files) if (f.status !== 'deleted') f.linesUnknown = true;
    return files;
  }
  files.forEach((file, i) => {
    const section = sections[i]!;
    if (file.status === 'deleted') return;
    if (/^Binary files .* differ$/m.test(section)) {
      file.linesUnknown = true;
      return;
    }
    const ranges: LineRange[] = [];
    for (const line of section.split('\n')) {
      const m = HUNK.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) ranges.push({ start, end: start + count - 1 });
    }
    file.added = mergeRanges(ranges);
  });
  return files;
}

/** `:mode mode sha sha STATUS\0path\0[path\0]` records, as `git diff --raw -z` writes them. */
function parseRaw(raw: string): ChangedFile[] {
  const fields = raw.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length; ) {
    const meta = fields[i++]!;
    const m = /^:\d+ \d+ [0-9a-f]+ [0-9a-f]+ ([A-Z])\d*$/.exec(meta);
    if (!m) continue;
    const letter = m[1]!;
    const first = fields[i++] ?? '';
    if (letter === 'R' || letter === 'C') {
      const second = fields[i++] ?? '';
      files.push({
        path: second,
        previousPath: first,
        status: letter === 'R' ? 'renamed' : 'copied',
        added: [],
      });
      continue;
    }
    const status: ChangeStatus =
      letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : letter === 'T' ? 'type-changed' : 'modified';
    files.push({ path: first, status, added: [] });
  }
  return files;
}

/**
 * The added lines of a unified patch as the API returns it (with context lines). Lines are counted on
 * the new side: context and `+` lines advance it, `-` lines and `\ No newline` markers do not.
 */
export function parsePatch(patch: string): LineRange[] {
  const ranges: LineRange[] = [];
  let line = 0;
  let inHunk = false;
  for (const text of patch.split('\n')) {
    const m = HUNK.exec(text);
    if (m) {
      line = Number(m[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk || text === '') continue;
    const mark = text[0];
    if (mark === '+') {
      ranges.push({ start: line, end: line });
      line += 1;
    } else if (mark === ' ') {
      line += 1;
    }
  }
  return mergeRanges(ranges);
}

/** Maps an API pull-request file status to ours; `unchanged` files are dropped by the caller. */
export function apiStatus(status: string): ChangeStatus | undefined {
  switch (status) {
    case 'added':
      return 'added';
    case 'removed':
      return 'deleted';
    case 'modified':
    case 'changed':
      return 'modified';
    case 'renamed':
      return 'renamed';
    case 'copied':
      return 'copied';
    default:
      return undefined;
  }
}

/** Sorted, with overlapping and adjacent ranges joined. */
export function mergeRanges(ranges: LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/**
 * Runs `git diff base...head` in `dir` (three dots: against the merge base, as GitHub shows a pull
 * request) and parses it. Undefined when git fails, a commit is missing (shallow checkout) or the
 * output exceeds {@link MAX_DIFF_BYTES}.
 */
export async function gitDiff(dir: string, base: string, head: string): Promise<ChangedFile[] | undefined> {
  if (!isCommitId(base) || !isCommitId(head)) return undefined;
  const out = await gitOutput(dir, [
    'diff',
    '--raw',
    '-p',
    '-z',
    '--unified=0',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--find-renames',
    `${base}...${head}`,
    '--',
  ]);
  return out === undefined ? undefined : parseGitDiff(out.toString('utf8'));
}

/** A full or abbreviated hexadecimal object id: never an option, a range or a path. */
export function isCommitId(ref: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(ref);
}

/**
 * Runs git read-only with an argument array (no shell) and bounded output; undefined on any failure.
 * `input` is written to its standard input (for `cat-file --batch`).
 */
export function gitOutput(
  cwd: string,
  args: string[],
  options: { input?: string; maxBytes?: number } = {},
): Promise<Buffer | undefined> {
  const maxBytes = options.maxBytes ?? MAX_DIFF_BYTES;
  return new Promise((resolve) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], {
      cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'],
      timeout: GIT_TIMEOUT_MS,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    child.stdout!.on('data', (b: Buffer) => {
      size += b.length;
      if (size > maxBytes) {
        failed = true;
        child.kill();
        return;
      }
      chunks.push(b);
    });
    child.on('error', () => {
      failed = true;
    });
    child.on('close', (code) => resolve(failed || code !== 0 ? undefined : Buffer.concat(chunks)));
    if (options.input !== undefined) {
      child.stdin!.on('error', () => {
        failed = true;
      });
      child.stdin!.end(options.input);
    }
  });
}

/**
 * Answers diff questions in the checked root's terms: `prefix` is the root's path from the top of the
 * repository (`services/api/`, or empty), which the diff's paths carry and findings' paths do not.
 */
export class DiffIndex {
  private readonly byPath = new Map<string, ChangedFile>();

  constructor(
    readonly diff: PullRequestDiff,
    private readonly prefix = '',
  ) {
    for (const f of diff.files) {
      if (f.status === 'deleted' || !f.path.startsWith(prefix)) continue;
      this.byPath.set(f.path.slice(prefix.length), f);
    }
  }

  /** Where a renamed file was before (root-relative), when the diff says it was renamed. */
  previousPath(path: string): string | undefined {
    const f = this.byPath.get(path);
    if (f?.status !== 'renamed' || !f.previousPath?.startsWith(this.prefix)) return undefined;
    return f.previousPath.slice(this.prefix.length);
  }

  /** The changed file at a root-relative path (deleted files are not there). */
  file(path: string): ChangedFile | undefined {
    return this.byPath.get(path);
  }

  /** The root-relative paths the pull request adds or changes (deleted files are not there). */
  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** Whether the pull request touches this root-relative path. */
  isChanged(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The first added line within [start, end], or undefined: where an inline comment may go. */
  firstAddedLine(path: string, start: number, end = start): number | undefined {
    const file = this.byPath.get(path);
    if (!file) return undefined;
    for (const r of file.added) {
      if (r.end < start) continue;
      if (r.start > end) break;
      return Math.max(r.start, start);
    }
    return undefined;
  }

  /** Whether any line of [start, end] is an added line. */
  touches(path: string, start: number, end = start): boolean {
    return this.firstAddedLine(path, start, end) !== undefined;
  }
}
