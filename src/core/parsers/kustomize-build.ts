import path from 'node:path';
import type { LeftOutKind } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  escapePointerToken,
  type NodeSpan,
  parseYaml,
  unescapePointerToken,
  type YamlDocument,
} from '../workspace/yaml.js';
import { apiGroup, isJudgedKind, isMap, type K8sObject, readK8sObjects } from './k8s.js';
import { KUSTOMIZATION_GLOBS } from './k8s-files.js';

/**
 * What kustomize builds from the kustomizations of the repository, for the objects a patch changes:
 * each kustomization's `resources` (manifest files, and folders with a kustomization of their own,
 * inside the repository), its `components`, then its patches in kustomize's order
 * (`patchesStrategicMerge`, `patches`, `patchesJson6902`; in a file or inline), strategic-merge
 * patches merged into the object they name (or their `target`s) and JSON 6902 operations (`add`,
 * `replace`, `remove`, `move`, `copy`, `test`) applied at their JSON pointers. Every value of the
 * result keeps where it is written: in the base manifest, or at the line of the patch that put it
 * there (an inline patch's line in its kustomization), so a rule reports a problem a patch
 * introduces at that line, and one it leaves where the base wrote it. A mapping or list a patch
 * deletes from (a JSON 6902 `remove`, a strategic-merge `null` or `$patch: delete`) is located at the
 * deletion: what a rule finds missing there (a container's securityContext an overlay removes) is
 * reported at the patch line that removed it.
 *
 * What this does not build is said, never dropped silently: a remote resource, a generator, a Helm
 * chart, `replacements` or `vars`, a transformer plugin, and a patch that matches nothing built here
 * (its base is remote, or generated) leave their kustomization out of the rules' scope with why
 * (see `Workspace.leaveOut`). Names are matched as kustomize matches them, through the `namePrefix`,
 * `nameSuffix` and `namespace` of the kustomizations below; the values themselves are not renamed or
 * relabelled (the rules do not read names or labels), so a built object keeps its base's identity.
 */

/** How the rules say that a kustomization builds from something not in the repository. */
export const KUSTOMIZE_REMOTE: LeftOutKind = {
  kind: 'kustomization with a remote resource',
  reason:
    'remote resources are not fetched, so what they hold and the patches applied to it are not checked: check the output of kustomize build',
};

/** How the rules say that a kustomization uses a feature whose output is not built here. */
export const KUSTOMIZE_UNBUILT: LeftOutKind = {
  kind: 'kustomization with generators, Helm charts, replacements or plugins',
  reason:
    'what they generate or change is not built here, so it is not checked: check the output of kustomize build',
};

/** How the rules say that a patch was not applied. */
export const KUSTOMIZE_UNAPPLIED: LeftOutKind = {
  kind: 'kustomization with a patch not applied',
  reason:
    'the patch matches no resource this repository builds (its base is remote or generated), cannot be read, or does not apply, so what it changes is not checked: check the output of kustomize build',
};

/** How the rules say that a kustomization could not be built. */
export const KUSTOMIZE_BROKEN: LeftOutKind = {
  kind: 'kustomization not built',
  reason:
    'it names a resource that is not in the repository (or outside it), or its chain of bases loops or nests deeper than 12, so its output is not checked: check the output of kustomize build',
};

/** The fields whose output this model does not build. */
const UNBUILT_FIELDS = [
  'generators',
  'transformers',
  'validators',
  'helmCharts',
  'helmChartInflationGenerator',
  'replacements',
  'vars',
];

/** Bases nest at most this deep (kustomize has no limit; real trees use a handful). */
const MAX_DEPTH = 12;

/** A source a value is written in: a file's YAML document, or one parsed from an inline patch. */
interface Source {
  path: string;
  document: YamlDocument;
  /** For an inline patch written as a literal block: the offset of its lines in the kustomization. */
  shift?: { line: number; column: number };
  /** For an inline patch written otherwise (quoted, folded): every value is located at the string. */
  flat?: NodeSpan;
}

/** Where a value of a built object is written. */
interface Origin {
  source: Source;
  pointer: string;
}

