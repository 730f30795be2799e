import path from 'node:path';
import type { LeftOutKind } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import { parseYaml } from '../workspace/yaml.js';

/**
 * Which YAML files are not manifests as they stand, although they may look like one: Helm chart
 * templates (Go templates, rendered at install time) and kustomize patches (fragments merged into a
 * base, so a missing field there is not missing from the result), named by a kustomization or, in a
 * kustomize tree, shaped like a patch.
 */

/** How the Kubernetes rules say, in their scope, that they left a Helm chart template out. */
export const HELM_TEMPLATE: LeftOutKind = {
  kind: 'Helm chart template',
  reason: 'rendered at install time: check the output of helm template',
};

/**
 * How the Kubernetes rules say, in their scope, that they left out a manifest template outside a
 * chart: a file that does not parse as YAML because it holds placeholders a script fills (`{{ }}`,
 * `{NAME}`, `@NAME@`).
 */
export const MANIFEST_TEMPLATE: LeftOutKind = {
  kind: 'manifest template',
  reason: 'its placeholders are filled by a script before it is applied: check what that script writes',
};

/** How the Kubernetes rules say, in their scope, that they left a manifest of a chart's files/ out. */
export const HELM_CHART_FILE: LeftOutKind = {
  kind: 'Helm chart file',
  reason: "rendered or patched by the chart's templates at install time: check the output of helm template",
};

/** How the Kubernetes rules say, in their scope, that they left a kustomize patch out. */
export const KUSTOMIZE_PATCH: LeftOutKind = {
  kind: 'kustomize patch',
  reason: 'merged into their base, which is checked',
};

/** The names of kustomization files, which kustomize reads in a folder it builds. */
export const KUSTOMIZATION_GLOBS = ['**/kustomization.yaml', '**/kustomization.yml', '**/Kustomization'];

/**
 * True for a template of a Helm chart: a file under the `templates/` directory of a chart (a
 * `Chart.yaml` beside it) that holds a template action (`{{`), or any file there of a library chart
 * (`type: library`, whose templates nothing renders on their own). A file there without any action is
 * rendered as it is written: it is the manifest it installs, and judged as one.
 */
export function isHelmTemplate(workspace: Workspace, file: string): boolean {
  return helmTemplate(workspace, file) !== undefined;
}

/**
 * What {@link isHelmTemplate} finds a file to be: a template of an application chart (`template`),
 * which a render writes out, or one of a library chart (`library`), which nothing renders on its own;
 * undefined for any other file.
 */
export function helmTemplate(workspace: Workspace, file: string): 'template' | 'library' | undefined {
  const manifest = chartManifestOf(workspace, file);
  if (manifest === undefined) return undefined;
  if (LIBRARY_CHART.test(workspace.text(manifest) ?? '')) return 'library';
  const text = workspace.text(file);
  return text === undefined || text.includes('{{') ? 'template' : undefined;
}

/** The `Chart.yaml` of the chart whose `templates/` folder holds the file, if one does. */
function chartManifestOf(workspace: Workspace, file: string): string | undefined {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'templates') continue;
    const chart = parts.slice(0, i).join('/');
    const manifest = chart ? `${chart}/Chart.yaml` : 'Chart.yaml';
    if (workspace.has(manifest)) return manifest;
  }
  return undefined;
}

/** Every file under a `templates/` folder, of which a chart renders more than its YAML files. */
export const CHART_TEMPLATE_GLOBS = ['**/templates/**'];

/**
 * True for a file a Helm application chart renders into its manifests although its name is not a
 * YAML one: helm renders every file under `templates/` (`pod.tpl`, `debug.txt`, in any folder below)
 * but partials (a name starting with `_`) and the notes (`NOTES.txt`). Decided by the path and the
 * chart's `Chart.yaml` alone, before the file is read.
 */
export function isChartRenderedFile(workspace: Workspace, file: string): boolean {
  const base = path.posix.basename(file);
  if (base.startsWith('_') || base.endsWith('NOTES.txt')) return false;
  const manifest = chartManifestOf(workspace, file);
  return manifest !== undefined && !LIBRARY_CHART.test(workspace.text(manifest) ?? '');
}

/** What a template action becomes in {@link templateAsYaml}: a plain scalar no rule takes for a setting. */
export const TEMPLATE_VALUE = 'helm-template-value';

