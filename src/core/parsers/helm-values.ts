import type { Workspace } from '../workspace/workspace.js';
import { escapePointerToken, parseYaml, parseYamlValues, unescapePointerToken } from '../workspace/yaml.js';
import { YAML11_FALSE, YAML11_TRUE } from './yaml-boolean.js';

/**
 * A Helm chart template as its chart's default values (`values.yaml` beside `Chart.yaml`) render it,
 * where that is certain from the template's own text: a value action that reads a values path
 * (`{{ .Values.securityContext.privileged }}`, through `quote`, `default`, `int`, `toString`) reads
 * as the value it prints, a `toYaml` of a values path on a line of its own under a key reads as the
 * value's YAML (written in flow style on that line, so every line keeps its number), and an `if` or
 * `with` block whose condition is a values path (`not`, `and`, `or`, `eq`/`ne` with a literal) is
 * known to be written, or not, by the default render. What else a template does (`include`, `tpl`,
 * `.Release`, `.Capabilities`, variables, `range`) stays unknown, as {@link templateAsYaml} reads it.
 * A user may override any value: these are the chart's defaults, which a render without values uses.
 */

/** A values file larger than this is not read: a chart's values.yaml is a few tens of KiB. */
const MAX_VALUES_BYTES = 512 * 1024;

/** A `toYaml` value whose JSON is longer than this is not written into the template's line. */
const MAX_INSERTED_CHARS = 16 * 1024;

/** A chart's default values, and the file they are read from. */
export interface ChartValues {
  /** The chart's own values file. */
  file: string;
  /** The values a render without values uses: a parent chart's block and globals merged over the file's. */
  values: Record<string, unknown>;
  /**
   * Where the default of a values path (of {@link values}) is written: the file and its dotted key
   * there (a parent chart's `<subchart>.x` or `global.x`, or the chart's own `x`).
   */
  origin(path: readonly string[]): { file: string; key: string };
  /**
   * Why a render with the default values does not render this chart at all (a subchart whose
   * dependency's `condition` or `tags` the parent's defaults turn off), when it does not.
   */
  skipped?: string;
}

/** A values key that decides a line of the default render, and its default value there. */
export interface ValuesSource {
  /** The dotted key path in values.yaml (`securityContext.privileged`). */
  key: string;
  /** The same path, key by key. */
  path: readonly string[];
  value: unknown;
}

/** The default render of a template: see {@link defaultRender}. */
export interface DefaultRender {
  /** The values file the defaults come from. */
  file: string;
  /** Where a values path's default is written (see {@link ChartValues.origin}). */
  origin: ChartValues['origin'];
  /** The template with the actions the default values decide replaced, line for line. */
  text: string;
  /**
   * The lines (1-based) inside `if`/`with` blocks that the default render writes: every block
   * around them is known to be written with the default values.
   */
  written: ReadonlySet<number>;
  /** The lines (1-based) inside a block that the default render is known not to write. */
  omitted: ReadonlySet<number>;
  /** By line (1-based): the values keys that decide what the default render writes there. */
  sources: ReadonlyMap<number, readonly ValuesSource[]>;
  /** By line (1-based): where the text the default render writes for an action stands in for it. */
  replaced: ReadonlyMap<number, readonly Replacement[]>;
}

/**
 * An action of a template line and what the default render writes for it: the rendered text's
 * columns [`from`, `to`) stand for the template's [`start`, `end`) (0-based), in line order.
 */
export interface Replacement {
  from: number;
  to: number;
  start: number;
  end: number;
}

/**
 * The template's column (1-based) of a rendered line's column: a column inside what the render wrote
 * for an action is the action's first (its last, for the `end` of a span, which is inclusive), one
 * after it is shifted by the difference in length.
 */
export function templateColumn(replaced: readonly Replacement[], column: number, end = false): number {
  const c = column - 1;
  let delta = 0;
  for (const r of replaced) {
    if (c < r.from) break;
    if (c < r.to) return end ? r.end : r.start + 1;
    delta = r.end - r.to;
  }
  return c + delta + 1;
}

/** How many parent charts above a subchart are followed: umbrella charts nest two or three deep. */
const MAX_CHART_DEPTH = 4;

/**
 * The default values of the chart whose template `file` is (the `values.yaml` beside the nearest
 * `Chart.yaml` above its `templates/` directory), once per chart. A subchart (`<parent>/charts/<dir>/`)
 * is rendered by helm with its parent's `<name or alias>:` block merged over its own values and the
 * parent's `global:` over both, the parent winning, so those are merged in too. Undefined when the
 * chart has no such file and its parent writes nothing for it, or a file is too large or not one YAML
 * mapping (an empty file is no values).
 */
export function chartValues(workspace: Workspace, file: string): ChartValues | undefined {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'templates') continue;
    const chart = parts.slice(0, i).join('/');
    if (!workspace.has(chart ? `${chart}/Chart.yaml` : 'Chart.yaml')) continue;
    return effectiveValues(workspace, chart, 0);
  }
  return undefined;
}