/** A value of a built object with where it is written; a mapping, a sequence or a scalar. */
interface BNode {
  at: Origin;
  map?: Map<string, BNode>;
  seq?: BNode[];
  scalar?: unknown;
}

/** An object as a kustomization builds it. */
interface BuiltObject {
  base: K8sObject;
  node: BNode;
  /** The names and namespaces kustomize may match it by: its own, and each a kustomization gave it. */
  names: Set<string>;
  namespaces: Set<string>;
  /** Labels the kustomizations below add (`commonLabels`, `labels`). */
  labels: Map<string, string>;
  /** The kustomizations whose patches changed it, nearest first. */
  patchedBy: string[];
  /** The kustomizations that built it, from the one that lists its file to the outermost. */
  through: string[];
  /**
   * An object of a kind no rule judges (a ConfigMap, a CRD): kept for a patch to match, never merged,
   * so that a large bundle of definitions costs nothing to build.
   */
  unjudged?: true;
}

function fromValue(value: unknown, at: Origin): BNode {
  if (Array.isArray(value)) {
    return {
      at,
      seq: value.map((v, i) => fromValue(v, { source: at.source, pointer: `${at.pointer}/${i}` })),
    };
  }
  if (isMap(value)) {
    const map = new Map<string, BNode>();
    for (const [k, v] of Object.entries(value))
      map.set(k, fromValue(v, { source: at.source, pointer: `${at.pointer}/${escapePointerToken(k)}` }));
    return { at, map };
  }
  return { at, scalar: value };
}

function toValue(node: BNode, origins: Map<string, Origin>, pointer: string): unknown {
  origins.set(pointer, node.at);
  if (node.seq) return node.seq.map((n, i) => toValue(n, origins, `${pointer}/${i}`));
  if (node.map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of node.map) out[k] = toValue(v, origins, `${pointer}/${escapePointerToken(k)}`);
    return out;
  }
  return node.scalar;
}

function clone(node: BNode): BNode {
  if (node.seq) return { at: node.at, seq: node.seq.map(clone) };
  if (node.map) return { at: node.at, map: new Map([...node.map].map(([k, v]) => [k, clone(v)])) };
  return { at: node.at, scalar: node.scalar };
}

function plain(node: BNode | undefined): unknown {
  return node === undefined ? undefined : toValue(node, new Map(), '');
}

/** The string at `key` of a mapping node, or undefined. */
function text(node: BNode | undefined, key: string): string | undefined {
  const v = node?.map?.get(key)?.scalar;
  return typeof v === 'string' ? v : undefined;
}

/** What building a kustomization yields: its objects, in order. */
interface Build {
  objects: BuiltObject[];
}

/** The kustomization file of a folder, if it has one. */
function kustomizationIn(ws: Workspace, dir: string): string | undefined {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = dir === '.' || dir === '' ? name : `${dir}/${name}`;
    if (ws.has(file)) return file;
  }
  return undefined;
}

/** A resource kustomize fetches: a URL, a Git reference, a host-qualified repository path. */
function isRemote(ref: string): boolean {
  return (
    ref.includes('://') ||
    ref.startsWith('git@') ||
    ref.includes('?ref=') ||
    /^(?:github\.com|gitlab\.com|bitbucket\.org|ssh\.|git\.)/.test(ref)
  );
}

/** A path of the repository from a kustomization's folder, or undefined when it leaves the repository. */
function resolved(dir: string, ref: string): string | undefined {
  const joined = path.posix.normalize(path.posix.join(dir, ref.trim())).replace(/\/+$/, '');
  return joined === '..' || joined.startsWith('../') || joined.startsWith('/') ? undefined : joined;
}

/**
 * The objects every kustomization of the workspace builds that one of its patches (or a patch of a
 * kustomization below it) changed, as {@link K8sObject}s whose values are located where they are
 * written (see `K8sObject.built`). Computed once per run; a kustomization without patches adds none
 * (its output is its resources as written, judged as they stand).
 */
