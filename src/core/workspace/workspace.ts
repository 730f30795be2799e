import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { listFiles } from './files.js';
import { LineIndex } from './lines.js';
import { parseYaml, type YamlResult } from './yaml.js';

/** Default cap on bytes read from one file; larger files are listed but not scanned. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** Git's heuristic: a NUL byte in the first 8,000 bytes means binary. */
const BINARY_SNIFF_BYTES = 8000;

export type FileContent =
  | { kind: 'text'; text: string; lines: LineIndex }
  | { kind: 'binary'; size: number; head: Buffer }
  | { kind: 'too-large'; size: number }
  | { kind: 'symlink' }
  | { kind: 'unreadable'; reason: string };

/** A located problem with an input file (broken YAML, unreadable file) found while evaluating. */
export interface InputProblem {
  path: string;
  message: string;
  line: number;
  column: number;
}

export interface WorkspaceOptions {
  include?: string[];
  exclude?: string[];
  maxFileBytes?: number;
  /** Use this file list instead of indexing the tree (tests, base trees). */
  files?: string[];
}

const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true };

/**
 * The tree under evaluation. One file index per run; each file read at most once and shared by every
 * rule; parsers run once per file. Never follows a symbolic link and never reads outside `root`.
 */
export class Workspace {
  readonly root: string;
  readonly files: readonly string[];
  /**
   * Every file of the index, before `include`/`exclude`: what exists in the repository (evidence
   * for a declared control may sit in a path no rule scans).
   */
  readonly indexed: readonly string[];
  readonly indexSource: 'git' | 'walk' | 'given';
  readonly maxFileBytes: number;
  private readonly fileSet: Set<string>;
  private readonly contents = new Map<string, FileContent>();
  private readonly yamlCache = new Map<string, YamlResult>();
  private readonly problems = new Map<string, InputProblem>();
  private readonly matchers = new Map<string, (p: string) => boolean>();
  private readonly memos = new Map<string, unknown>();
  /** The root with symbolic links resolved, computed once (every read checks against it). */
  private realRoot: string | undefined;

  constructor(root: string, options: WorkspaceOptions = {}) {
    this.root = path.resolve(root);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    let files: string[];
    if (options.files) {
      files = [...options.files];
      this.indexSource = 'given';
    } else {
      const listed = listFiles(this.root);
      files = listed.files;
      this.indexSource = listed.source;
    }
    const include = options.include?.length ? picomatch(options.include, GLOB_OPTIONS) : undefined;
    const exclude = options.exclude?.length ? picomatch(options.exclude, GLOB_OPTIONS) : undefined;
    this.indexed = files;
    this.files = files.filter((f) => (!include || include(f)) && !exclude?.(f));
    this.fileSet = new Set(this.files);
  }

  has(file: string): boolean {
    return this.fileSet.has(file);
  }

  /** Files matching any of the globs (picomatch syntax, dotfiles included), in index order. */
  glob(patterns: string | readonly string[]): string[] {
    const list = typeof patterns === 'string' ? [patterns] : patterns;
    if (list.length === 0) return [];
    const match = this.matcher(list);
    return this.files.filter((f) => match(f));
  }

  /** A compiled, cached matcher for a set of globs. */
  matcher(patterns: readonly string[]): (p: string) => boolean {
    const key = patterns.join('\u0000');
    let m = this.matchers.get(key);
    if (!m) {
      m = picomatch([...patterns], GLOB_OPTIONS);
      this.matchers.set(key, m);
    }
    return m;
  }

  /** Reads a file once (cached): text, or the reason it is not scanned as text. */
  read(file: string): FileContent {
    let content = this.contents.get(file);
    if (!content) {
      content = this.load(file);
      this.contents.set(file, content);
    }
    return content;
  }

  /** The file's text, or undefined when it is binary, too large, a symlink or unreadable. */
  text(file: string): string | undefined {
    const c = this.read(file);
    return c.kind === 'text' ? c.text : undefined;
  }

  /** Parsed YAML (cached). A parse failure is also recorded as an input problem of the file. */
  yaml(file: string): YamlResult | undefined {
    const cached = this.yamlCache.get(file);
    if (cached) return cached;
    const text = this.text(file);
    if (text === undefined) return undefined;
    const result = parseYaml(text);
    this.yamlCache.set(file, result);
    if (!result.ok) this.reportProblem({ path: file, ...result.error });
    return result;
  }

  /**
   * Caches the result of a parser (or any per-file computation) so that every rule shares it:
   * `workspace.memo('dockerfile', file, () => parseDockerfile(text))`.
   */
  memo<T>(kind: string, file: string, compute: () => T): T {
    const key = `${kind}\u0000${file}`;
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** Records a located problem with an input file; the first problem per file wins. */
  reportProblem(problem: InputProblem): void {
    if (!this.problems.has(problem.path)) this.problems.set(problem.path, problem);
  }

  /** Problems recorded so far, sorted by path. */
  inputProblems(): InputProblem[] {
    return [...this.problems.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private load(file: string): FileContent {
    if (!this.fileSet.has(file) || !isSafeRelative(file)) {
      return { kind: 'unreadable', reason: 'not in the workspace index' };
    }
    const abs = path.join(this.root, file);
    let fd: number | undefined;
    try {
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) return { kind: 'symlink' };
      if (!st.isFile()) return { kind: 'unreadable', reason: 'not a regular file' };
      // A parent directory may itself be a symlink pointing out of the tree.
      // The native realpath is one call; the JavaScript one lstats every path component.
      const real = realpathSync.native(abs);
      this.realRoot ??= realpathSync.native(this.root);
      const realRoot = this.realRoot;
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        return { kind: 'symlink' };
      }
      fd = openSync(abs, 'r');
      const size = fstatSync(fd).size;
      const sniff = Buffer.allocUnsafe(Math.min(size, BINARY_SNIFF_BYTES));
      const sniffed = readSync(fd, sniff, 0, sniff.length, 0);
      const head = sniff.subarray(0, sniffed);
      if (head.includes(0)) return { kind: 'binary', size, head };
      if (size > this.maxFileBytes) return { kind: 'too-large', size };
      // Only the bytes read are used (subarray below), so the buffers need no zero-filling.
      const buf = Buffer.allocUnsafe(size);
      // The sniffed head is the start of the file: only the rest needs reading.
      head.copy(buf);
      let read = sniffed;
      while (read < size) {
        const n = readSync(fd, buf, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      let text = buf.subarray(0, read).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { kind: 'text', text, lines: new LineIndex(text) };
    } catch (err) {
      return { kind: 'unreadable', reason: (err as NodeJS.ErrnoException).code ?? String(err) };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** Rejects absolute paths and any `..` segment. */
function isSafeRelative(file: string): boolean {
  if (path.isAbsolute(file) || file.includes('\0')) return false;
  return !file.split(/[\\/]/).includes('..');
}