/** A chart template read as YAML: see {@link templateAsYaml}. */
export interface TemplateYaml {
  /** The template's text, its actions blanked or replaced, line for line. */
  text: string;
  /** The lines (1-based) inside an `if`, `with` or `range` block: rendered only for some values. */
  conditional: ReadonlySet<number>;
  /**
   * The lines of an `else` branch (of a condition the values decide): a render writes them instead
   * of the branch before, so the text holding both may repeat a key (`dnsPolicy` in each branch).
   */
  alternative: ReadonlySet<number>;
}

/** The keyword of an action that opens a block (`{{- if .Values.x }}`), continues one (`else`), or `end`. */
const BLOCK_ACTION = /^\{\{-?\s*(if|with|range|define|block|else|end)\b/;

/** An open block of a template, as {@link templateAsYaml} reads it. */
interface OpenBlock {
  keyword: string;
  /** The branch being read is rendered only for some values (or never). */
  conditional: boolean;
  /** Every condition of the `if`/`else if` chain so far is false whatever the values. */
  chainFalse: boolean;
  /** The branch being read is an `else` that a render writes instead of an earlier branch. */
  alternative: boolean;
  /** It rebinds `.` (a `range`, or a `with` of anything but `.`). */
  rebinds: boolean;
}

/**
 * A Helm chart template as the YAML every render of it shares, line for line: a line that holds only
 * template actions (`{{- if .Values.rbac }}`, `{{- include "labels" . | nindent 4 }}`, `{{- end }}`)
 * is blanked, and an action among text (`image: "{{ .Values.image }}:{{ .Values.tag }}"`) becomes
 * {@link TEMPLATE_VALUE}, so what the chart's values decide reads as a value no rule judges, and what
 * the template writes literally (`privileged: true`) reads as written. An action that writes a
 * constant (`{{ true }}`, `{{ "true" }}`) reads as that constant and a template comment as
 * nothing, since every render writes them so. The lines inside `if`, `with` and `range` blocks are
 * listed: a render writes them only for some values, unless the block's condition holds whatever the
 * values (`if true`, `if not false`, `with .`, `if .Release.Name`; the `else` of a condition that
 * never holds).
 */
export function templateAsYaml(text: string, includes?: (name: string) => string | undefined): TemplateYaml {
  const lines = text.split('\n');
  const out: string[] = [];
  const conditional = new Set<number>();
  const alternative = new Set<number>();
  const stack: OpenBlock[] = [];
  const inConditional = () => stack.some((b) => b.conditional);
  /** `.` is the chart's root while no `with` or `range` has rebound it. */
  const dotIsRoot = () => stack.every((b) => !b.rebinds);
  /** Whether the line being read continues an action an earlier line opened. */
  let open: string | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let rest = '';
    let content = false;
    let conditionalHere = inConditional();
    let alternativeHere = stack.some((b) => b.alternative);
    let i = 0;
    if (open !== undefined) {
      const close = line.indexOf('}}');
      if (close === -1) {
        out.push('');
        continue;
      }
      open = undefined;
      i = close + 2;
    }
    while (i < line.length) {
      const start = line.indexOf('{{', i);
      if (start === -1) {
        rest += line.slice(i);
        if (line.slice(i).trim() !== '') content = true;
        break;
      }
      rest += line.slice(i, start);
      if (line.slice(i, start).trim() !== '') content = true;
      const close = line.indexOf('}}', start + 2);
      const action = close === -1 ? line.slice(start) : line.slice(start, close + 2);
      const block = BLOCK_ACTION.exec(action)?.[1];
      const body = actionBody(action, block);
      if (block === 'end') stack.pop();
      else if (block === 'else') {
        const top = stack.at(-1);
        if (top) {
          const chained = /^(?:if|with)\b/.exec(body);
          const holds = chained ? constantTruth(body.slice(chained[0].length), dotIsRoot()) : true;
          top.conditional = !(top.chainFalse && holds === true);
          top.alternative = !top.chainFalse;
          top.chainFalse = top.chainFalse && holds === false;
          if (top.conditional) conditionalHere = true;
          if (top.alternative) alternativeHere = true;
        }
      } else if (block !== undefined) {
        // A named template's body is written where it is included, not here.
        const named = block === 'define' || block === 'block';
        const holds = named ? undefined : constantTruth(body, dotIsRoot(), block === 'range');
        stack.push({
          keyword: block,
          conditional: holds !== true,
          chainFalse: holds === false,
          alternative: false,
          rebinds: block === 'range' || (block === 'with' && body !== '.' && body !== '$'),
        });
        if (holds !== true) conditionalHere = true;
      }
      const constant = block === undefined ? constantOutput(body) : undefined;
      if (constant !== undefined) {
        // A comment writes nothing; a constant writes itself (after a line's own text: an action
        // that trims the space before it at the start of a line joins it to the line above).
        rest += constant;
        if (constant.trim() !== '' && (content || !action.startsWith('{{-'))) content = true;
      } else rest += `\u0000`;
      if (close === -1) {
        open = action;
        break;
      }
      i = close + 2;
    }
    // A line that only includes a named template (`{{- include "app.securityContext" . | nindent 10 }}`)
    // writes that template's mapping there: read as merged into the mapping the line is in.
    // Only where every render writes the line: the merged values are located at their mapping.
    const included = !content && includes && !conditionalHere ? INCLUDE_LINE.exec(line) : null;
    const written = included ? includes!(included[1]!) : undefined;
    if (written !== undefined) out.push(`${' '.repeat(Number(included![2]))}<<: ${written}`);
    else if (!content) out.push('');
    else {
      // The trailing text of a value an action ends (`{{ .Values.x }}-suffix`) stays one scalar.
      out.push(rest.replace(/\u0000+/g, TEMPLATE_VALUE));
      if (conditionalHere) conditional.add(n + 1);
      if (alternativeHere) alternative.add(n + 1);
    }
  }
  return { text: out.join('\n'), conditional, alternative };
}

/** A line that only includes a named template, re-indented: `{{- include "name" . | nindent 8 }}`. */
const INCLUDE_LINE =
  /^\s*\{\{-?\s*(?:include|template)\s+"([^"]+)"\s+[$.\w]*\s*\|\s*nindent\s+(\d{1,3})\s*-?\}\}\s*$/;

/** An action of a template: its keyword (or first word) and where it ends. */
const ACTION = /\{\{-?\s*([\w/*]*)(?:[^}]|\}(?!\}))*\}\}/g;

/** A `define` action's name. */
const DEFINE_NAME = /^\{\{-?\s*define\s+"([^"]+)"/;

/**
 * The named templates (`{{- define "name" }}...{{- end }}`) of the chart a template belongs to, in
 * its templates and its subcharts' (helm's names are global to a release), each as the one-line
 * mapping every render of it writes (see {@link includedMapping}); read once per chart.
 */
export function chartIncludes(
  workspace: Workspace,
  file: string,
): ((name: string) => string | undefined) | undefined {
  const parts = file.split('/');
  const at = parts.lastIndexOf('templates');
  if (at === -1) return undefined;
  const chart = parts.slice(0, at).join('/');
  const prefix = chart ? `${chart}/` : '';
  const bodies = workspace.memo('helm-defines', chart, () => {
    const found = new Map<string, string>();
    for (const f of workspace.glob([`${prefix}templates/**`, `${prefix}charts/**/templates/**`])) {
      const text = workspace.text(f);
      if (text === undefined || !text.includes('define')) continue;
      for (const [name, body] of defines(text)) if (!found.has(name)) found.set(name, body);
    }
    return found;
  });
  if (bodies.size === 0) return undefined;
  return (name) =>
    workspace.memo('helm-include', `${chart}\u0000${name}`, () => {
      const body = bodies.get(name);
      return body === undefined ? undefined : includedMapping(body);
    });
}

/** The bodies of the `define` blocks of a template file, by name. */
function defines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const stack: { name?: string; start: number }[] = [];
  for (const m of text.matchAll(ACTION)) {
    const keyword = m[1];
    if (keyword === 'end') {
      const open = stack.pop();
      if (open?.name !== undefined && !out.has(open.name))
        out.set(open.name, text.slice(open.start, m.index));
    } else if (keyword === 'define' || keyword === 'block') {
      stack.push({ name: DEFINE_NAME.exec(m[0])?.[1], start: m.index + m[0].length });
    } else if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
      stack.push({ start: 0 });
    }
  }
  return out;
}

/**
 * What a named template writes for every render, when that is a mapping: its lines read as a template
 * ({@link templateAsYaml}, its own includes left out), the lines only some values write dropped, as a
 * one-line JSON mapping (a YAML flow mapping); undefined for anything else.
 */
function includedMapping(body: string): string | undefined {
  const read = templateAsYaml(body.replace(/^[ \t]*\r?\n/, ''));
  const text = read.text
    .split('\n')
    .map((l, i) => (read.conditional.has(i + 1) ? '' : l))
    .join('\n');
  const parsed = parseYaml(text, undefined, { duplicateKeys: 'last' });
  const value = parsed.ok && parsed.documents.length === 1 ? parsed.documents[0]!.value : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0)
    return undefined;
  return JSON.stringify(value);
}

/** What an action says between its delimiters and trim markers, its block keyword dropped. */
function actionBody(action: string, keyword: string | undefined): string {
  let body = action.replace(/^\{\{-?/, '').replace(/-?\}\}$/, '');
  body = body.trim();
  if (keyword !== undefined) body = body.slice(keyword.length).trim();
  return body;
}

/** A Go template literal: a boolean, a number, or a string without escapes. */
const LITERAL = /^(?:true|false|nil|-?\d+(?:\.\d+)?|"[^"\\]*"|`[^`]*`)$/;

/** What an action writes whatever the values: a comment writes nothing, a literal itself; else undefined. */
function constantOutput(body: string): string | undefined {
  if (body.startsWith('/*')) return '';
  if (!LITERAL.test(body) || body === 'nil') return undefined;
  return body.startsWith('"') || body.startsWith('`') ? body.slice(1, -1) : body;
}

/** Fields of the chart's root that every render sets to something non-empty. */
const ROOT_FIELDS = new Set([
  '',
  '.Release',
  '.Release.Name',
  '.Release.Namespace',
  '.Release.Service',
  '.Chart',
  '.Chart.Name',
  '.Chart.Version',
  '.Capabilities',
  '.Capabilities.KubeVersion',
  '.Capabilities.KubeVersion.Version',
  '.Template',
  '.Template.Name',
  '.Template.BasePath',
]);

/** A value of a condition: a known constant, or `set` (a field every render sets, non-empty). */
type Known = { value: string | number | boolean | null } | 'set';

/**
 * Whether a block's condition (a Go template pipeline) holds whatever the chart's values: true or
 * false when it is built from literals, `not`, `and`, `or`, `eq`, `ne` and the root fields every
 * render sets (`.Release.Name`, `.`), undefined otherwise. For `range`, whether the list it ranges
 * over is a literal non-empty one (`until 1`, `list "a"`).
 */
export function constantTruth(condition: string, dotIsRoot: boolean, range = false): boolean | undefined {
  let text = condition.trim();
  // `range $i, $x := until 3`, `with $v := .`: the declared variables do not change what it ranges over.
  const declared = /^\$\w*(?:\s*,\s*\$\w*)?\s*:?=\s*/.exec(text);
  if (declared) text = text.slice(declared[0].length);
  if (text === '' || text.includes('|')) return undefined;
  const tokens = tokenize(text);
  if (tokens === undefined) return undefined;
  if (range) {
    const [fn, ...args] = tokens;
    if (fn === 'until' && args.length === 1 && /^\d+$/.test(args[0]!)) return Number(args[0]) > 0;
    if ((fn === 'list' || fn === 'tuple') && !args.includes('(') && !args.includes(')'))
      return args.length > 0;
    return undefined;
  }
  let at = 0;
  const term = (): Known | undefined => {
    const t = tokens[at++];
    if (t === undefined) return undefined;
    if (t === '(') {
      const v = command();
      return tokens[at++] === ')' ? v : undefined;
    }
    if (LITERAL.test(t)) {
      if (t === 'nil') return { value: null };
      if (t === 'true' || t === 'false') return { value: t === 'true' };
      if (t.startsWith('"') || t.startsWith('`')) return { value: t.slice(1, -1) };
      return { value: Number(t) };
    }
    const field = t.startsWith('$.')
      ? t.slice(1)
      : t === '$'
        ? ''
        : dotIsRoot
          ? t === '.'
            ? ''
            : t
          : undefined;
    return field !== undefined && ROOT_FIELDS.has(field) ? 'set' : undefined;
  };
  const truth = (v: Known | undefined): boolean | undefined =>
    v === undefined ? undefined : v === 'set' ? true : Boolean(v.value);
  const command = (): Known | undefined => {
    const fn = tokens[at];
    if (fn === undefined || !/^(?:not|and|or|eq|ne)$/.test(fn)) return term();
    at++;
    const args: (Known | undefined)[] = [];
    while (at < tokens.length && tokens[at] !== ')') args.push(term());
    if (args.length === 0) return undefined;
    const truths = args.map(truth);
    const known = (b: boolean | undefined) => (b === undefined ? undefined : { value: b });
    switch (fn) {
      case 'not':
        return args.length === 1 ? known(truths[0] === undefined ? undefined : !truths[0]) : undefined;
      case 'and':
        return known(truths.includes(false) ? false : truths.every((b) => b === true) ? true : undefined);
      case 'or':
        return known(truths.includes(true) ? true : truths.every((b) => b === false) ? false : undefined);
      default: {
        // eq a b c: a equals any of the others; ne a b.
        const literal = args.every((a) => a !== undefined && a !== 'set');
        if (!literal || args.length < 2) return undefined;
        const [first, ...others] = args.map((a) => (a as { value: unknown }).value);
        const equal = others.some((o) => o === first);
        return known(fn === 'eq' ? equal : !equal);
      }
    }
  };
  const value = command();
  return at === tokens.length ? truth(value) : undefined;
}

/** The words, literals and parentheses of a pipeline; undefined for an unterminated string. */
function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === '"' || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end === -1) return undefined;
      out.push(text.slice(i, end + 1));
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()"`]/.test(text[j]!)) j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** A chart's `type: library` line in its Chart.yaml. */
const LIBRARY_CHART = /^type:[ \t]*["']?library["']?[ \t]*(?:#.*)?$/m;

/** Templates that pass the chart's files through `tpl` or parse them (`fromYaml`) to change them. */
const RENDERS_FILES = /\.Files\.(?:Get|Glob|Lines)\b/;
const TRANSFORMS = /\b(?:tpl|fromYaml|fromYamlArray)\b/;

/**
 * True for a file under the `files/` directory of a Helm chart (a `Chart.yaml` beside it) whose
 * templates read their files and render them (`tpl`) or parse them to change them (`fromYaml`, then a
 * merge with values): a base the chart patches at install time, like a template. A chart whose
 * templates do neither puts its files in the output as written, and they are judged as written.
 */
export function isRenderedChartFile(workspace: Workspace, file: string): boolean {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'files') continue;
    const chart = parts.slice(0, i).join('/');
    if (!workspace.has(chart ? `${chart}/Chart.yaml` : 'Chart.yaml')) continue;
    const renders = workspace.memo('k8s-chart-renders-files', chart, () =>
      workspace.glob([`${chart ? `${chart}/` : ''}templates/**`]).some((t) => {
        const text = workspace.text(t) ?? '';
        return RENDERS_FILES.test(text) && TRANSFORMS.test(text);
      }),
    );
    if (renders) return true;
  }
  return false;
}