export function kustomizeBuiltObjects(ws: Workspace): K8sObject[] {
  return ws.memo('k8s-kustomize-built', '', () => {
    const out: K8sObject[] = [];
    for (const file of ws.glob(KUSTOMIZATION_GLOBS)) {
      const doc = kustomizationDoc(ws, file);
      if (!doc) continue;
      const resources = [...listOf(doc, 'resources'), ...listOf(doc, 'bases')];
      if (resources.some((r) => typeof r === 'string' && isRemote(r))) ws.leaveOut(file, KUSTOMIZE_REMOTE);
      if (UNBUILT_FIELDS.some((f) => doc[f] != null)) ws.leaveOut(file, KUSTOMIZE_UNBUILT);
      // A component is built into the kustomizations that include it: alone, its patches have no target.
      if (doc.kind === 'Component' || !hasPatches(ws, file, doc, 0)) continue;
      const build = buildOf(ws, file, []);
      if (!build) continue;
      for (const o of build.objects) if (o.patchedBy.length > 0) out.push(builtObject(o));
    }
    return out;
  });
}

function kustomizationDoc(ws: Workspace, file: string): Record<string, unknown> | undefined {
  const parsed = ws.yaml(file);
  const doc = parsed?.ok ? parsed.documents[0]?.value : undefined;
  return isMap(doc) ? doc : undefined;
}

function listOf(doc: Record<string, unknown>, key: string): unknown[] {
  const v = doc[key];
  return Array.isArray(v) ? v : [];
}

/** Whether a kustomization, or a component it uses, has patches. */
function hasPatches(ws: Workspace, file: string, doc: Record<string, unknown>, depth: number): boolean {
  if (['patches', 'patchesStrategicMerge', 'patchesJson6902'].some((k) => listOf(doc, k).length > 0))
    return true;
  if (depth > 3) return false;
  return listOf(doc, 'components').some((c) => {
    if (typeof c !== 'string') return false;
    const dir = resolved(path.posix.dirname(file), c);
    const k = dir === undefined ? undefined : kustomizationIn(ws, dir);
    const d = k === undefined ? undefined : kustomizationDoc(ws, k);
    return d !== undefined && hasPatches(ws, k!, d, depth + 1);
  });
}

/** A fresh copy of what a kustomization builds (cached per run), or undefined when it cannot be built. */
function buildOf(ws: Workspace, file: string, chain: readonly string[]): Build | undefined {
  if (chain.includes(file) || chain.length >= MAX_DEPTH) {
    ws.leaveOut(chain[0] ?? file, KUSTOMIZE_BROKEN);
    return undefined;
  }
  const build = ws.memo('k8s-kustomize-build', file, () => {
    const objects: BuiltObject[] = [];
    return applyKustomization(ws, file, objects, [...chain, file]) ? { objects } : undefined;
  });
  if (!build) return undefined;
  return {
    objects: build.objects.map((o) => ({
      ...o,
      node: clone(o.node),
      names: new Set(o.names),
      namespaces: new Set(o.namespaces),
      labels: new Map(o.labels),
      patchedBy: [...o.patchedBy],
      through: [...o.through],
    })),
  };
}

/**
 * Adds what the kustomization `file` builds to `objects` (for a component, the objects of the
 * kustomization that uses it, which its patches change too): its resources, its components, then its
 * patches, then its names. False when it cannot be built.
 */
