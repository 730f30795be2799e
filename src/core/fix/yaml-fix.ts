/**
 * The one way evaluators build fixes of YAML (or JSON) files: edits made with a {@link YamlEditor} on
 * the workspace's text, kept only when the edited text parses to exactly the intended documents.
 * Verification is batched per file: the fixes that touch different text are applied together and the
 * file is parsed once for all of them, so a file with thousands of findings costs a few parses, not
 * one per finding (only when a batch fails are its fixes checked one by one, a bounded number).
 */

import type { FindingFix, TextEdit } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import type { YamlDocument } from '../workspace/yaml.js';
import { makeFix } from './edits.js';
import { cloneYaml, verifyYaml, YamlEditor } from './yaml-edit.js';

/** A fix, or why there is none. */
export type FixAttempt = { fix: FindingFix } | { unfixable: string };

/** What receives the outcome: a raw finding (its `fix` or `unfixable` is set). */
export interface FixTarget {
  fix?: FindingFix;
  unfixable?: string;
}

/** How many fixes of one file are checked one by one after their batch failed. */
const SINGLE_CHECKS = 24;

const UNVERIFIED = 'the edit could not be made without changing something else in the file';

interface Item {
  targets: FixTarget[];
  description: string;
  edits: TextEdit[];
  intend: (value: unknown) => void;
  index: number;
  finalize?: (fix: FindingFix) => FindingFix;
}

/** The fixes of one evaluator run, verified per file by {@link FixBatches.finish}. */
export class FixBatches {
  private readonly files = new Map<string, Item[]>();
  private readonly editors = new Map<string, YamlEditor>();

  /** Whether fixes are planned at all (not on a change's base tree: see `Workspace.plansFixes`). */
  readonly enabled: boolean;

  constructor(private readonly workspace: Workspace) {
    this.enabled = workspace.plansFixes;
  }

  /**
   * Plans a fix for `target`: `edit` returns the edits (or why there are none), `intend` applies the
   * same change to a copy of the document's value. Identical edits for several targets are one fix.
   */
  add(
    target: FixTarget | FixTarget[],
    file: string,
    document: YamlDocument,
    description: string,
    edit: (editor: YamlEditor) => TextEdit[] | string,
    intend: (value: unknown) => void,
    finalize?: (fix: FindingFix) => FindingFix,
  ): void {
    if (!this.enabled) return;
    const targets = Array.isArray(target) ? target : [target];
    const content = this.workspace.read(file);
    let edits: TextEdit[] | string = 'the file could not be read again';
    if (content.kind === 'text') {
      const key = `${file}\u0000${document.index}`;
      let editor = this.editors.get(key);
      if (!editor) {
        editor = new YamlEditor(content.text, content.lines, document);
        this.editors.set(key, editor);
      }
      edits = edit(editor);
    }
    if (typeof edits === 'string') {
      for (const t of targets) t.unfixable = edits;
      return;
    }
    const items = this.files.get(file) ?? [];
    this.files.set(file, items);
    const same = items.find((i) => sameEdits(i.edits, edits));
    if (same) same.targets.push(...targets);
    else
      items.push({
        targets,
        description,
        edits,
        intend,
        index: document.index,
        ...(finalize ? { finalize } : {}),
      });
  }

  /** Verifies every planned fix and sets each target's `fix` or `unfixable`. */
  finish(): void {
    for (const [file, items] of this.files) this.verifyFile(file, items);
    this.files.clear();
    this.editors.clear();
  }

  private verifyFile(file: string, items: Item[]): void {
    const content = this.workspace.read(file);
    const parsed = this.workspace.yaml(file);
    if (content.kind !== 'text' || !parsed?.ok) {
      for (const i of items) for (const t of i.targets) t.unfixable = 'the file could not be read again';
      return;
    }
    const values = parsed.documents.map((d) => d.value);
    let singles = SINGLE_CHECKS;
    for (const layer of layers(items)) {
      const verify = (group: Item[]) => {
        const expected = values.map((v) => cloneYaml(v));
        for (const i of group) i.intend(expected[i.index]);
        const edits = group.flatMap((i) => i.edits).sort((a, b) => a.start - b.start);
        return verifyYaml(content.text, edits, expected);
      };
      const good = verify(layer) ? layer : layer.filter((i) => singles-- > 0 && verify([i]));
      for (const i of layer) {
        const made = good.includes(i)
          ? makeFix(content.text, content.lines, i.description, i.edits)
          : undefined;
        const fix = made && i.finalize ? i.finalize(made) : made;
        // A fix whose lines hold a secret is withheld by the engine, for every rule (secret-lines.ts).
        for (const t of i.targets) {
          if (fix) t.fix = fix;
          else t.unfixable = good.includes(i) ? 'nothing to change' : UNVERIFIED;
        }
      }
    }
  }
}

/** Groups fixes so that no two of a group touch the same text (greedy, in order of position). */
function layers(items: Item[]): Item[][] {
  const sorted = [...items].sort((a, b) => (a.edits[0]?.start ?? 0) - (b.edits[0]?.start ?? 0));
  const out: { items: Item[]; ranges: [number, number][] }[] = [];
  for (const item of sorted) {
    const ranges = item.edits.map((e) => [e.start, e.end] as [number, number]);
    const layer = out.find((l) => !ranges.some(([s, e]) => overlaps(l.ranges, s, e)));
    if (layer) {
      layer.items.push(item);
      for (const r of ranges) insertSorted(layer.ranges, r);
    } else out.push({ items: [item], ranges: [...ranges].sort((a, b) => a[0] - b[0]) });
  }
  return out.map((l) => l.items);
}

/** Whether [s, e] meets any of the sorted, disjoint ranges (touching counts). */
function overlaps(ranges: [number, number][], s: number, e: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]![1] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo < ranges.length && ranges[lo]![0] <= e;
}

function insertSorted(ranges: [number, number][], r: [number, number]): void {
  let i = ranges.length;
  while (i > 0 && ranges[i - 1]![0] > r[0]) i--;
  ranges.splice(i, 0, r);
}

function sameEdits(a: TextEdit[], b: TextEdit[]): boolean {
  return (
    a.length === b.length &&
    a.every((e, i) => e.start === b[i]!.start && e.end === b[i]!.end && e.text === b[i]!.text)
  );
}