/** True for a file that a kustomization in the workspace applies as a patch. */
export function excludedByKustomize(workspace: Workspace, file: string): boolean {
  return kustomizeRefs(workspace).patches.has(file);
}

/**
 * True for a file that a kustomization lists among its `resources`: kustomize applies it, completed
 * by its transformers (`labels`/`commonLabels` add the selector a Deployment lacks), so it is judged
 * whatever its shape, and a change cannot pass a resource off as a patch by dropping a field.
 */
export function kustomizeResource(workspace: Workspace, file: string): boolean {
  return kustomizeRefs(workspace).resources.has(file);
}

/**
 * True for a file in a directory that a kustomization builds, or below one: where a file shaped like a
 * patch is one, whether a kustomization names it or a build step adds it (`kustomize edit add patch`).
 */
export function inKustomizeTree(workspace: Workspace, file: string): boolean {
  const dirs = workspace.memo('k8s-kustomize-dirs', '', () => {
    return new Set(workspace.glob(KUSTOMIZATION_GLOBS).map((k) => path.posix.dirname(k)));
  });
  for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
    if (dirs.has(dir)) return true;
    if (dir === '.') return false;
  }
}

/**
 * The kustomizations that list `ref` among their `resources` (or `bases`, or `components`): a
 * manifest file, or a directory, which kustomize builds through the kustomization in it. Paths of
 * kustomization files.
 */