function effectiveValues(workspace: Workspace, chart: string, depth: number): ChartValues | undefined {
  return workspace.memo('helm-chart-values', chart, () => {
    const valuesFile = chart ? `${chart}/values.yaml` : 'values.yaml';
    const own = workspace.memo('helm-default-values', valuesFile, () => readValues(workspace, valuesFile));
    // A values file that cannot be read leaves every default unknown.
    if (own === null) return undefined;
    const ownOrigin = (path: readonly string[]) => ({ file: valuesFile, key: path.join('.') });
    const alone: ChartValues | undefined = own && { file: valuesFile, values: own, origin: ownOrigin };
    const parent = depth < MAX_CHART_DEPTH ? parentChart(workspace, chart) : undefined;
    if (!parent) return alone;
    const above = effectiveValues(workspace, parent.chart, depth + 1);
    // A parent whose values are unknown: the subchart's own, as a render of it alone uses them.
    if (!above || parent.key === undefined) return alone;
    const block = Object.hasOwn(above.values, parent.key) ? above.values[parent.key] : undefined;
    // helm stops at a parent value for the subchart that is no mapping ("type mismatch").
    if (block !== undefined && block !== null && !isMap(block)) return undefined;
    const globals = above.values.global;
    const over: Record<string, unknown> = isMap(block) ? { ...block } : {};
    if (isMap(globals)) over.global = isMap(over.global) ? coalesce(globals, over.global) : globals;
    const values = coalesce(over, own ?? {});
    const key = parent.key;
    const skipped = above.skipped ?? parent.enabled?.(above, values);
    // Nothing to render with: no values of its own, and its parent writes none for it.
    if (!own && !isMap(block) && !isMap(globals) && !skipped) return undefined;
    const origin = (path: readonly string[]) => {
      // The parent's `global:` wins over its block's, which wins over the subchart's own values.
      if (path[0] === 'global' && isMap(globals) && holds(above.values, path)) return above.origin(path);
      if (holds(above.values, [key, ...path])) return above.origin([key, ...path]);
      return ownOrigin(path);
    };
    return { file: valuesFile, values, origin, ...(skipped ? { skipped } : {}) };
  });
}

/** Whether the values hold a value (null included) at the path. */
function holds(values: Record<string, unknown>, path: readonly string[]): boolean {
  let v: unknown = values;
  for (const key of path) {
    if (!isMap(v) || !Object.hasOwn(v, key)) return false;
    v = v[key];
  }
  return true;
}

/**
 * helm's merge of a parent's values over a chart's defaults: the parent's value wins, mappings are
 * merged key by key, and a null deletes the default.
 */
function coalesce(over: Record<string, unknown>, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) if (k !== '__proto__') out[k] = v;
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__') continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const b = out[k];
    out[k] = isMap(v) && isMap(b) ? coalesce(v, b) : v;
  }
  return out;
}

/** A chart's parent: the chart whose `charts/` folder holds it, the key its values use for it, and its dependency's switch. */
interface ParentChart {
  chart: string;
  /** The subchart's name, or the alias of the dependency that renders it; undefined when several do. */
  key: string | undefined;
  /** Why the parent's defaults do not render the subchart, from its dependency's `condition` and `tags`. */
  enabled?: (parent: ChartValues, sub: Record<string, unknown>) => string | undefined;
}

/** The dependencies a parent chart lists for a subchart: at most this many are read. */
const MAX_DEPENDENCIES = 500;

