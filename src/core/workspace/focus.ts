/**
 * The changed-files view of a tree, for pull requests: the rules whose findings are per file (see
 * `Evaluator.scope`) list only the files the change touches, while every lookup of another file
 * (does the lockfile exist, what does the base have) still answers for the whole tree. Reads,
 * parses and recorded input problems go to the whole tree's caches, so a file is read and parsed
 * once whichever view asks first.
 */

import { compareStrings } from './files.js';
import { type FileContent, type InputProblem, PER_FILE_MEMOS, Workspace } from './workspace.js';
import type { YamlResult } from './yaml.js';

export class FocusedWorkspace extends Workspace {
  private readonly focus: ReadonlySet<string>;
  /**
   * Files listed only as the targets of changed links (see {@link ofChange}): the rules judge them so
   * that their findings at a link can be told from the target's, but the target's own findings are
   * not the change's.
   */
  readonly references: ReadonlySet<string>;

  /**
   * The changed-files view of a change's paths. A changed path that is a symbolic link to another file
   * of the tree (see `Workspace.aliasOf`) brings that file along as a reference: a link the change
   * adds, or a file it turns into a link, says what the file it leads to says, which is not new.
   */
  static ofChange(whole: Workspace, paths: Iterable<string>): FocusedWorkspace {
    const listed = [...new Set(paths)].filter((f) => whole.has(f));
    const changed = new Set(listed);
    const references = new Set<string>();
    for (const f of listed) {
      const target = whole.aliasOf(f);
      if (target !== undefined && !changed.has(target)) references.add(target);
    }
    return new FocusedWorkspace(whole, [...listed, ...references], true, references);
  }

  /**
   * `files`: the paths to list, in any order; those the whole tree does not have are dropped. With
   * `own`, they are files of the whole tree's own list, each once (a slice of the per-file rules):
   * the whole tree is not asked about each (a check of 100,000 files asked 100,000 times).
   */
  constructor(
    readonly whole: Workspace,
    files: Iterable<string>,
    own = false,
    references: ReadonlySet<string> = new Set(),
  ) {
    const listed = own ? [...files] : [...new Set(files)].filter((f) => whole.has(f));
    super(whole.root, {
      files: listed.sort(compareStrings),
      maxFileBytes: whole.maxFileBytes,
      scope: whole.scope,
    });
    this.focus = new Set(this.files);
    this.references = references;
  }

  /** How many of the listed files the change touched (the others are {@link references}). */
  get changedFiles(): number {
    return this.files.length - this.references.size;
  }

  override has(file: string): boolean {
    return this.whole.has(file);
  }

  override tree(): Workspace {
    return this.whole.tree();
  }

  override symbolicLinks(): readonly string[] {
    return this.whole.symbolicLinks();
  }

  override directoryLink(link: string): string | undefined {
    return this.whole.directoryLink(link);
  }

  override linksAlong(to: string): { link: string; rest: string }[] {
    return this.whole.linksAlong(to);
  }

  override get plansFixes(): boolean {
    return this.whole.plansFixes;
  }

  override read(file: string): FileContent {
    return this.whole.read(file);
  }

  override aliasOf(file: string): string | undefined {
    return this.whole.aliasOf(file);
  }

  override release(files: readonly string[]): void {
    this.whole.release(files);
  }

  override forget(files: readonly string[]): void {
    this.whole.forget(files);
  }

  override yaml(file: string): YamlResult | undefined {
    return this.whole.yaml(file);
  }

  /** Per-file parses (of any file) are the whole tree's; anything computed over the listed files is this view's. */
  override memo<T>(kind: string, file: string, compute: (file: string) => T): T {
    if (PER_FILE_MEMOS.has(kind)) return this.whole.memo(kind, file, compute);
    return super.memo(kind, file, compute);
  }

  override reportProblem(problem: InputProblem): void {
    this.whole.reportProblem(problem);
  }

  /** Reads are the whole tree's, and so are the files they found missing. */
  override missingFiles(): string[] {
    return this.whole.missingFiles();
  }

  /** The problems of the listed files only (the whole tree may have parsed others for other rules). */
  override inputProblems(): InputProblem[] {
    return this.whole.inputProblems().filter((p) => this.focus.has(p.path));
  }
}

/**
 * A slice's view that records the existence questions asked through it (see file-cache.ts): set
 * {@link asked} before a rule runs, read it after. Marking files examined asks nothing.
 */
export class AskingView extends FocusedWorkspace {
  asked: Map<string, boolean> | undefined;

  override has(file: string): boolean {
    const answer = super.has(file);
    this.asked?.set(file, answer);
    return answer;
  }

  override examine(files: string | readonly string[]): void {
    const asked = this.asked;
    this.asked = undefined;
    try {
      super.examine(files);
    } finally {
      this.asked = asked;
    }
  }
}