export function kustomizationsListing(workspace: Workspace, ref: string): readonly string[] {
  return kustomizeRefs(workspace).listedBy.get(ref) ?? [];
}

/**
 * Every path the kustomizations list among their `resources`, `bases` or `components` (a file or a
 * directory, no trailing slash), with the kustomizations that list it.
 */
export function kustomizeListings(workspace: Workspace): ReadonlyMap<string, readonly string[]> {
  return kustomizeRefs(workspace).listedBy;
}

/** Past this many kustomizations above one manifest, the chains that build it are not followed. */
const MAX_KUSTOMIZE_ROOTS = 64;

/**
 * The kustomizations at the top of the chains that build `file`: from each that lists it (among its
 * `resources`, `bases` or `components`), through those that list its directory, up to one that
 * nothing includes, the one someone builds and applies. Empty when no kustomization lists the file
 * (it is applied as written, or by a tool this model does not read); undefined past
 * {@link MAX_KUSTOMIZE_ROOTS}. A cycle (which kustomize refuses to build) ends its chain.
 */
export function kustomizeRoots(workspace: Workspace, file: string): readonly string[] | undefined {
  const roots = new Set<string>();
  let visited = 0;
  const walk = (kustomization: string, seen: ReadonlySet<string>): boolean => {
    if (++visited > MAX_KUSTOMIZE_ROOTS) return false;
    const inChain = new Set(seen).add(kustomization);
    const above = kustomizationsListing(workspace, path.posix.dirname(kustomization)).filter(
      (k) => !inChain.has(k),
    );
    if (above.length === 0) roots.add(kustomization);
    return above.every((k) => walk(k, inChain));
  };
  return kustomizationsListing(workspace, file).every((k) => walk(k, new Set())) ? [...roots] : undefined;
}

