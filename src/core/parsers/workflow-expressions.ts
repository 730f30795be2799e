import { locationFromOffsets, locationFromSpan } from '../location.js';
import type { Location } from '../types.js';
import type { LineIndex } from '../workspace/lines.js';
import type { Workspace } from '../workspace/workspace.js';
import { escapePointerToken, type NodeSpan } from '../workspace/yaml.js';
import { findExpressions, parseExpression } from './expression.js';
import type { Located, WorkflowExpression, WorkflowSource } from './workflow-model.js';
import { mapScalar } from './yaml-scalar.js';

/** A string value of a workflow with the means to locate any part of it in the file. */
export interface LocatedText {
  value: string;
  /** False when positions inside the value fall back to its start (see yaml-scalar.ts). */
  exact: boolean;
  /** The file location of the decoded range [from, to) of the value. */
  locate(from: number, to: number): Location;
}

/**
 * Positions inside a string value (`run:` scripts, `with:` inputs): offsets in the decoded value are
 * mapped back through the scalar's quoting, escapes, indentation and folding to the file.
 */
export function locatedText(workspace: Workspace, path: string, node: Located<string>): LocatedText {
  const content = workspace.read(path);
  const value = node.value;
  const fallback = (): LocatedText => ({
    value,
    exact: false,
    locate: () => locationFromSpan(path, node.span),
  });
  if (content.kind !== 'text' || value === '') return fallback();
  const [start, end] = spanOffsets(content.lines, node.span);
  const map = mapScalar(content.text, start, end, value);
  if (!map.exact) {
    const at = locationFromOffsets(path, content.lines, start, start + 1);
    return { value, exact: false, locate: () => ({ ...at }) };
  }
  const lines = content.lines;
  return {
    value,
    exact: true,
    locate(from, to) {
      const s = map.offset(from);
      const e = to > from ? map.offset(to - 1) + 1 : s + 1;
      return locationFromOffsets(path, lines, s, Math.max(e, s + 1));
    },
  };
}

/** Source offsets [start, end) of a node from its span (the end position is inclusive). */
function spanOffsets(lines: LineIndex, span: NodeSpan): [number, number] {
  const start = lines.lineStart(span.start.line) + span.start.column - 1;
  const end = lines.lineStart(span.end.line) + span.end.column;
  return [start, Math.max(start, end)];
}

/**
 * Every `${{ }}` expression in the string values of a workflow or action file, parsed and located,
 * in document order. Mapping keys are not scanned (GitHub does not evaluate them). Computed once per
 * file and shared by every audit through `workspace.memo`.
 */
export function workflowExpressions(workspace: Workspace, source: WorkflowSource): WorkflowExpression[] {
  return workspace.memo('workflow-expressions', source.path, () => collect(workspace, source));
}

function collect(workspace: Workspace, source: WorkflowSource): WorkflowExpression[] {
  const out: WorkflowExpression[] = [];
  const doc = source.document;
  const steps = stepPointers(source);
  const visit = (value: unknown, pointer: string, depth: number): void => {
    if (depth > 64) return;
    if (typeof value === 'string') {
      if (!value.includes('${{')) return;
      const origin = doc.origin(pointer);
      const span = origin?.span ?? doc.span(pointer) ?? doc.nearestSpan(pointer);
      if (!span) return;
      // Through an alias the text is read where it is written; findings point at the alias.
      const text = locatedText(workspace, source.path, { value, pointer: origin?.pointer ?? pointer, span });
      const used = origin && locationFromSpan(source.path, origin.alias);
      for (const found of findExpressions(value)) {
        const inner = found.inner;
        const innerStart = found.innerStart;
        const e: WorkflowExpression = {
          pointer,
          ...owner(source, pointer, steps),
          raw: value.slice(found.start, found.end),
          inner,
          start: found.start,
          innerStart,
          parsed: parseExpression(inner),
          location: used ? { ...used } : text.locate(found.start, found.end),
          exact: !used && text.exact,
          locate: used ? () => ({ ...used }) : (from, to) => text.locate(innerStart + from, innerStart + to),
        };
        if (used) e.definedAt = text.locate(found.start, found.end);
        out.push(e);
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${pointer}/${i}`, depth + 1);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, `${pointer}/${escapePointerToken(k)}`, depth + 1);
    }
  };
  visit(doc.value, '', 0);
  return out;
}

/** Step pointer (`/jobs/<id>/steps/<n>`, `.../steps/<n>/parallel/<m>`) -> the step's index. */
function stepPointers(source: WorkflowSource): Map<string, number> {
  const map = new Map<string, number>();
  const steps = source.kind === 'workflow' ? source.jobs.flatMap((j) => j.steps) : source.steps;
  for (const s of steps) map.set(s.pointer, s.index);
  return map;
}

/** Which job and step a pointer is under, and the remaining tokens. */
function owner(
  source: WorkflowSource,
  pointer: string,
  steps: Map<string, number>,
): Pick<WorkflowExpression, 'jobId' | 'stepIndex' | 'field'> {
  const raw = pointer.split('/');
  const tokens = raw.slice(1).map(unescapeToken);
  let rest = tokens;
  const out: Pick<WorkflowExpression, 'jobId' | 'stepIndex' | 'field'> = { field: [] };
  if (source.kind === 'workflow') {
    if (rest[0] !== 'jobs' || rest[1] === undefined) return { field: tokens };
    out.jobId = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'runs') {
    rest = rest.slice(1);
  } else {
    return { field: tokens };
  }
  if (rest[0] === 'steps' && rest[1] !== undefined && /^\d+$/.test(rest[1])) {
    // The step's own pointer: the raw (escaped) tokens up to `steps/<n>` (and `parallel/<m>`).
    const consumed = tokens.length - rest.length;
    const base = raw.slice(0, consumed + 3).join('/');
    const nested =
      rest[2] === 'parallel' && rest[3] !== undefined ? `${base}/parallel/${raw[consumed + 4]}` : undefined;
    const inner = nested !== undefined ? steps.get(nested) : undefined;
    const index = inner ?? steps.get(base);
    if (index !== undefined) {
      out.stepIndex = index;
      rest = rest.slice(inner !== undefined ? 4 : 2);
    }
  }
  out.field = rest;
  return out;
}

function unescapeToken(token: string): string {
  return token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token;
}

/** The expressions of one string value (by its pointer), from the per-file index. */
export function expressionsAt(
  workspace: Workspace,
  source: WorkflowSource,
  pointer: string,
): WorkflowExpression[] {
  const byPointer = workspace.memo('workflow-expressions-by-pointer', source.path, () => {
    const map = new Map<string, WorkflowExpression[]>();
    for (const e of workflowExpressions(workspace, source)) {
      const list = map.get(e.pointer);
      if (list) list.push(e);
      else map.set(e.pointer, [e]);
    }
    return map;
  });
  return byPointer.get(pointer) ?? [];
}

/** The expressions under a pointer (the value itself and everything below it). */
export function expressionsUnder(
  workspace: Workspace,
  source: WorkflowSource,
  pointer: string,
): WorkflowExpression[] {
  return workflowExpressions(workspace, source).filter(
    (e) => e.pointer === pointer || e.pointer.startsWith(`${pointer}/`),
  );
}