function applyKustomization(
  ws: Workspace,
  file: string,
  objects: BuiltObject[],
  chain: readonly string[],
): boolean {
  const doc = kustomizationDoc(ws, file);
  if (!doc) return false;
  const dir = path.posix.dirname(file);
  for (const ref of [...listOf(doc, 'resources'), ...listOf(doc, 'bases')]) {
    if (typeof ref !== 'string' || ref.includes('\n')) continue;
    if (isRemote(ref)) continue;
    const target = resolved(dir, ref);
    if (target === undefined) {
      ws.leaveOut(file, KUSTOMIZE_BROKEN);
      continue;
    }
    if (ws.has(target)) {
      for (const object of readK8sObjects(ws, target)) objects.push(fromObject(object));
      continue;
    }
    const inner = kustomizationIn(ws, target);
    const build = inner === undefined ? undefined : buildOf(ws, inner, chain);
    if (build) objects.push(...build.objects);
    else if (inner === undefined) ws.leaveOut(file, KUSTOMIZE_BROKEN);
  }
  for (const ref of listOf(doc, 'components')) {
    if (typeof ref !== 'string' || isRemote(ref)) continue;
    const target = resolved(dir, ref);
    const inner = target === undefined ? undefined : kustomizationIn(ws, target);
    if (inner === undefined || chain.includes(inner) || chain.length >= MAX_DEPTH) {
      ws.leaveOut(file, KUSTOMIZE_BROKEN);
      continue;
    }
    applyKustomization(ws, inner, objects, [...chain, inner]);
  }
  applyPatches(ws, file, doc, objects);
  renameObjects(doc, objects);
  // A component's objects are its includer's, which records itself.
  if (doc.kind !== 'Component') for (const o of objects) o.through.push(file);
  return true;
}

function fromObject(object: K8sObject): BuiltObject {
  const source: Source = { path: object.path, document: object.document };
  const names = new Set<string>(object.name === undefined ? [] : [object.name]);
  const at = { source, pointer: object.node.pointer };
  const judged = isJudgedKind(object.kind);
  // An unjudged object keeps only its metadata, which patch targets select by.
  const metadata = object.node.value.metadata;
  return {
    base: object,
    node: judged ? fromValue(object.node.value, at) : fromValue({ metadata }, at),
    ...(judged ? {} : { unjudged: true as const }),
    names,
    namespaces: new Set(object.namespace === undefined ? [] : [object.namespace]),
    labels: new Map(),
    patchedBy: [],
    through: [],
  };
}

/** The names and labels a kustomization gives what it builds (values are kept, see the top). */
function renameObjects(doc: Record<string, unknown>, objects: BuiltObject[]): void {
  const prefix = typeof doc.namePrefix === 'string' ? doc.namePrefix : '';
  const suffix = typeof doc.nameSuffix === 'string' ? doc.nameSuffix : '';
  const namespace = typeof doc.namespace === 'string' && doc.namespace !== '' ? doc.namespace : undefined;
  const labels: [string, string][] = [];
  const addLabels = (map: unknown) => {
    if (isMap(map))
      for (const [k, v] of Object.entries(map))
        if (v !== null && typeof v !== 'object') labels.push([k, String(v)]);
  };
  addLabels(doc.commonLabels);
  for (const entry of listOf(doc, 'labels')) if (isMap(entry)) addLabels(entry.pairs);
  for (const o of objects) {
    if (prefix || suffix) for (const n of [...o.names]) o.names.add(`${prefix}${n}${suffix}`);
    if (namespace !== undefined) o.namespaces.add(namespace);
    for (const [k, v] of labels) o.labels.set(k, v);
  }
}

/** One patch of a kustomization, read. */
interface Patch {
  /** Its documents, with where they are written. */
  documents: { node: BNode }[];
  target?: Record<string, unknown>;
  /** `json6902`: a list of operations; `merge`: strategic-merge documents. */
  type: 'json6902' | 'merge';
}