/**
 * The namespaces that the kustomizations building `file` give its objects (their `namespace:`, which
 * replaces the one a manifest names), along every chain from a kustomization that lists it up to the
 * roots (see {@link kustomizeRoots}), at most {@link MAX_KUSTOMIZE_ROOTS} kustomizations. Empty when no
 * kustomization lists it or none sets a namespace.
 */
export function kustomizeNamespaces(workspace: Workspace, file: string): readonly string[] {
  const refs = kustomizeRefs(workspace);
  const out = new Set<string>();
  const seen = new Set<string>();
  const queue = [...kustomizationsListing(workspace, file)];
  while (queue.length > 0 && seen.size < MAX_KUSTOMIZE_ROOTS) {
    const kustomization = queue.shift()!;
    if (seen.has(kustomization)) continue;
    seen.add(kustomization);
    const namespace = refs.namespaces.get(kustomization);
    if (namespace !== undefined) out.add(namespace);
    queue.push(...kustomizationsListing(workspace, path.posix.dirname(kustomization)));
  }
  return [...out];
}

/**
 * Whether kustomize builds `file` only for the kustomizations `accepts` takes (test environments, a
 * quick start, a development loop): its own folder is a kustomize base or component (a kustomization
 * there lists it), and every chain that builds it starts from one of those (see
 * {@link kustomizeRoots}). A manifest that another kustomization builds too (an overlay named
 * `production` that includes the same component) is built for it, and one no kustomization lists is
 * applied by something this model does not see. So is one in an ordinary folder, which only a
 * kustomization elsewhere names (`examples/kustomization.yaml` listing `../deploy/pod.yaml`): the
 * folder can be applied as it is (`kubectl apply -f deploy/`), and a kustomization naming a file says
 * nothing about who else applies it. A folder with a kustomization of its own is built with
 * kustomize (`kubectl apply -k`), through the chains followed here.
 */