function parentChart(workspace: Workspace, chart: string): ParentChart | undefined {
  const parts = chart.split('/');
  if (parts.length < 2 || parts[parts.length - 2] !== 'charts') return undefined;
  const parent = parts.slice(0, -2).join('/');
  const manifest = parent ? `${parent}/Chart.yaml` : 'Chart.yaml';
  if (!workspace.has(manifest)) return undefined;
  const own = readChartYaml(workspace, `${chart}/Chart.yaml`);
  const name = typeof own?.name === 'string' ? own.name : parts[parts.length - 1]!;
  const meta = readChartYaml(workspace, manifest);
  let deps = meta?.dependencies;
  // Charts of apiVersion v1 list them in requirements.yaml.
  if (deps === undefined) {
    const requirements = parent ? `${parent}/requirements.yaml` : 'requirements.yaml';
    if (workspace.has(requirements)) deps = readChartYaml(workspace, requirements)?.dependencies;
  }
  const entries = (Array.isArray(deps) ? deps.slice(0, MAX_DEPENDENCIES) : []).filter(
    (d): d is Record<string, unknown> => isMap(d) && d.name === name,
  );
  if (entries.length === 0) return { chart: parent, key: name };
  // One chart rendered twice under two aliases has two sets of values: neither is the default.
  if (entries.length > 1) return { chart: parent, key: undefined };
  const dep = entries[0]!;
  const key = typeof dep.alias === 'string' && dep.alias !== '' ? dep.alias : name;
  const condition = typeof dep.condition === 'string' ? dep.condition : undefined;
  const tags = Array.isArray(dep.tags) ? dep.tags.filter((t): t is string => typeof t === 'string') : [];
  if (condition === undefined && tags.length === 0) return { chart: parent, key };
  return {
    chart: parent,
    key,
    enabled: (above, sub) => {
      // What helm reads the switches from: the parent's values with the subchart's merged under its key.
      const read = (path: readonly string[]): { v: unknown; origin?: { file: string; key: string } } => {
        if (path[0] === key) {
          const found = lookup(sub, path.slice(1));
          return found.known && found.v !== undefined
            ? { v: found.v, origin: holds(above.values, path) ? above.origin(path) : undefined }
            : { v: undefined };
        }
        const found = lookup(above.values, path);
        return found.known && found.v !== undefined
          ? { v: found.v, origin: above.origin(path) }
          : { v: undefined };
      };
      // The first path of the condition that holds a boolean decides; it overrides the tags.
      for (const c of (condition ?? '').split(',')) {
        const path = c.trim();
        if (path === '') continue;
        const got = read(path.split('.'));
        if (typeof got.v !== 'boolean') continue;
        if (got.v) return undefined;
        const where = got.origin ?? { file: `${chart}/values.yaml`, key: path.split('.').slice(1).join('.') };
        return `its condition \`${path}\` in ${manifestName(workspace, parent)} is false by default (\`${where.key}\` in ${where.file})`;
      }
      // A tag turns it off when one of its tags is false and none true.
      const states = tags.map((t) => ({ t, got: read(['tags', t]) }));
      if (states.some((s) => s.got.v === true) || !states.some((s) => s.got.v === false)) return undefined;
      const off = states.find((s) => s.got.v === false)!;
      const where = off.got.origin ?? { file: '', key: `tags.${off.t}` };
      return `its tag \`${off.t}\` in ${manifestName(workspace, parent)} is false by default (\`${where.key}\` in ${where.file})`;
    },
  };
}

function manifestName(workspace: Workspace, chart: string): string {
  const manifest = chart ? `${chart}/Chart.yaml` : 'Chart.yaml';
  const requirements = chart ? `${chart}/requirements.yaml` : 'requirements.yaml';
  return readChartYaml(workspace, manifest)?.dependencies === undefined && workspace.has(requirements)
    ? requirements
    : manifest;
}

/** A chart's Chart.yaml (or requirements.yaml) as a mapping, once per file; undefined when it is none. */
function readChartYaml(workspace: Workspace, file: string): Record<string, unknown> | undefined {
  return workspace.memo('helm-chart-yaml', file, () => {
    const text = workspace.text(file);
    if (text === undefined || text.length > MAX_VALUES_BYTES) return undefined;
    const parsed = parseYamlValues(text);
    if (!parsed.ok || parsed.values.length !== 1) return undefined;
    const value = yaml11Booleans(text, parsed.values[0]);
    return isMap(value) ? value : undefined;
  });
}

/**
 * A values file's mapping; undefined when there is none, null when it cannot be read (too large,
 * not YAML, not one mapping).
 */
function readValues(workspace: Workspace, file: string): Record<string, unknown> | undefined | null {
  if (!workspace.has(file)) return undefined;
  const text = workspace.text(file);
  if (text === undefined || text.length > MAX_VALUES_BYTES) return null;
  // The values alone: no finding is placed in the values file, so no index of positions is built.
  const parsed = parseYamlValues(text);
  if (!parsed.ok || parsed.values.length > 1) return null;
  const value = yaml11Booleans(text, parsed.values[0] ?? {});
  return isMap(value) ? value : null;
}

