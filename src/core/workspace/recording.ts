/**
 * The head tree as the rules that read across files see it on a pull request: every answer comes from
 * the whole tree (same reads, same caches, same scope recording), and every question is written in an
 * {@link InputLog}. What a rule asked tells, once the base tree is known, whether the change can
 * alter what it finds there; a rule the change does not touch is not evaluated on the base again.
 * Recorded, not declared: a rule cannot under-declare its inputs, because it has no other way in.
 */
import type { LeftOutKind } from '../types.js';
import type { Inspection } from './inspect.js';
import type { InputLog } from './scope.js';
import type { Screen, Selector } from './screens.js';
import { FILE_DERIVED_MEMOS, type FileContent, type InputProblem, Workspace } from './workspace.js';
import type { YamlResult } from './yaml.js';

export class RecordingWorkspace extends Workspace {
  constructor(
    readonly whole: Workspace,
    readonly log: InputLog,
  ) {
    // No list of its own (building a 100,000-entry index for a view would cost what it saves).
    super(whole.root, { files: [], maxFileBytes: whole.maxFileBytes, scope: whole.scope });
    // Enumerating the tree is an input: a change that adds or deletes any file touches it.
    Object.defineProperty(this, 'files', {
      get: () => {
        log.listed();
        return whole.files;
      },
    });
    Object.defineProperty(this, 'indexed', {
      get: () => {
        log.listed();
        return whole.indexed;
      },
    });
  }

  /** A path asked for; files inherited from the repository's top are outside the change's diff. */
  private ask(file: string): void {
    this.log.path(file);
    if (this.whole.isInherited(file)) this.log.opaque(`${file} is inherited from the repository's top`);
  }

  override get plansFixes(): boolean {
    return this.whole.plansFixes;
  }

  override has(file: string): boolean {
    this.ask(file);
    return this.whole.has(file);
  }

  override symbolicLinks(): readonly string[] {
    return this.whole.symbolicLinks();
  }

  override directoryLink(link: string): string | undefined {
    this.ask(link);
    return this.whole.directoryLink(link);
  }

  /** The links along a path: a change that adds, deletes or edits a path on it or under it touches them. */
  override linksAlong(to: string): { link: string; rest: string }[] {
    for (let p = to; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') this.ask(p);
    this.log.glob(to === '' ? ['**'] : [`${to}/**`]);
    return this.whole.linksAlong(to);
  }

  /** The view is of the whole tree already: what is asked through it is recorded. */
  override tree(): Workspace {
    return this;
  }

  override glob(patterns: string | readonly string[]): string[] {
    this.log.glob(typeof patterns === 'string' ? [patterns] : patterns);
    return this.whole.glob(patterns);
  }

  /** The screened glob is the input; the content of the files tested and dropped is not (see screens.ts). */
  override screenedGlob(patterns: readonly string[], screen: Screen): string[] {
    this.log.screened(patterns, screen.name);
    return this.whole.screenedGlob(patterns, screen);
  }

  /** The selector is the input, not the whole file list (see screens.ts). */
  override filesWhere(selector: Selector): string[] {
    this.log.selected(selector.name);
    return this.whole.filesWhere(selector);
  }

  override passes(file: string, screen: Screen): boolean {
    this.ask(file);
    return this.whole.passes(file, screen);
  }

  override passesScreen(file: string, screen: Screen): boolean {
    this.ask(file);
    return this.whole.passesScreen(file, screen);
  }

  /** Only `glob` asks it, and `glob` is the whole tree's; answered there too, should anything else ask. */
  protected override matchFiles(patterns: readonly string[]): string[] {
    return this.whole.glob(patterns);
  }

  override matcher(patterns: readonly string[]): (p: string) => boolean {
    return this.whole.matcher(patterns);
  }

  override read(file: string): FileContent {
    this.ask(file);
    return this.whole.read(file);
  }

  /** The link and its target are inputs: retargeting the link, or deleting the target, changes the answer. */
  override aliasOf(file: string): string | undefined {
    this.ask(file);
    const target = this.whole.aliasOf(file);
    if (target !== undefined) {
      for (const p of this.whole.linkOf(file)?.chain ?? []) this.ask(p);
      this.ask(target);
    }
    return target;
  }

  override examineOnly(files: Iterable<string>): void {
    this.whole.examineOnly(files);
  }

  override examine(files: string | readonly string[]): void {
    this.whole.examine(files);
  }

  override leaveOut(file: string, kind: LeftOutKind): void {
    this.whole.leaveOut(file, kind);
  }

  override release(files: readonly string[]): void {
    this.whole.release(files);
  }

  override forget(files: readonly string[]): void {
    this.whole.forget(files);
  }

  override yaml(file: string): YamlResult | undefined {
    this.ask(file);
    return this.whole.yaml(file);
  }

  /**
   * Per-file parses, and values derived from one file's (see {@link FILE_DERIVED_MEMOS}), depend on
   * that file alone, whichever rule or view computed them first. Anything else is computed once for
   * the tree and shared: its inputs are captured when it is computed and credited to every rule that
   * gets it; a value computed where nothing was recorded makes the rule's inputs unknown.
   */
  override memo<T>(kind: string, file: string, compute: (file: string) => T): T {
    if (FILE_DERIVED_MEMOS.has(kind)) {
      this.ask(file);
      return this.whole.memo(kind, file, compute);
    }
    const key = `${kind}\u0000${file}`;
    let ran = false;
    const value = this.whole.memo(kind, file, () => {
      ran = true;
      const frame = this.log.openFrame();
      const captured = { inputs: frame, settled: false };
      this.log.captured.set(key, captured);
      const settle = () => {
        this.log.closeFrame(frame);
        captured.settled = true;
      };
      let result: T;
      try {
        result = compute(file);
      } catch (err) {
        settle();
        throw err;
      }
      if (result instanceof Promise) result.then(settle, settle);
      else settle();
      return result;
    });
    if (!ran) {
      const captured = this.log.captured.get(key);
      if (captured?.settled) this.log.replay(captured.inputs);
      else this.log.opaque(`the shared computation ${kind} was made where inputs are not recorded`);
    }
    return value;
  }

  override inspect(file: string): Inspection {
    this.ask(file);
    return this.whole.inspect(file);
  }

  override reportProblem(problem: InputProblem): void {
    this.whole.reportProblem(problem);
  }

  /** Every other rule's parse problems: not an input that can be recorded. */
  override inputProblems(): InputProblem[] {
    this.log.opaque('it reads the input problems of every other rule');
    return this.whole.inputProblems();
  }

  override isInherited(file: string): boolean {
    return this.whole.isInherited(file);
  }

  override missingFiles(): string[] {
    return this.whole.missingFiles();
  }
}