/** Applies the patches of a kustomization, in kustomize's order, to the objects it builds. */
function applyPatches(
  ws: Workspace,
  file: string,
  doc: Record<string, unknown>,
  objects: BuiltObject[],
): void {
  const kdoc = ws.yaml(file);
  const kdocument = kdoc?.ok ? kdoc.documents[0] : undefined;
  if (!kdocument) return;
  const ktext = ws.text(file) ?? '';
  const dir = path.posix.dirname(file);
  const notApplied = () => ws.leaveOut(file, KUSTOMIZE_UNAPPLIED);
  /**
   * The documents of a patch written at `pointer` of the kustomization: inline (a `patch:`, or an
   * entry of `patchesStrategicMerge` that is YAML rather than a path), or in the file it names.
   */
  const read = (value: unknown, pointer: string, inline: boolean): { node: BNode }[] | undefined => {
    if (typeof value !== 'string') return undefined;
    if (!inline) {
      const patchFile = resolved(dir, value);
      if (patchFile === undefined) return undefined;
      const parsed = ws.yaml(patchFile);
      if (!parsed?.ok) return undefined;
      return parsed.documents.map((d) => ({
        node: fromValue(d.value, { source: { path: patchFile, document: d }, pointer: '' }),
      }));
    }
    const parsed = parseYaml(value);
    if (!parsed.ok) return undefined;
    const where = inlinePlacement(kdocument, ktext, pointer);
    return parsed.documents.map((d) => ({
      node: fromValue(d.value, { source: { path: file, document: d, ...where }, pointer: '' }),
    }));
  };
  const patches: Patch[] = [];
  listOf(doc, 'patchesStrategicMerge').forEach((entry, i) => {
    const yaml = typeof entry === 'string' && (entry.includes('\n') || /^\s*[[{]|:\s/.test(entry));
    const documents = read(entry, `/patchesStrategicMerge/${i}`, yaml);
    if (documents) patches.push({ documents, type: 'merge' });
    else notApplied();
  });
  for (const key of ['patches', 'patchesJson6902']) {
    listOf(doc, key).forEach((entry, i) => {
      if (!isMap(entry)) return;
      const documents =
        entry.patch !== undefined
          ? read(entry.patch, `/${key}/${i}/patch`, true)
          : read(entry.path, `/${key}/${i}/path`, false);
      if (!documents) {
        notApplied();
        return;
      }
      const target = isMap(entry.target) ? entry.target : undefined;
      const json = documents.length === 1 && documents[0]!.node.seq !== undefined;
      if ((key === 'patchesJson6902' || json) && !json) {
        notApplied();
        return;
      }
      if (json && !target) {
        notApplied();
        return;
      }
      patches.push({ documents, type: json ? 'json6902' : 'merge', ...(target ? { target } : {}) });
    });
  }
  for (const patch of patches) {
    let matched = false;
    if (patch.type === 'json6902') {
      for (const o of objects) {
        if (!selected(o, patch.target!)) continue;
        matched = true;
        if (o.unjudged) continue;
        // Applied to a copy: kustomize fails a build whose operation fails, so none of it lands.
        const patched = clone(o.node);
        if (!applyJson6902(patched, patch.documents[0]!.node)) {
          notApplied();
          continue;
        }
        o.node = patched;
        if (!o.patchedBy.includes(file)) o.patchedBy.unshift(file);
      }
    } else {
      for (const { node } of patch.documents) {
        if (!node.map) continue;
        for (let i = 0; i < objects.length; i++) {
          const o = objects[i]!;
          if (patch.target ? !selected(o, patch.target) : !namedBy(o, node)) continue;
          matched = true;
          if (o.unjudged) continue;
          const merged = mergeNode(o.node, node, '');
          if (merged === DELETE) {
            objects.splice(i--, 1);
            continue;
          }
          o.node = merged;
          if (!o.patchedBy.includes(file)) o.patchedBy.unshift(file);
        }
      }
    }
    if (!matched) notApplied();
  }
}

/**
 * Where the values of an inline patch (the string at `pointer` of the kustomization) are written: a
 * literal block (`patch: |-`) keeps its lines, so each value has its own line in the kustomization;
 * any other style is located at the string as a whole.
 */
function inlinePlacement(
  document: YamlDocument,
  text: string,
  pointer: string,
): { shift: { line: number; column: number } } | { flat: NodeSpan } {
  const span = document.span(pointer) ?? document.nearestSpan(pointer);
  const flat = { flat: span ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
  if (!span?.key) return flat;
  const lines = text.split(/\r?\n/);
  const keyLine = lines[span.key.line - 1] ?? '';
  // The indicator follows the key on its line: `patch: |-`, `patch: |2`.
  if (!/:\s*\|[-+0-9]*\s*(?:#.*)?$/.test(keyLine)) return flat;
  const first = lines[span.start.line - 1] ?? '';
  const indent = /^ */.exec(first)![0].length;
  return { shift: { line: span.start.line - 1, column: indent } };
}

/** Whether a strategic-merge patch without a target names the object (kind, name, namespace, group). */
function namedBy(o: BuiltObject, patch: BNode): boolean {
  const kind = text(patch, 'kind');
  const meta = patch.map?.get('metadata');
  const name = text(meta, 'name');
  if (kind !== o.base.kind || name === undefined || !o.names.has(name)) return false;
  const apiVersion = text(patch, 'apiVersion');
  if (apiVersion !== undefined && apiGroup(apiVersion) !== apiGroup(o.base.apiVersion)) return false;
  const namespace = text(meta, 'namespace');
  return namespace === undefined || o.namespaces.size === 0 || o.namespaces.has(namespace);
}

/** Compiled target patterns, by source; null for one that does not compile (it matches nothing). */
const PATTERNS = new Map<string, RegExp | null>();

/** An anchored pattern of a target's field, as kustomize matches `name`, `kind` and `namespace`. */
function matches(pattern: unknown, values: Iterable<string>): boolean {
  if (typeof pattern !== 'string' || pattern === '') return true;
  let re = PATTERNS.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    PATTERNS.set(pattern, re);
  }
  if (re === null) return false;
  for (const v of values) if (re.test(v)) return true;
  return false;
}

/** The scalar entries of a mapping node of the metadata (`labels`, `annotations`), as strings. */
function stringsOf(node: BNode | undefined, into = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of node?.map ?? [])
    if (!v.map && !v.seq && v.scalar != null) into.set(k, String(v.scalar));
  return into;
}

/** Whether a patch's `target` selects the object. */
function selected(o: BuiltObject, target: Record<string, unknown>): boolean {
  const [group, version] = o.base.apiVersion.includes('/')
    ? o.base.apiVersion.split('/', 2)
    : ['', o.base.apiVersion];
  if (typeof target.group === 'string' && target.group !== group) return false;
  if (typeof target.version === 'string' && target.version !== '' && target.version !== version) return false;
  if (!matches(target.kind, [o.base.kind])) return false;
  if (!matches(target.name, o.names)) return false;
  if (
    typeof target.namespace === 'string' &&
    target.namespace !== '' &&
    !matches(target.namespace, o.namespaces)
  )
    return false;
  if (target.labelSelector === undefined && target.annotationSelector === undefined) return true;
  const metadata = o.node.map?.get('metadata');
  const labels = stringsOf(metadata?.map?.get('labels'), new Map(o.labels));
  const annotations = stringsOf(metadata?.map?.get('annotations'));
  return selectorHolds(target.labelSelector, labels) && selectorHolds(target.annotationSelector, annotations);
}

/** A Kubernetes label selector (`app=web,tier!=db,env in (a,b),!legacy`) over a set of labels. */
function selectorHolds(selector: unknown, labels: ReadonlyMap<string, string>): boolean {
  if (typeof selector !== 'string' || selector.trim() === '') return true;
  for (const term of selector.split(/,(?![^(]*\))/)) {
    const t = term.trim();
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(t);
    const set = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t);
    const exists = /^(!?)([\w./-]+)$/.exec(t);
    if (equality) {
      const has = labels.get(equality[1]!) === equality[3];
      if (equality[2] === '!=' ? has : !has) return false;
    } else if (set) {
      const values = set[3]!.split(',').map((v) => v.trim());
      const value = labels.get(set[1]!);
      const inside = value !== undefined && values.includes(value);
      if (set[2] === 'in' ? !inside : inside) return false;
    } else if (exists) {
      if (labels.has(exists[2]!) === (exists[1] === '!')) return false;
    } else return false;
  }
  return true;
}

const DELETE = Symbol('delete');

/**
 * The merge keys of the lists the Kubernetes API merges by key under a strategic-merge patch (by
 * field name, which is what sets them in the pod spec); any other list is replaced whole.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  env: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  resourceClaims: 'name',
  topologySpreadConstraints: 'topologyKey',
};

/** A patch's copy without its `$` directives. */
function stripped(node: BNode): BNode {
  if (node.map) {
    const map = new Map<string, BNode>();
    for (const [k, v] of node.map) if (!k.startsWith('$')) map.set(k, stripped(v));
    return { at: node.at, map };
  }
  if (node.seq)
    return { at: node.at, seq: node.seq.filter((n) => text(n, '$patch') !== 'delete').map(stripped) };
  return { at: node.at, scalar: node.scalar };
}

/** `base` with the strategic-merge patch `patch` merged into it; DELETE when the patch deletes it. */
function mergeNode(base: BNode, patch: BNode, field: string): BNode | typeof DELETE {
  if (patch.map) {
    const directive = text(patch, '$patch');
    if (directive === 'delete') return DELETE;
    if (directive === 'replace' || !base.map) return stripped(patch);
    const map = new Map(base.map);
    // A mapping the patch deletes a key of is located at the deletion (see removedFrom).
    let at = base.at;
    for (const [k, v] of patch.map) {
      if (k.startsWith('$')) continue;
      if (v.scalar === null && !v.map && !v.seq) {
        if (map.delete(k)) at = v.at;
        continue;
      }
      const current = map.get(k);
      if (current === undefined) {
        map.set(k, stripped(v));
        continue;
      }
      const merged = mergeNode(current, v, k);
      if (merged !== DELETE) map.set(k, merged);
      else if (map.delete(k)) at = v.at;
    }
    return { at, map };
  }
  if (patch.seq) {
    const key = field === 'ports' ? portKey(patch) : MERGE_KEYS[field];
    if (key === undefined || !base.seq) return stripped(patch);
    const items = [...base.seq];
    let origin = base.at;
    for (const item of patch.seq) {
      const id = plain(item.map?.get(key));
      const at = id === undefined ? -1 : items.findIndex((b) => plain(b.map?.get(key)) === id);
      if (text(item, '$patch') === 'delete') {
        if (at !== -1) {
          items.splice(at, 1);
          origin = item.at;
        }
        continue;
      }
      if (at === -1) {
        items.push(stripped(item));
        continue;
      }
      const merged = mergeNode(items[at]!, item, '');
      if (merged !== DELETE) items[at] = merged;
      else {
        items.splice(at, 1);
        origin = item.at;
      }
    }
    return { at: origin, seq: items };
  }
  return { at: patch.at, scalar: patch.scalar };
}

/** A container's ports merge by `containerPort`, a Service's by `port`. */
function portKey(patch: BNode): string {
  return patch.seq?.some((n) => n.map?.has('containerPort')) ? 'containerPort' : 'port';
}

/** The tokens of a JSON pointer, or undefined for one that is not. */
function tokens(pointer: unknown): string[] | undefined {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) return undefined;
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointerToken);
}