/** A plain scalar go-yaml v2 reads as a boolean where this reader keeps a string (`yes`, `off`). */
const YAML11_WORD =
  /(?:^|[\s:,[{-])(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)[ \t]*(?:$|[,\]}#])/m;

/**
 * The value as helm reads the file: sigs.k8s.io/yaml resolves scalars with go-yaml v2's YAML 1.1
 * rules, so a plain `yes`, `on`, `y` is true and `no`, `off`, `n` false (a quoted one stays a
 * string). The file is indexed only when it holds such a word.
 */
function yaml11Booleans(text: string, value: unknown): unknown {
  if (!YAML11_WORD.test(text)) return value;
  const parsed = parseYaml(text);
  const doc = parsed.ok ? parsed.documents[0] : undefined;
  if (!doc) return value;
  const walk = (v: unknown, pointer: string): unknown => {
    if (typeof v === 'string') {
      const b = YAML11_TRUE.has(v) ? true : YAML11_FALSE.has(v) ? false : undefined;
      return b === undefined || doc.plainScalar(pointer) !== true ? v : b;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${pointer}/${i}`));
    if (!isMap(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      if (k !== '__proto__') out[k] = walk(item, `${pointer}/${escapePointerToken(k)}`);
    }
    return out;
  };
  return walk(value, '');
}

/**
 * What `.` is where an action reads it: the chart's top (`root`, whose `.Values` are the values), or a
 * `with` block's values path; undefined where unknown (`range`, `define`, a `with` of anything else).
 */
type Scope = { path: readonly string[]; root: boolean } | undefined;

/** A value an expression has with the default values, and the keys it read; undefined when unknown. */
interface Val {
  /** The value (null for nil); a Go string (what `quote` returns) is printed as it is. */
  v: unknown;
  keys: ValuesSource[];
}

/** One open block of the template. */
interface Frame {
  kind: string;
  /** Whether the default render writes the branch being read: true, false, or undefined (unknown). */
  writes: boolean | undefined;
  /** Whether an earlier branch of this `if`/`with` was taken. */
  taken: boolean | undefined;
  /** What `.` is inside the branch. */
  scope: Scope;
  /** The keys whose defaults decide the branch. */
  keys: ValuesSource[];
}

/**
 * The template `text` as the chart's default `values` render it, where certain (see the module's
 * comment): what it cannot tell, it leaves as written, for {@link templateAsYaml} to read as today.
 */
export function defaultRender(text: string, chart: ChartValues): DefaultRender {
  const values = chart.values;
  const none = {
    file: chart.file,
    origin: chart.origin,
    text,
    written: new Set<number>(),
    omitted: new Set<number>(),
    sources: new Map(),
    replaced: new Map(),
  };
  // A template that reads no values renders the same for every values file.
  if (!text.includes('Values')) return none;
  const lines = text.split('\n');
  const written = new Set<number>();
  const omitted = new Set<number>();
  const sources = new Map<number, ValuesSource[]>();
  const replaced = new Map<number, Replacement[]>();
  const frames: Frame[] = [];
  const rootScope: Scope = { path: [], root: true };
  /** The text of an action an earlier line opened and has not closed. */
  let open: string | undefined;
  /** The last line with text outside actions: its text and indentation. */
  let lastKey: { indent: number; key: boolean } | undefined;

  const scope = (): Scope => scopeBelow(frames, frames.length, rootScope);
  /** Whether the default render writes the line being read: every block around it is written. */
  const writesHere = (): boolean | undefined => {
    let all: boolean | undefined = true;
    for (const f of frames) {
      if (f.writes === false) return false;
      if (f.writes === undefined || (f.kind !== 'if' && f.kind !== 'with')) all = undefined;
    }
    return all;
  };
  const frameKeys = () => frames.flatMap((f) => f.keys);

  const control = (body: string) => {
    const m = /^(if|with|range|define|block|else|end)\b\s*(.*)$/s.exec(body);
    if (!m) return false;
    const [, word, rest] = m as unknown as [string, string, string];
    if (word === 'end') {
      frames.pop();
      return true;
    }
    if (word === 'else') {
      const frame = frames[frames.length - 1];
      // The else of a `range` (or of an unknown block) stays unknown.
      if (!frame || (frame.kind !== 'if' && frame.kind !== 'with')) return true;
      const outer = scopeBelow(frames, frames.length - 1, rootScope);
      const inner = /^(if|with)\b\s*(.*)$/s.exec(rest);
      const cond = inner && outer ? evaluate(inner[2]!, outer, values) : undefined;
      const truth = inner ? (cond === undefined ? undefined : truthy(cond.v)) : true;
      // A branch is written when no earlier one was taken and its own condition holds.
      const taken = frame.taken;
      frame.writes = taken === true || truth === false ? false : taken === false && truth ? true : undefined;
      frame.taken =
        taken === true || truth === true ? true : taken === false && truth === false ? false : undefined;
      frame.kind = inner?.[1] ?? 'if';
      frame.scope = inner?.[1] === 'with' ? withScope(inner[2]!, outer, cond) : outer;
      frame.keys = [...frame.keys, ...(cond?.keys ?? [])];
      return true;
    }
    if (word === 'if' || word === 'with') {
      const here = scope();
      const cond = here ? evaluate(rest, here, values) : undefined;
      const truth = cond === undefined ? undefined : truthy(cond.v);
      frames.push({
        kind: word,
        writes: truth,
        taken: truth,
        scope: word === 'with' ? withScope(rest, here, cond) : here,
        keys: cond?.keys ?? [],
      });
      return true;
    }
    frames.push({ kind: word, writes: undefined, taken: undefined, scope: undefined, keys: [] });
    return true;
  };

  const out: string[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (open !== undefined) {
      const close = line.indexOf('}}');
      if (close === -1) {
        open += `\n${line}`;
        out.push(line);
        continue;
      }
      const body = actionBody(`${open}\n${line.slice(0, close + 2)}`);
      if (body !== undefined) control(body);
      open = undefined;
      // The blocks the rest of the line opens or closes are followed too.
      const after = actionsOf(line.slice(close + 2));
      for (const a of after.closed) {
        const b = actionBody(a.text);
        if (b !== undefined) control(b);
      }
      if (after.unclosed !== undefined) open = after.unclosed;
      // The rest of a line that closes an action is left as written.
      out.push(line);
      continue;
    }
    if (!line.includes('{{')) {
      // A line of text alone: written by default when every block around it is.
      const content = line.trim();
      if (content !== '') {
        const writes = frames.length > 0 ? writesHere() : undefined;
        if (writes === false) omitted.add(n + 1);
        if (writes === true) {
          written.add(n + 1);
          const keys = frameKeys();
          if (keys.length > 0) sources.set(n + 1, keys);
        }
        if (!content.startsWith('#')) lastKey = { indent: indentOf(line), key: /:\s*(?:#.*)?$/.test(line) };
      }
      out.push(line);
      continue;
    }
    const actions = actionsOf(line);
    if (actions.unclosed !== undefined) {
      // Blocks that open or close on such a line are followed; its values are not read.
      for (const a of actions.closed) {
        const body = actionBody(a.text);
        if (body !== undefined) control(body);
      }
      open = actions.unclosed;
      out.push(line);
      continue;
    }
    const writes = writesHere();
    if (writes === false && frames.length > 0) omitted.add(n + 1);
    const bodies = actions.closed.map((a) => actionBody(a.text));
    const isControl = bodies.map((b) => b !== undefined && CONTROL.test(b));
    const outside = textOutside(line, actions.closed);
    if (isControl.some(Boolean)) {
      for (const b of bodies) if (b !== undefined) control(b);
      if (outside.trim() !== '') lastKey = { indent: indentOf(line), key: false };
      out.push(line);
      continue;
    }
    // A line of value actions among text, or a `toYaml` line: what the default values write. Inside
    // a block the defaults leave out too: what a render that turns the block on writes there with
    // the other defaults (its lines stay conditional), not a setting left out; only values that are
    // set, since such a block is most often the one that writes a value only when it is set.
    const here = scope();
    let rendered: Rendered | undefined;
    if (here !== undefined) {
      const setOnly = writes === false;
      rendered =
        yamlLine(line, actions.closed[0]!, bodies, here, values, lastKey, setOnly) ??
        valueLine(line, actions.closed, bodies, here, values, setOnly);
      if (rendered) replaced.set(n + 1, rendered.replaced);
    }
    if (rendered) {
      out.push(rendered.text);
      const keys = [...(writes === true ? frameKeys() : []), ...rendered.keys];
      if (writes === true && frames.length > 0) written.add(n + 1);
      if (keys.length > 0) sources.set(n + 1, keys);
    } else {
      out.push(line);
      if (writes === true && frames.length > 0 && outside.trim() !== '') {
        written.add(n + 1);
        if (frameKeys().length > 0) sources.set(n + 1, frameKeys());
      }
    }
    if (outside.trim() !== '')
      lastKey = { indent: indentOf(line), key: rendered === undefined && /:\s*$/.test(outside) };
  }
  return {
    file: chart.file,
    origin: chart.origin,
    text: out.join('\n'),
    written,
    omitted,
    sources,
    replaced,
  };
}

/** A line as the default render writes it, the keys it reads, and where its actions were. */
interface Rendered {
  text: string;
  keys: ValuesSource[];
  replaced: Replacement[];
}

/** The keyword of an action that opens, continues or closes a block, or sets a variable. */
const CONTROL = /^(?:if|with|range|define|block|else|end|template)\b|^\$[\w]*\s*:?=/;

/** What `.` is below the `top` frames: the innermost `with`'s, or the root's past `if` blocks only. */
function scopeBelow(frames: readonly Frame[], top: number, root: Scope): Scope {
  for (let f = top - 1; f >= 0; f--) {
    const frame = frames[f]!;
    if (frame.kind === 'with') return frame.scope;
    if (frame.kind !== 'if') return undefined;
  }
  return root;
}

/** The scope inside `with <expr>`: the values path it reads, when it is one. */
function withScope(expr: string, here: Scope, cond: Val | undefined): Scope {
  if (here === undefined || cond === undefined) return undefined;
  const path = refPath(expr.trim(), here);
  return path ? { path, root: false } : undefined;
}

/** The actions `{{ }}` of one line, and the text of one it leaves open. */
function actionsOf(line: string): {
  closed: { start: number; end: number; text: string }[];
  unclosed?: string;
} {
  const closed: { start: number; end: number; text: string }[] = [];
  let i = 0;
  for (;;) {
    const start = line.indexOf('{{', i);
    if (start === -1) return { closed };
    const close = line.indexOf('}}', start + 2);
    if (close === -1) return { closed, unclosed: line.slice(start) };
    closed.push({ start, end: close + 2, text: line.slice(start, close + 2) });
    i = close + 2;
  }
}

function textOutside(line: string, actions: readonly { start: number; end: number }[]): string {
  let text = '';
  let i = 0;
  for (const a of actions) {
    text += line.slice(i, a.start);
    i = a.end;
  }
  return text + line.slice(i);
}

/** The expression of an action without its delimiters and trim markers; undefined for a comment. */
function actionBody(action: string): string | undefined {
  const body = action
    .replace(/^\{\{-?\s*/, '')
    .replace(/\s*-?\}\}$/, '')
    .trim();
  return body.startsWith('/*') ? undefined : body;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * A line that writes a value's YAML under a key: `key: {{- toYaml .Values.x | nindent N }}`, or the
 * action alone (`{{- toYaml . | nindent N }}` inside `with .Values.x`, `{{ toYaml .Values.x | indent N }}`)
 * on a line below a line ending with a key. The value is written in flow style (JSON) on that line.
 */
function yamlLine(
  line: string,
  action: { start: number; end: number; text: string },
  bodies: readonly (string | undefined)[],
  here: NonNullable<Scope>,
  values: Record<string, unknown>,
  above: { indent: number; key: boolean } | undefined,
  setOnly: boolean,
): Rendered | undefined {
  if (bodies.length !== 1 || bodies[0] === undefined) return undefined;
  const m =
    /^(?:toYaml\s+(\S+)|(\S+)\s*\|\s*toYaml)\s*\|\s*(nindent|indent)\s+(\d+)$/.exec(bodies[0]) ?? undefined;
  if (!m) return undefined;
  const ref = (m[1] ?? m[2])!;
  const [fn, width] = [m[3]!, Number(m[4])];
  const before = line.slice(0, action.start);
  const after = line.slice(action.end);
  if (after.trim() !== '') return undefined;
  const trimsLeft = action.text.startsWith('{{-');
  const keyed = /^(\s*)([^\s#{'"-][^#{]*?:)\s*$/.exec(before);
  let lead: string;
  if (keyed) {
    if (fn !== 'nindent') return undefined;
    lead = `${keyed[1]}${keyed[2]} `;
  } else {
    if (before.trim() !== '' || !above?.key) return undefined;
    const indent = fn === 'nindent' ? width : trimsLeft ? -1 : before.length + width;
    if (indent <= above.indent) return undefined;
    lead = ' '.repeat(indent);
  }
  const path = refPath(ref, here);
  if (!path) return undefined;
  const found = lookup(values, path);
  if (!found.known || found.v === undefined || (setOnly && !truthy(found.v))) return undefined;
  const json = boundedJson(found.v, MAX_INSERTED_CHARS);
  if (json === undefined || json.includes('{{')) return undefined;
  const at = { from: lead.length, to: lead.length + json.length, start: action.start, end: action.end };
  return { text: `${lead}${json}`, keys: [{ key: path.join('.'), path, value: found.v }], replaced: [at] };
}

/**
 * A line of value actions among text (`image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"`):
 * each action whose default value is a scalar it prints is replaced by what it prints; the others
 * stay. Undefined when none is known, or one trims the whitespace around it (`{{-`, `-}}`).
 */
function valueLine(
  line: string,
  actions: readonly { start: number; end: number; text: string }[],
  bodies: readonly (string | undefined)[],
  here: NonNullable<Scope>,
  values: Record<string, unknown>,
  setOnly: boolean,
): Rendered | undefined {
  let text = '';
  let i = 0;
  const keys: ValuesSource[] = [];
  const replaced: Replacement[] = [];
  for (let a = 0; a < actions.length; a++) {
    const action = actions[a]!;
    text += line.slice(i, action.start);
    i = action.end;
    const body = bodies[a];
    const trims = action.text.startsWith('{{-') || action.text.endsWith('-}}');
    const val = body === undefined || trims ? undefined : evaluate(body, here, values);
    const printed = val === undefined || (setOnly && !truthy(val.v)) ? undefined : print(val.v);
    if (printed === undefined || val === undefined) {
      text += action.text;
      continue;
    }
    replaced.push({
      from: text.length,
      to: text.length + printed.length,
      start: action.start,
      end: action.end,
    });
    text += printed;
    keys.push(...val.keys);
  }
  text += line.slice(i);
  return keys.length > 0 ? { text, keys, replaced } : undefined;
}

/**
 * A values subtree as JSON (YAML's flow style), or undefined past `max` characters or for what JSON
 * does not write as YAML read it (a non-finite number): stopped as soon as it is too long, since
 * aliases may make a small file's value large.
 */
function boundedJson(value: unknown, max: number): string | undefined {
  let length = 0;
  const write = (v: unknown): string | undefined => {
    let out: string | undefined;
    if (v === null || typeof v === 'boolean' || typeof v === 'string') out = JSON.stringify(v);
    else if (typeof v === 'number') out = Number.isFinite(v) ? JSON.stringify(v) : undefined;
    if (out !== undefined) {
      // Scalars, keys and punctuation are counted once: a collection's text is theirs.
      length += out.length + 1;
      return length > max ? undefined : out;
    }
    if (Array.isArray(v)) {
      const items: string[] = [];
      for (const item of v) {
        const written = write(item);
        if (written === undefined) return undefined;
        items.push(written);
      }
      out = `[${items.join(',')}]`;
    } else if (isMap(v) && Object.getPrototypeOf(v) === Object.prototype) {
      const entries: string[] = [];
      for (const [key, item] of Object.entries(v)) {
        const written = write(item);
        if (written === undefined) return undefined;
        const name = JSON.stringify(key);
        length += name.length + 1;
        if (length > max) return undefined;
        entries.push(`${name}:${written}`);
      }
      out = `{${entries.join(',')}}`;
    }
    length += 2;
    return out === undefined || length > max ? undefined : out;
  };
  const json = write(value);
  return json !== undefined && json.length <= max ? json : undefined;
}

/** What Go's template engine prints for a value, as Helm renders it; undefined where unsure. */
function print(v: unknown): string | undefined {
  if (typeof v === 'string') return v.includes('\n') || v.includes('{{') ? undefined : v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    // Helm reads values numbers as float64, which Go prints in e-notation from 1e6 (`1e+06`).
    if (!Number.isFinite(v) || (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4))) return undefined;
    return String(v);
  }
  return undefined;
}

/** Go template truthiness: false, 0, nil, "" and empty collections are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

// ---- expressions ----------------------------------------------------------------------------

type Token =
  | { t: 'ref'; s: string }
  | { t: 'lit'; v: unknown }
  | { t: 'id'; s: string }
  | { t: '(' }
  | { t: ')' }
  | { t: '|' };

function tokenize(expr: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      tokens.push({ t: c });
      i++;
      continue;
    }
    const rest = expr.slice(i);
    let m = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (m) {
      try {
        tokens.push({ t: 'lit', v: JSON.parse(`"${m[1]}"`) });
      } catch {
        return undefined;
      }
      i += m[0].length;
      continue;
    }
    m = /^`([^`]*)`/.exec(rest);
    if (m) {
      tokens.push({ t: 'lit', v: m[1] });
      i += m[0].length;
      continue;
    }
    m = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(rest);
    if (m) {
      tokens.push({ t: 'lit', v: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    m = /^(?:\$(?:\.[A-Za-z_]\w*)*|\.(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?)(?![\w$])/.exec(rest);
    if (m) {
      tokens.push({ t: 'ref', s: m[0] });
      i += m[0].length;
      continue;
    }
    m = /^[A-Za-z_]\w*(?![\w.])/.exec(rest);
    if (m) {
      if (m[0] === 'true' || m[0] === 'false') tokens.push({ t: 'lit', v: m[0] === 'true' });
      else if (m[0] === 'nil') tokens.push({ t: 'lit', v: null });
      else tokens.push({ t: 'id', s: m[0] });
      i += m[0].length;
      continue;
    }
    return undefined;
  }
  return tokens;
}

/** The values path a reference reads (`.Values.a.b`, `$.Values.a.b`, `.b` inside a `with`). */
function refPath(ref: string, here: Scope): string[] | undefined {
  if (here === undefined) return undefined;
  const parts = ref.split('.');
  if (parts[0] === '$') {
    // `$` is the chart's top: readable wherever a block moved `.`, outside `define`.
    return parts[1] === 'Values' && parts.length >= 2 ? parts.slice(2) : undefined;
  }
  if (parts[0] !== '') return undefined;
  const fields = ref === '.' ? [] : parts.slice(1);
  if (here.root) return fields[0] === 'Values' ? fields.slice(1) : undefined;
  return [...here.path, ...fields];
}

/** A values path's default: known (`v`, undefined for a key its mapping does not hold), or not. */
function lookup(values: Record<string, unknown>, path: readonly string[]): { known: boolean; v?: unknown } {
  let v: unknown = values;
  for (const key of path) {
    // Go reads a field of a missing parent as an error: the render fails, so nothing is known.
    if (!isMap(v)) return { known: false };
    v = Object.hasOwn(v, key) ? v[key] : undefined;
  }
  return { known: true, v };
}

/** Evaluates a pipeline with the default values; undefined where any part is unknown. */
function evaluate(expr: string, here: NonNullable<Scope>, values: Record<string, unknown>): Val | undefined {
  const tokens = tokenize(expr);
  if (!tokens || tokens.length === 0) return undefined;
  let pos = 0;
  const pipeline = (): Val | undefined | null => {
    let val = command(undefined, false);
    while (val !== null && tokens[pos]?.t === '|') {
      pos++;
      val = command(val, true);
    }
    return val;
  };
  /** null: a syntax this reader does not follow (the whole action is unknown). */
  const operand = (): Val | undefined | null => {
    const tok = tokens[pos];
    if (!tok) return null;
    if (tok.t === '(') {
      pos++;
      const v = pipeline();
      if (tokens[pos]?.t !== ')') return null;
      pos++;
      return v;
    }
    if (tok.t === 'lit') {
      pos++;
      return { v: tok.v, keys: [] };
    }
    if (tok.t === 'ref') {
      pos++;
      const path = refPath(tok.s, here);
      if (!path) return undefined;
      const found = lookup(values, path);
      if (!found.known) return undefined;
      return {
        v: found.v ?? null,
        keys: path.length > 0 ? [{ key: path.join('.'), path, value: found.v }] : [],
      };
    }
    return null;
  };
  const command = (piped: Val | undefined, isPiped: boolean): Val | undefined | null => {
    const tok = tokens[pos];
    if (!tok) return null;
    if (tok.t !== 'id') return isPiped ? null : operand();
    pos++;
    const args: (Val | undefined)[] = [];
    while (pos < tokens.length && tokens[pos]!.t !== '|' && tokens[pos]!.t !== ')') {
      const a = operand();
      if (a === null) return null;
      args.push(a);
    }
    if (isPiped) args.push(piped);
    return call(tok.s, args);
  };
  const result = pipeline();
  if (result === null || pos !== tokens.length) return undefined;
  return result;
}

const KNOWN_FUNCTIONS = new Set([
  'not',
  'and',
  'or',
  'eq',
  'ne',
  'default',
  'quote',
  'squote',
  'int',
  'toString',
  'required',
]);

/** A template function of the default render; undefined (unknown) for any other, or unknown arguments. */
function call(name: string, args: (Val | undefined)[]): Val | undefined {
  if (!KNOWN_FUNCTIONS.has(name)) return undefined;
  const keys = args.flatMap((a) => a?.keys ?? []);
  if (name === 'and' || name === 'or') {
    if (args.length === 0) return undefined;
    // The argument that decides it is what a user changes: its keys are named, not the others'.
    const decisive = args.find((a) => a !== undefined && truthy(a.v) === (name === 'or'));
    if (decisive) return decisive;
    if (args.some((a) => a === undefined)) return undefined;
    return { v: args[args.length - 1]!.v, keys };
  }
  if (args.some((a) => a === undefined)) return undefined;
  const known = args as Val[];
  const [a, b] = known;
  switch (name) {
    case 'not':
      return known.length === 1 ? { v: !truthy(a!.v), keys } : undefined;
    case 'eq':
    case 'ne': {
      if (known.length !== 2) return undefined;
      const [x, y] = [a!.v, b!.v];
      // Helm reads values numbers as float64, which Go's eq does not compare with an int literal.
      const comparable = (typeof x === 'string' || typeof x === 'boolean') && typeof x === typeof y;
      if (!comparable) return undefined;
      return { v: name === 'eq' ? x === y : x !== y, keys };
    }
    case 'default':
      // sprig's default: the given value unless it is empty (false, 0, "", nil, an empty collection).
      return known.length === 2 ? (truthy(b!.v) ? { v: b!.v, keys } : { v: a!.v, keys }) : undefined;
    case 'quote':
    case 'squote': {
      if (known.length !== 1 || a!.v === null) return undefined;
      const s = print(a!.v);
      if (s === undefined) return undefined;
      return { v: name === 'quote' ? JSON.stringify(s) : `'${s}'`, keys };
    }
    case 'toString': {
      const s = known.length === 1 ? print(a!.v) : undefined;
      return s === undefined ? undefined : { v: s, keys };
    }
    case 'int': {
      if (known.length !== 1) return undefined;
      const v = a!.v;
      if (typeof v === 'number') return { v: Math.trunc(v), keys };
      if (typeof v === 'boolean') return { v: v ? 1 : 0, keys };
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return { v: Number(v), keys };
      return undefined;
    }
    case 'required':
      return known.length === 2 && truthy(b!.v) ? { v: b!.v, keys } : undefined;
  }
  return undefined;
}

// ---- messages -------------------------------------------------------------------------------

/**
 * What a finding at `line` of a template says of the default values that write what it judges, or
 * undefined when they decide nothing there: the keys (with the part of a `toYaml` value the node
 * is), and the file, so the user knows what to change.
 */
export function defaultValuesNote(
  render: Pick<DefaultRender, 'file' | 'origin' | 'sources'>,
  line: number,
  node: { pointer: string; value: unknown },
): string | undefined {
  const sources = render.sources.get(line);
  if (!sources || sources.length === 0) return undefined;
  // Each key is named in the file that writes it: a parent chart's values, or the chart's own.
  const byFile = new Map<string, Set<string>>();
  for (const s of sources) {
    const { file, key } = render.origin(pathOf(s, node));
    const keys = byFile.get(file) ?? new Set<string>();
    keys.add(key);
    byFile.set(file, keys);
  }
  const named = [...byFile]
    .map(([file, keys]) => `${[...keys].map((k) => `\`${k}\``).join(', ')} in ${file}`)
    .join('; ');
  return `The chart's default values write this (${named}); a user can change it with their own values`;
}

/** The path of a source, lengthened by the part of its value the node is (`securityContext.privileged`). */
function pathOf(source: ValuesSource, node: { pointer: string; value: unknown }): readonly string[] {
  const path = source.path;
  if (typeof source.value !== 'object' || source.value === null) return path;
  const tokens = node.pointer.split('/').slice(1).map(unescapePointerToken);
  for (let i = 0; i < tokens.length; i++) {
    const suffix = tokens.slice(i);
    let v: unknown = source.value;
    for (const t of suffix)
      v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[t] : undefined;
    if (v !== undefined && JSON.stringify(v) === JSON.stringify(node.value)) {
      return [...path, ...suffix.filter((k) => k !== '')];
    }
  }
  return path;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