export function builtOnlyFor(
  workspace: Workspace,
  file: string,
  accepts: (kustomization: string) => boolean,
): boolean {
  const folder = path.posix.dirname(file);
  if (!kustomizationsListing(workspace, file).some((k) => path.posix.dirname(k) === folder)) return false;
  const roots = kustomizeRoots(workspace, file);
  return roots !== undefined && roots.length > 0 && roots.every(accepts);
}

/** An entry of a kustomization's `images:` transformer, as written (a version may be written as a number). */
export interface KustomizeImage {
  /** The image name it applies to, without tag or digest. */
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** The `images:` entries of a kustomization file, with a name; none for a file that does not parse. */
export function kustomizeImages(workspace: Workspace, kustomization: string): readonly KustomizeImage[] {
  return kustomizeRefs(workspace).images.get(kustomization) ?? [];
}

interface KustomizeRefs {
  patches: Set<string>;
  resources: Set<string>;
  /** By resource path (file or directory, no trailing slash): the kustomizations that list it. */
  listedBy: Map<string, string[]>;
  /** By kustomization file: its `images:` entries. */
  images: Map<string, KustomizeImage[]>;
  /** By kustomization file: the `namespace:` it gives what it builds. */
  namespaces: Map<string, string>;
}

/**
 * Paths (relative to the root) of the patch files and of the resource files named by every
 * kustomization, which kustomizations list each resource, and their images, computed once.
 */
function kustomizeRefs(workspace: Workspace): KustomizeRefs {
  return workspace.memo('k8s-kustomize-refs', '', () => {
    const refs: KustomizeRefs = {
      patches: new Set(),
      resources: new Set(),
      listedBy: new Map(),
      images: new Map(),
      namespaces: new Map(),
    };
    for (const file of workspace.glob(KUSTOMIZATION_GLOBS)) {
      const kustomization = readKustomization(workspace, file);
      if (!kustomization) continue;
      for (const patch of kustomization.patches) refs.patches.add(patch);
      for (const resource of kustomization.resources) {
        refs.resources.add(resource);
        const listing = refs.listedBy.get(resource);
        if (listing) listing.push(file);
        else refs.listedBy.set(resource, [file]);
      }
      if (kustomization.images.length > 0) refs.images.set(file, kustomization.images);
      if (kustomization.namespace !== undefined) refs.namespaces.set(file, kustomization.namespace);
    }
    return refs;
  });
}

/**
 * What one kustomization names, from the top of the tree: its patches, its resources (with its bases
 * and components), its images and the namespace it sets; undefined for a file that cannot be read or
 * does not parse (a broken kustomization is kustomize's to report; it only narrows what is skipped
 * here).
 */
export function readKustomization(
  workspace: Workspace,
  file: string,
): { patches: string[]; resources: string[]; images: KustomizeImage[]; namespace?: string } | undefined {
  const text = workspace.text(file);
  if (text === undefined) return undefined;
  const parsed = parseYaml(text);
  const doc = parsed.ok ? parsed.documents[0]?.value : undefined;
  if (typeof doc !== 'object' || doc === null) return undefined;
  const kustomization = doc as Record<string, unknown>;
  const dir = path.posix.dirname(file);
  const resolve = (refs: string[]) =>
    refs.flatMap((ref) => {
      const resolved = path.posix.normalize(path.posix.join(dir, ref)).replace(/\/+$/, '');
      return resolved.startsWith('../') ? [] : [resolved];
    });
  const namespace = kustomization.namespace;
  return {
    patches: resolve(patchRefs(kustomization)),
    resources: resolve(resourceRefs(kustomization)),
    images: imageEntries(kustomization),
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
  };
}

function imageEntries(kustomization: Record<string, unknown>): KustomizeImage[] {
  const list = kustomization.images;
  if (!Array.isArray(list)) return [];
  const entries: KustomizeImage[] = [];
  const text = (v: unknown) =>
    typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, newName, newTag, digest } = item as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') continue;
    const entry: KustomizeImage = { name };
    const [renamed, tag, pinned] = [text(newName), text(newTag), text(digest)];
    if (renamed !== undefined) entry.newName = renamed;
    if (tag !== undefined) entry.newTag = tag;
    if (pinned !== undefined) entry.digest = pinned;
    entries.push(entry);
  }
  return entries;
}

/**
 * The files and directories (not remote URLs) a kustomization builds into its output: its
 * `resources` (and the older `bases`), and its `components`, whose resources kustomize adds to the
 * kustomization's own before its transformers (its `images:` too) run.
 */
function resourceRefs(kustomization: Record<string, unknown>): string[] {
  const refs: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    const list = kustomization[key];
    if (!Array.isArray(list)) continue;
    for (const r of list) if (typeof r === 'string' && !r.includes('\n') && !r.includes('://')) refs.push(r);
  }
  return refs;
}

function patchRefs(kustomization: Record<string, unknown>): string[] {
  const refs: string[] = [];
  const merge = kustomization.patchesStrategicMerge;
  if (Array.isArray(merge))
    for (const p of merge) if (typeof p === 'string' && !p.includes('\n')) refs.push(p);
  for (const key of ['patches', 'patchesJson6902']) {
    const list = kustomization[key];
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (typeof p === 'object' && p !== null && typeof (p as { path?: unknown }).path === 'string') {
        refs.push((p as { path: string }).path);
      }
    }
  }
  return refs;
}