/** The node at `tokens` under `root`, or undefined. */
function nodeAt(root: BNode, path: readonly string[]): BNode | undefined {
  let node: BNode | undefined = root;
  for (const t of path) {
    if (!node) return undefined;
    if (node.map) node = node.map.get(t);
    else if (node.seq && /^\d+$/.test(t)) node = node.seq[Number(t)];
    else return undefined;
  }
  return node;
}

/** Applies a JSON 6902 patch (its operations) to `root`, in place; false when an operation fails. */
function applyJson6902(root: BNode, ops: BNode): boolean {
  for (const op of ops.seq ?? []) {
    const name = text(op, 'op');
    const path = tokens(plain(op.map?.get('path')));
    if (!path || path.length === 0) return false;
    const value = op.map?.get('value');
    const parent = nodeAt(root, path.slice(0, -1));
    const last = path.at(-1)!;
    if (!parent) return false;
    const remove = (): BNode | undefined => {
      if (parent.map?.has(last)) {
        const old = parent.map.get(last);
        parent.map.delete(last);
        return old;
      }
      if (parent.seq && /^\d+$/.test(last) && Number(last) < parent.seq.length)
        return parent.seq.splice(Number(last), 1)[0];
      return undefined;
    };
    const add = (node: BNode, at: BNode = parent, key: string = last): boolean => {
      if (at.map) {
        at.map.set(key, node);
        return true;
      }
      if (at.seq) {
        if (key === '-') at.seq.push(node);
        else if (/^\d+$/.test(key) && Number(key) <= at.seq.length) at.seq.splice(Number(key), 0, node);
        else return false;
        return true;
      }
      return false;
    };
    switch (name) {
      case 'add':
        if (!value || !add(clone(value))) return false;
        break;
      case 'replace':
        if (!value || remove() === undefined || !add(clone(value))) return false;
        break;
      case 'remove':
        if (remove() === undefined) return false;
        // What the removed value settled is now missing from its parent: located at the operation.
        parent.at = op.at;
        break;
      case 'move':
      case 'copy': {
        const from = tokens(plain(op.map?.get('from')));
        const source = from && nodeAt(root, from);
        if (!from || !source) return false;
        if (name === 'move') {
          const fromParent = nodeAt(root, from.slice(0, -1));
          const key = from.at(-1)!;
          if (fromParent?.map) fromParent.map.delete(key);
          else if (fromParent?.seq) fromParent.seq.splice(Number(key), 1);
        }
        const target = nodeAt(root, path.slice(0, -1));
        if (!target || !add(name === 'copy' ? clone(source) : source, target)) return false;
        break;
      }
      case 'test':
        if (!value || JSON.stringify(plain(nodeAt(root, path))) !== JSON.stringify(plain(value)))
          return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The span of a value where it is written (see {@link Source}). */
function spanOf(origin: Origin): NodeSpan | undefined {
  const { source, pointer } = origin;
  if (source.flat) return source.flat;
  const span = source.document.span(pointer) ?? source.document.nearestSpan(pointer);
  if (!span || !source.shift) return span;
  const move = (p: { line: number; column: number }) => ({
    line: p.line + source.shift!.line,
    column: p.column + source.shift!.column,
  });
  return { start: move(span.start), end: move(span.end), ...(span.key ? { key: move(span.key) } : {}) };
}

/** A built object as a {@link K8sObject} of the base's file, each value located where it is written. */
function builtObject(o: BuiltObject): K8sObject {
  const origins = new Map<string, Origin>();
  const root = toValue(o.node, origins, '');
  const nearest = (pointer: string): Origin | undefined => {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const found = origins.get(p);
      if (found) return found;
      if (p === '') return undefined;
    }
  };
  const valueAt = (pointer: string): unknown => {
    let v: unknown = root;
    for (const t of tokens(pointer) ?? []) v = isMap(v) ? v[t] : Array.isArray(v) ? v[Number(t)] : undefined;
    return v;
  };
  const document: YamlDocument = {
    index: o.base.document.index,
    value: root,
    span: (pointer) => {
      const origin = origins.get(pointer);
      return origin ? spanOf(origin) : undefined;
    },
    nearestSpan: (pointer) => {
      const origin = nearest(pointer);
      return origin ? spanOf(origin) : undefined;
    },
    sourceKeys: (pointer) => {
      const v = valueAt(pointer);
      return isMap(v) ? Object.keys(v) : [];
    },
    origin: () => undefined,
    plainScalar: (pointer) => {
      const origin = origins.get(pointer);
      return origin ? origin.source.document.plainScalar(origin.pointer) : undefined;
    },
  };
  const value = isMap(root) ? root : {};
  const object: K8sObject = {
    path: o.base.path,
    document,
    root,
    apiVersion: typeof value.apiVersion === 'string' ? value.apiVersion : o.base.apiVersion,
    kind: typeof value.kind === 'string' ? value.kind : o.base.kind,
    node: { value, pointer: '', span: document.span('') ?? o.base.node.span },
    built: {
      by: o.patchedBy[0]!,
      through: o.through,
      fileAt: (pointer) => nearest(pointer)?.source.path ?? o.base.path,
    },
  };
  if (o.base.name !== undefined) object.name = o.base.name;
  if (o.base.namespace !== undefined) object.namespace = o.base.namespace;
  return object;
}
