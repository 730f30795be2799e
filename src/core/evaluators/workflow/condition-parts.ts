import type { ExprNode } from '../../parsers/expression.js';
import { findExpressions, parseExpression } from '../../parsers/expression.js';
import type { Job, Located, Step, WorkflowSource } from '../../parsers/workflow.js';
import { expressionsAt, locatedText } from '../../parsers/workflow-expressions.js';
import type { Location } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * `if:` conditions as the runner reads them. GitHub evaluates an `if:` without `${{ }}` as one
 * expression (the whole text); with `${{ }}` it evaluates the text as a template, so only a value
 * that is exactly one `${{ ... }}` is a condition, and anything else is a string (always true when
 * not empty). The expression walk sees only fenced expressions; this module also parses bare ones.
 */

/** One parsed expression of a condition, with the means to locate any part of it in the file. */
export interface ConditionPart {
  node: ExprNode;
  /** The expression's text (what `node` offsets index into). */
  inner: string;
  locate(from: number, to: number): Location;
}

/** A job's or step's `if:`, parsed. */
export interface Condition {
  node: Located;
  /** The decoded text of the `if:` value. */
  text: string;
  /** True when the text holds `${{ }}` (then `parts` are the fenced expressions). */
  fenced: boolean;
  parts: ConditionPart[];
}

/** The `if:` of a job or step, parsed; undefined when absent or not a string (`if: false`). */
export function readCondition(
  workspace: Workspace,
  source: WorkflowSource,
  holder: Job | Step,
  /** A cheap test of the text first: conditions that cannot matter are not parsed or located. */
  relevant?: RegExp,
): Condition | undefined {
  const node = holder.if;
  if (!node || typeof node.value !== 'string') return undefined;
  if (relevant && !relevant.test(node.value)) return undefined;
  const text = node.value;
  if (text.includes('${{')) {
    const parts: ConditionPart[] = [];
    for (const e of expressionsAt(workspace, source, node.pointer)) {
      if (e.parsed.ok && e.parsed.node) parts.push({ node: e.parsed.node, inner: e.inner, locate: e.locate });
    }
    return { node, text, fenced: true, parts };
  }
  const parsed = parseExpression(text);
  if (!parsed.ok || !parsed.node) return { node, text, fenced: false, parts: [] };
  const located = locatedText(workspace, source.path, node as Located<string>);
  return {
    node,
    text,
    fenced: false,
    parts: [{ node: parsed.node, inner: text, locate: (from, to) => located.locate(from, to) }],
  };
}

/** The text outside the `${{ }}` of a fenced condition (what turns it into an always-true string). */
export function outsideText(text: string): string {
  let out = '';
  let at = 0;
  for (const e of findExpressions(text)) {
    out += text.slice(at, e.start);
    at = e.end;
  }
  return out + text.slice(at);
}

/** The operator of a comparison node (`==`, `!=`, `<`, ...). */
export function compareOperator(node: Extract<ExprNode, { kind: 'compare' }>): string {
  return node.op;
}

/** Every node of a tree, parents before children. */
export function* nodes(node: ExprNode): Generator<ExprNode> {
  yield node;
  switch (node.kind) {
    case 'call':
    case 'and':
    case 'or':
      for (const a of node.args) yield* nodes(a);
      break;
    case 'not':
      yield* nodes(node.arg);
      break;
    case 'compare':
      yield* nodes(node.left);
      yield* nodes(node.right);
      break;
    case 'index':
      yield* nodes(node.target);
      for (const c of node.computed) yield* nodes(c);
      break;
    case 'ref':
      for (const c of node.computed) yield* nodes(c);
      break;
    case 'literal':
      break;
  }
}
