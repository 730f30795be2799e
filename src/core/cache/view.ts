/**
 * Some files of the tree (a slice's, or those of it the cache has no outcome for), as a per-file rule
 * sees them when its outcomes are to be cached: the view lists those files alone, and every question
 * about anything else (another path, the index, the clock, other rules' input problems) is noted as a
 * reason the outcomes are not functions of the files listed. Whether a rule's outcomes may be cached
 * is decided by what it asked, not by a list of rules: a rule that looks beyond the files it was
 * given is evaluated again on the next run.
 *
 * Parses and memos are computed in the view (not taken from the whole tree's caches): whatever they
 * report (a YAML parse problem) or ask is then seen, and credited to every rule that reuses them.
 */
import { clockReads } from '../clock.js';
import type { Inspection } from '../workspace/inspect.js';
import { type FileContent, type InputProblem, Workspace } from '../workspace/workspace.js';
import type { YamlResult } from '../workspace/yaml.js';

/** What a rule's evaluation through a {@link FileView} depended on besides its files. */
interface Record {
  problems: InputProblem[];
  /** The first reason the outcome depends on more than the files; undefined: it does not. */
  foreign: string | undefined;
}

export class FileView extends Workspace {
  /** The record of the rule being evaluated. */
  private current: Record = { problems: [], foreign: undefined };
  /** Computations in progress; what happens while one is open is remembered with its value. */
  private readonly computing = new Set<Record>();
  /** What each computation made in this view reported or asked, to credit the rules that reuse it. */
  private readonly computed = new Map<string, Record>();

  private readonly listed: ReadonlySet<string>;

  /** `files`: in the whole tree's order. */
  constructor(
    readonly whole: Workspace,
    files: readonly string[],
  ) {
    super(whole.root, { files, maxFileBytes: whole.maxFileBytes, scope: whole.scope });
    this.listed = new Set(files);
    Object.defineProperty(this, 'indexed', {
      get: () => {
        this.note(undefined, 'it lists the whole index');
        return whole.indexed;
      },
    });
  }

  /** Starts recording a rule's evaluation. */
  begin(): void {
    this.current = { problems: [], foreign: undefined };
  }

  /** Ends a rule's evaluation: the input problems it reported or reused, and what made it impure. */
  end(): Readonly<Record> {
    return this.current;
  }

  /** Notes a problem or a reason in the current rule's record and in every open computation's. */
  private note(problem: InputProblem | undefined, foreign: string | undefined): void {
    for (const r of [this.current, ...this.computing]) {
      if (problem) r.problems.push(problem);
      if (foreign) r.foreign ??= foreign;
    }
  }

  private other(file: string, what: string): void {
    if (!this.listed.has(file)) this.note(undefined, `it ${what} ${file}`);
  }

  /** Computes (or reuses) a value of this view, crediting the current rule with what it depended on. */
  private shared<T>(key: string, compute: () => T): T {
    const seen = this.computed.get(key);
    if (seen) {
      for (const p of seen.problems) this.note(p, undefined);
      if (seen.foreign) this.note(undefined, seen.foreign);
      return compute();
    }
    const record: Record = { problems: [], foreign: undefined };
    this.computed.set(key, record);
    this.computing.add(record);
    const clock = clockReads();
    const close = () => {
      if (clockReads() !== clock) this.note(undefined, 'it reads the clock');
      this.computing.delete(record);
    };
    let value: T;
    try {
      value = compute();
    } catch (err) {
      close();
      throw err;
    }
    // An asynchronous computation may read the clock while another runs: say so rather than guess.
    if (value instanceof Promise) {
      record.foreign ??= 'it is computed asynchronously';
      this.current.foreign ??= record.foreign;
      value.then(close, close);
    } else close();
    return value;
  }

  override has(file: string): boolean {
    this.other(file, 'asks whether there is');
    return this.whole.has(file);
  }

  override matcher(patterns: readonly string[]): (p: string) => boolean {
    return this.whole.matcher(patterns);
  }

  override read(file: string): FileContent {
    this.other(file, 'reads');
    return this.whole.read(file);
  }

  override release(files: readonly string[]): void {
    this.whole.release(files);
  }

  override yaml(file: string): YamlResult | undefined {
    if (!this.listed.has(file)) {
      this.other(file, 'parses');
      return this.whole.yaml(file);
    }
    return this.shared(`\u0000yaml\u0000${file}`, () => super.yaml(file));
  }

  override memo<T>(kind: string, file: string, compute: () => T): T {
    return this.shared(`${kind}\u0000${file}`, () => super.memo(kind, file, compute));
  }

  override inspect(file: string): Inspection {
    this.other(file, 'inspects');
    return this.whole.inspect(file);
  }

  override reportProblem(problem: InputProblem): void {
    this.other(problem.path, 'reports a problem of');
    this.note(problem, undefined);
    this.whole.reportProblem(problem);
  }

  /** What other rules recorded: never a function of the files listed alone. */
  override inputProblems(): InputProblem[] {
    this.note(undefined, 'it reads the input problems of other rules');
    return this.whole.inputProblems().filter((p) => this.listed.has(p.path));
  }

  override isInherited(file: string): boolean {
    return this.whole.isInherited(file);
  }
}
