import type { Add, Env, Instruction, JSONInstruction } from 'dockerfile-ast';
import type { LineIndex, Position } from '../workspace/lines.js';
import type { NodeSpan } from '../workspace/yaml.js';
import { expandVariables, joinContinuationsWithOffsets } from './dockerfile-words.js';

/**
 * The parts of the Dockerfile model that depend on variable scope: ENV declarations, ADD sources and
 * EXPOSE ports, each with its value as written and as resolved from the ARG and ENV values in force
 * at that instruction. Docker's scoping is followed: an ARG before the first FROM is visible inside a
 * stage only once re-declared there (taking the global default); a stage's ARG and ENV apply to the
 * instructions after them; a stage built FROM an earlier stage inherits its ENV, not its ARGs.
 */

/** One `ENV name=value` (or legacy `ENV name value`). */
export interface EnvDecl {
  name: string;
  /** The value with quotes and escapes removed, as written (references not substituted). */
  value: string;
  span: NodeSpan;
  /** Position of the name (an ENV instruction may declare several, over several lines). */
  at: Position;
  /**
   * For a value that uses variables (`$P`, `${V}`): the value Docker stores, with the ARG defaults
   * and ENV values in force substituted ({@link UNRESOLVED} where one has none, as an ARG without a
   * default, given by `--build-arg` or not at all), and the declarations whose text it holds.
   */
  resolved?: { value: string; from: ValueOrigin[] };
}

/** A declaration whose literal text a variable's value holds: where that value is written. */
export interface ValueOrigin {
  kind: 'ARG' | 'ENV';
  name: string;
  span: NodeSpan;
}

/** The names a value refers to (`$NAME`, `${NAME}`, `${NAME:-word}`), in order. */
const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Where the text of a value comes from: the declarations of the variables it refers to, and the
 * declaration itself when it holds text of its own besides them.
 */
export function originsOf(
  value: string,
  self: ValueOrigin | undefined,
  origins: ReadonlyMap<string, readonly ValueOrigin[]>,
): ValueOrigin[] {
  const out: ValueOrigin[] = [];
  let own = value;
  for (const m of value.matchAll(REFERENCE)) {
    for (const o of origins.get(m[1] ?? m[2]!) ?? []) if (!out.includes(o)) out.push(o);
  }
  own = own.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');
  if (self && own.trim() !== '') out.unshift(self);
  return out;
}

/** One source or port word, as written and with variables substituted (UNRESOLVED where unknown). */
export interface ScopedWord {
  written: string;
  resolved: string;
  span: NodeSpan;
}

/** An `ADD` instruction: its flags, sources (all words but the destination) and span. */
export interface AddInstruction {
  span: NodeSpan;
  flags: Map<string, string | null>;
  sources: ScopedWord[];
}

/** Variables in force while reading one stage. */
export class StageScope {
  private readonly vars: Map<string, string | null>;
  /** Where the value of each variable in force is written (see {@link ValueOrigin}). */
  private readonly origins: Map<string, readonly ValueOrigin[]>;

  constructor(
    private readonly globals: ReadonlyMap<string, string | null>,
    inheritedEnv: ReadonlyMap<string, string> = new Map(),
    private readonly escapeChar = '\\',
    private readonly globalOrigins: ReadonlyMap<string, readonly ValueOrigin[]> = new Map(),
    inheritedOrigins: ReadonlyMap<string, readonly ValueOrigin[]> = new Map(),
  ) {
    this.vars = new Map(inheritedEnv);
    this.origins = new Map(inheritedOrigins);
  }

  /** `ARG name[=default]` inside the stage. */
  declareArg(name: string, value: string | null, span?: NodeSpan): void {
    if (value !== null) {
      this.origins.set(name, originsOf(value, span && { kind: 'ARG', name, span }, this.origins));
      this.vars.set(name, this.expand(value));
    } else if (!this.vars.has(name)) {
      this.vars.set(name, this.globals.get(name) ?? null);
      this.origins.set(name, this.globalOrigins.get(name) ?? []);
    }
  }

  /** `ENV name=value`: the value is expanded with what is in force before this instruction. */
  declareEnv(name: string, value: string, span?: NodeSpan): void {
    this.origins.set(name, originsOf(value, span && { kind: 'ENV', name, span }, this.origins));
    this.vars.set(name, this.expand(value));
  }

