import type { Located, LocatedMap, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import { escapePointerToken } from '../../workspace/yaml.js';
import type { LocalCaller } from './callers.js';
import type { Scope } from './dataflow.js';

/** Where the values behind `env`, `inputs` and `matrix` references are declared (used by dataflow.ts). */

/** The entry of an `env:`-like mapping; expression property access is case-insensitive. */
export function entry(map: LocatedMap | undefined, name: string): [string, Located] | undefined {
  if (!map) return undefined;
  for (const [k, v] of map.entries) if (k.toLowerCase() === name) return [k, v];
  return undefined;
}

/** The scope in which a caller evaluates the values it passes. */
export function callerScope(caller: LocalCaller): Scope {
  if (caller.step)
    return { source: caller.source, job: caller.job, stepIndex: caller.step.index, level: 'step' };
  return { source: caller.source, job: caller.job, level: 'job' };
}

/** What a workflow or action declares about one of its inputs (see {@link declaredInputs}). */
export interface DeclaredInput {
  /** Declared types (`string` when none is given), one per declaration. */
  types: string[];
  /** `default:` values that hold expressions. */
  defaults: Located[];
  /** The input's name as declared. */
  name?: string;
  /** Who chooses a free-text (string) value: set when one declaration takes free text. */
  via?: 'workflow_dispatch' | 'workflow_call' | 'action';
  /** The workflow also declares the input for manual runs (`workflow_dispatch`). */
  manual?: boolean;
}

/** Declared types and defaults of an input of a reusable workflow, a manual workflow or an action. */
export function declaredInputs(source: WorkflowSource, name: string): DeclaredInput {
  const types: string[] = [];
  const defaults: Located[] = [];
  const out: DeclaredInput = { types, defaults };
  const read = (inputs: unknown, pointer: string, via: DeclaredInput['via']) => {
    if (!inputs || typeof inputs !== 'object') return;
    for (const [k, v] of Object.entries(inputs as Record<string, unknown>)) {
      if (k.toLowerCase() !== name) continue;
      out.name = k;
      if (via === 'workflow_dispatch') out.manual = true;
      // `inputs: { x: }` declares a string input with no settings.
      const spec = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
      const type = typeof spec.type === 'string' ? spec.type.toLowerCase() : 'string';
      types.push(type);
      // A workflow that is both dispatched and called takes text from its callers too.
      if (type === 'string' && (out.via === undefined || out.via === 'workflow_dispatch')) out.via = via;
      if (typeof spec.default === 'string' && spec.default.includes('${{')) {
        const p = `${pointer}/${escapePointerToken(k)}/default`;
        const span = source.document.span(p) ?? source.document.nearestSpan(p);
        if (span) defaults.push({ value: spec.default, pointer: p, span });
      }
    }
  };
  if (source.kind === 'action') read(source.inputs?.value, source.inputs?.pointer ?? '/inputs', 'action');
  else
    for (const e of (source as Workflow).on?.events ?? []) {
      if ((e.event === 'workflow_call' || e.event === 'workflow_dispatch') && e.config) {
        const inputs = (e.config.value as Record<string, unknown> | null)?.inputs;
        read(inputs, `${e.config.pointer}/inputs`, e.event);
      }
    }
  return out;
}

/** Pointers of the values a matrix key takes: `matrix.<key>` lists and `include` entries. */
export function matrixPointers(base: string, matrix: Record<string, unknown>, key: string): string[] {
  const pointers: string[] = [];
  for (const k of Object.keys(matrix)) {
    if (k.toLowerCase() === key) pointers.push(`${base}/${escapePointerToken(k)}`);
  }
  const include = matrix.include;
  if (Array.isArray(include)) {
    for (const [i, item] of include.entries()) {
      if (!item || typeof item !== 'object') continue;
      for (const k of Object.keys(item)) {
        if (k.toLowerCase() === key) pointers.push(`${base}/include/${i}/${escapePointerToken(k)}`);
      }
    }
  } else if (typeof include === 'string') pointers.push(`${base}/include`);
  return pointers;
}