  /** The declarations whose text a value written now would hold (see {@link originsOf}). */
  originsOf(value: string): ValueOrigin[] {
    return originsOf(value, undefined, this.origins);
  }

  /** Where the ENV values at the end of the stage are written, for stages built FROM this one. */
  originSnapshot(envNames: ReadonlySet<string>): Map<string, readonly ValueOrigin[]> {
    const out = new Map<string, readonly ValueOrigin[]>();
    for (const name of envNames) out.set(name, this.origins.get(name) ?? []);
    return out;
  }

  /** The variables in force now (a copy): ARG and ENV values, null for an ARG with no value. */
  snapshot(): Map<string, string | null> {
    return new Map(this.vars);
  }

  expand(text: string): string {
    return expandVariables(text, this.vars, this.escapeChar).text;
  }

  /** The ENV values at the end of the stage, for stages built FROM this one. */
  envSnapshot(envNames: ReadonlySet<string>): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of envNames) {
      const v = this.vars.get(name);
      if (typeof v === 'string') out.set(name, v);
    }
    return out;
  }
}

type Range = ReturnType<Instruction['getRange']>;
type SpanOf = (range: Range) => NodeSpan;

/** Reads the declarations of an ENV instruction (and records them in the scope, in order). */
export function readEnv(ins: Env, scope: StageScope, spanOf: SpanOf): EnvDecl[] {
  const out: EnvDecl[] = [];
  for (const p of ins.getProperties()) {
    const name = p.getName();
    const value = p.getValue() ?? '';
    const start = p.getNameRange().start;
    const range = { start, end: p.getValueRange()?.end ?? p.getNameRange().end };
    const span = spanOf(range);
    const decl: EnvDecl = { name, value, span, at: span.start };
    if (value.includes('$')) decl.resolved = { value: scope.expand(value), from: scope.originsOf(value) };
    out.push(decl);
    scope.declareEnv(name, value, span);
  }
  return out;
}

/** Reads an ADD instruction in shell or exec (JSON) form. */
export function readAdd(ins: Add, scope: StageScope, spanOf: SpanOf): AddInstruction {
  const flags = new Map<string, string | null>();
  for (const f of ins.getFlags()) flags.set(f.getName().toLowerCase(), f.getValue());
  const json = (ins as JSONInstruction).getJSONStrings();
  const words =
    json.length > 0
      ? json.map((a) => ({ value: unquoteJson(a.getValue()), range: a.getRange() }))
      : ins.getArguments().map((a) => ({ value: a.getValue(), range: a.getRange() }));
  const sources = words.slice(0, -1).map((w) => ({
    written: w.value,
    resolved: scope.expand(w.value),
    span: spanOf(w.range),
  }));
  return { span: spanOf(ins.getRange()), flags, sources };
}

/** The ports of an EXPOSE instruction, each resolved in the stage's scope. */
export function readExpose(ins: Instruction, scope: StageScope, spanOf: SpanOf): ScopedWord[] {
  return ins.getArguments().map((a) => ({
    written: a.getValue(),
    resolved: scope.expand(a.getValue()),
    span: spanOf(a.getRange()),
  }));
}

function unquoteJson(text: string): string {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'string' ? v : text;
  } catch {
    return text.replace(/^"|"$/g, '');
  }
}

/**
 * Maps an index in a RUN instruction's joined text (continuations removed) back to its position in
 * the file, so a finding inside a multi-line RUN is reported on the physical line that holds it.
 */
export function runPosition(
  rawArgs: string,
  rawOffset: number,
  escapeChar: string,
  lines: LineIndex,
  index: number,
): Position {
  // Heredocs are kept as written (see runText), so their indexes are already raw offsets.
  const heredoc = /<<-?["']?[A-Za-z_]/.test(rawArgs);
  const offsets = heredoc ? undefined : joinContinuationsWithOffsets(rawArgs, escapeChar).offsets;
  const inRaw = offsets ? (offsets[Math.min(index, offsets.length - 1)] ?? 0) : index;
  return lines.position(rawOffset + inRaw);
}
