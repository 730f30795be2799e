import { defineScreen, globSelector } from '../workspace/screens.js';
import type { LargeConfig, Workspace } from '../workspace/workspace.js';
import {
  escapePointerToken,
  type NodeSpan,
  parseYaml,
  type YamlDialect,
  type YamlDocument,
} from '../workspace/yaml.js';
import { chartValues, type DefaultRender, defaultRender } from './helm-values.js';
import {
  CHART_TEMPLATE_GLOBS,
  chartIncludes,
  excludedByKustomize,
  HELM_CHART_FILE,
  HELM_TEMPLATE,
  helmTemplate,
  inKustomizeTree,
  isChartRenderedFile,
  isRenderedChartFile,
  KUSTOMIZE_PATCH,
  kustomizeResource,
  MANIFEST_TEMPLATE,
  TEMPLATE_VALUE,
  templateAsYaml,
} from './k8s-files.js';
import { kustomizeBuiltObjects } from './kustomize-build.js';
import { resolveMergeKeys } from './yaml-merge.js';

/**
 * A model of Kubernetes manifests: every object of every YAML document (`---` streams and `kind: List`
 * included) recognised by `apiVersion` + `kind`, the pod spec of each workload kind, and its
 * containers. Values keep their JSON pointer and source span so an audit reports the exact line.
 * Files that are not manifests are never reported as unparsable: most YAML in a repository is
 * something else, and Helm templates are not YAML until rendered.
 */

/** Where manifests may live: anywhere, as YAML or JSON. */
export const K8S_GLOBS = ['**/*.yaml', '**/*.yml', '**/*.json'];

/** JSON files that are never manifests and can be large: not even read. */
const NOT_MANIFESTS = [
  '**/package.json',
  '**/package-lock.json',
  '**/composer.{json,lock}',
  '**/tsconfig*.json',
  '**/*.min.json',
  '**/.vscode/**',
  '**/node_modules/**',
];

/** A value of a manifest, with where it sits. */
export interface K8sNode<T = unknown> {
  value: T;
  /** RFC 6901 pointer of the value in its document. */
  pointer: string;
  span: NodeSpan;
}

/** One Kubernetes object (a document, or an item of a `List`). */
export interface K8sObject {
  path: string;
  document: YamlDocument;
  /** The document's value as Kubernetes reads it (merge keys expanded); pointers are into it. */
  root: unknown;
  apiVersion: string;
  kind: string;
  name?: string;
  /** `metadata.namespace`, when the manifest names one. */
  namespace?: string;
  node: K8sNode<Record<string, unknown>>;
  /**
   * What the workload lacks that the API requires, when nothing applies it as written (see
   * {@link unappliable}): set by {@link k8sObjects} for a file no kustomization lists as a resource.
   */
  unappliable?: string;
  /**
   * For an object as a kustomization builds it, patches applied (see kustomize-build.ts): the
   * kustomization whose patch changed it last, the kustomizations that built it (from the one that
   * lists its file to the outermost), and the file each of its values is written in (the base
   * manifest, a patch file, or the kustomization for an inline patch); `path` is the base manifest's.
   */
  built?: { by: string; through: readonly string[]; fileAt(pointer: string): string };
  /**
   * For an object of a Helm chart template, read as every render writes it (see `templateAsYaml`):
   * the lines a render writes only for some values (inside `if`, `with` and `range` blocks), and,
   * when the chart has default values, what they decide of its lines (see `defaultRender`).
   */
  template?: {
    conditional: ReadonlySet<number>;
    defaults?: Pick<DefaultRender, 'file' | 'origin' | 'omitted' | 'sources' | 'replaced'>;
    /**
     * Why a render with the chart's default values does not render the template at all: its chart is
     * a subchart its parent's defaults turn off (see `ChartValues.skipped`).
     */
    skipped?: string;
    /** The template's own text, whose lines the object's are: what it writes for a name, said as written. */
    source: string;
  };
}

/** The pod spec of a workload, wherever its kind nests it. */
export interface PodSpec {
  object: K8sObject;
  node: K8sNode<Record<string, unknown>>;
  /**
   * For a pod spec found by its shape in an object of another kind ({@link nestedPodSpecsOf}): its
   * pointer, which tells it from the object's other pod specs, and where its containers are when it
   * keeps them under other names (a Tekton step, an Argo Workflows template's `container`).
   */
  nested?: { pointer: string; lists: readonly ContainerList[] };
}

/** Where a pod-like spec keeps containers: a list under `key`, or one container (`single`). */
export interface ContainerList {
  group: ContainerGroup;
  key: string;
  single?: boolean;
}

export type ContainerGroup = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One container of a pod spec. */
export interface Container {
  pod: PodSpec;
  group: ContainerGroup;
  index: number;
  /** The container's `name`, or `#<index>` when it has none. */
  name: string;
  node: K8sNode<Record<string, unknown>>;
}

/** Where each workload kind keeps its pod spec, by API group (`""` is the core group). */
const POD_SPEC_PATHS = new Map<string, { groups: readonly string[]; path: readonly string[] }>(
  Object.entries({
    Pod: { groups: [''], path: ['spec'] },
    PodTemplate: { groups: [''], path: ['template', 'spec'] },
    ReplicationController: { groups: [''], path: ['spec', 'template', 'spec'] },
    Deployment: { groups: ['apps', 'extensions'], path: ['spec', 'template', 'spec'] },
    StatefulSet: { groups: ['apps'], path: ['spec', 'template', 'spec'] },
    DaemonSet: { groups: ['apps', 'extensions'], path: ['spec', 'template', 'spec'] },
    ReplicaSet: { groups: ['apps', 'extensions'], path: ['spec', 'template', 'spec'] },
    Job: { groups: ['batch'], path: ['spec', 'template', 'spec'] },
    CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
    // OpenShift (its legacy manifests use the core group's `v1`) and Argo Rollouts.
    DeploymentConfig: { groups: ['apps.openshift.io', ''], path: ['spec', 'template', 'spec'] },
    Rollout: { groups: ['argoproj.io'], path: ['spec', 'template', 'spec'] },
  }),
);

/** Kinds that hold other objects: a List's `items`, an OpenShift Template's `objects`. */
const CONTAINER_KINDS: Record<string, string> = { Template: 'objects' };

/** The kinds whose pod spec this model finds. */
export const WORKLOAD_KINDS = [...POD_SPEC_PATHS.keys()];

const CONTAINER_GROUPS: readonly ContainerGroup[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** The kinds of object the Kubernetes rules judge: workloads (their pod specs) and RBAC. */
const JUDGED_KINDS = [...POD_SPEC_PATHS.keys(), 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
const JUDGED = new Set(JUDGED_KINDS);

/** Whether the Kubernetes rules judge objects of a kind (workloads and RBAC); others only name or select them. */
export function isJudgedKind(kind: string): boolean {
  return JUDGED.has(kind);
}
/** `kind: Deployment`, `"kind": "Deployment"`, in any style and at any depth (a List's items too). */
const JUDGED_KIND = new RegExp(
  String.raw`["']?kind["']?[ \t]*:[ \t]*["']?(?:${JUDGED_KINDS.join('|')})["']?[ \t]*(?:[,}\r\n#]|$)`,
  'm',
);
/** See `Workspace.configText`: a manifest file over the size read is reported when it holds one. */
const LARGE_MANIFEST: LargeConfig = {
  severity: 'medium',
  holds: (text) => JUDGED_KIND.test(text),
  part: judgedDocuments,
};

/** A line that starts or ends a YAML document (`---`, `...`): never inside one's content. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t]|$)/;

/**
 * The documents of a large stream that name a kind the rules judge, every other line blanked so that
 * lines keep their numbers: a bundle of CRDs with a Deployment among them is judged by the
 * Deployment. Undefined when those documents are larger than `max` characters together (a workload
 * padded to be too large to read).
 */
function judgedDocuments(text: string, max: number): string | undefined {
  const lines = text.split('\n');
  const out: string[] = [];
  let size = 0;
  let start = 0;
  const flush = (end: number) => {
    const doc = lines.slice(start, end);
    const keep = JUDGED_KIND.test(doc.join('\n'));
    for (const line of doc) {
      out.push(keep ? line : '');
      if (keep) size += line.length + 1;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    if (!DOCUMENT_MARKER.test(lines[i]!)) continue;
    flush(i);
    out.push(lines[i]!);
    start = i + 1;
  }
  flush(lines.length);
  return size <= max ? out.join('\n') : undefined;
}

/** A manifest starts objects at column 0; a cheap test that spares parsing every other YAML file. */
const LOOKS_LIKE_MANIFEST = /^["']?apiVersion["']?[ \t]*:/m;
const HAS_KIND = /^["']?kind["']?[ \t]*:/m;
/**
 * JSON manifests are indented, so their keys may be anywhere on a line; their `apiVersion` is a string
 * such as "v1" or "apps/v1". That spares parsing OpenAPI documents and JSON schemas, where it is an
 * object describing the field.
 */
const JSON_MANIFEST = /"apiVersion"[ \t]*:[ \t]*"(?:[a-z0-9.-]{1,253}\/)?v\d[a-z0-9]{0,20}"/;
const JSON_KIND = /"kind"[ \t]*:[ \t]*"/;

const ORIGIN: NodeSpan = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** An `apiVersion` key in any style and at any depth (flow style, indented, JSON). */
const ANY_API_VERSION = /["']?apiVersion["']?[ \t]*:/;

/**
 * Whether a file's text may hold manifests: objects at column 0 (YAML), or a JSON `apiVersion`. A YAML
 * file whose objects are written otherwise (flow style `{apiVersion: v1, kind: Pod}`, JSON, a document
 * indented as a whole) is read too when it names a kind the rules judge: the API server takes all of
 * them as written, and a parse is all a wrong guess costs.
 */
function looksLikeManifest(file: string, text: string): boolean {
  if (file.endsWith('.json')) return JSON_MANIFEST.test(text) && JSON_KIND.test(text);
  return (
    (LOOKS_LIKE_MANIFEST.test(text) && HAS_KIND.test(text)) ||
    (ANY_API_VERSION.test(text) && JUDGED_KIND.test(text))
  );
}

/** The YAML and JSON files the Kubernetes rules read: a change to any other one touches none of them. */
export const K8S_SCREEN = defineScreen('k8s-manifest', looksLikeManifest, NOT_MANIFESTS, { nonText: true });

/**
 * YAML files of the workspace that may hold manifests: not Helm templates, not kustomize patches
 * (named by a kustomization, or shaped like one, {@link isPatchFragment}, in a kustomize tree and not
 * listed among a kustomization's resources: outside one, such a shape is judged as written). Those are left out of the asking rule's scope (see
 * `Workspace.leaveOut`), so its report says so.
 */
export function k8sManifestPaths(workspace: Workspace): string[] {
  const paths: string[] = [];
  for (const f of [...workspace.screenedGlob(K8S_GLOBS, K8S_SCREEN), ...otherChartTemplates(workspace)]) {
    const chart = helmTemplate(workspace, f);
    // A chart template is judged by what every render of it writes, when that reads as YAML.
    if (chart === 'template' && readTemplateObjects(workspace, f) !== undefined) {
      paths.push(f);
      // Its objects that no rule can place are left out, and said so.
      if (unplacedTemplateObjects(workspace, f) > 0) workspace.leaveOut(f, HELM_TEMPLATE);
    } else if (chart !== undefined) workspace.leaveOut(f, HELM_TEMPLATE);
    else if (isRenderedChartFile(workspace, f)) workspace.leaveOut(f, HELM_CHART_FILE);
    else if (
      excludedByKustomize(workspace, f) ||
      (inKustomizeTree(workspace, f) &&
        !kustomizeResource(workspace, f) &&
        isPatchFile(readK8sObjects(workspace, f)))
    )
      workspace.leaveOut(f, KUSTOMIZE_PATCH);
    else paths.push(f);
  }
  return paths;
}

/**
 * The files a Helm chart renders whose names are not YAML ones (see `isChartRenderedFile`) that may
 * hold manifests: chosen by path first, so that other `templates/` folders (web pages) are not read.
 */
function otherChartTemplates(workspace: Workspace): string[] {
  const yaml = workspace.matcher(K8S_GLOBS);
  // Listed through a selector: an edit of a web page under another `templates/` folder touches nothing.
  return workspace
    .filesWhere(globSelector(CHART_TEMPLATE_GLOBS))
    .filter(
      (f) =>
        !yaml(f) &&
        isChartRenderedFile(workspace, f) &&
        workspace.memo(`screen:${K8S_SCREEN.name}`, f, (file) => workspace.passes(file, K8S_SCREEN)),
    );
}

/**
 * A file of patches: it holds a workload that is a patch fragment and no complete one. A file mixing
 * both is judged whole, since its complete workloads are applied as they stand.
 */
function isPatchFile(objects: readonly K8sObject[]): boolean {
  const workloads = objects.filter((o) =>
    POD_SPEC_PATHS.get(o.kind)?.groups.includes(apiGroup(o.apiVersion)),
  );
  return workloads.length > 0 && workloads.every(isPatchFragment);
}

/** The apps/v1 controllers whose `spec.selector` the API requires (older groups defaulted it). */
const SELECTOR_REQUIRED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * Whether a workload cannot be applied alone, so it is a strategic-merge patch that kustomize merges
 * into a complete base, even when no kustomization in the repository names it (operators add patches
 * at build time with `kustomize edit add patch`). Decided by shape, as the API server would reject
 * it: an apps/v1 controller without `spec.selector`, a pod spec without containers, or a container
 * without an `image` (a Job's selector is generated and a Pod has none, so only the containers tell
 * for them). A container lacking its image under a present selector is rejected all the same: the
 * file is a patch that also restates the selector, or broken; either way nothing runs it as written.
 */
export function isPatchFragment(object: K8sObject): boolean {
  if (
    object.apiVersion === 'apps/v1' &&
    SELECTOR_REQUIRED.has(object.kind) &&
    !isMap(childAt(object, object.node, 'spec', 'selector')?.value)
  ) {
    return true;
  }
  const pod = podSpecOf(object);
  if (!pod) return false;
  const containers = pod.node.value.containers;
  if (!Array.isArray(containers) || containers.length === 0) return true;
  return containersOf(pod).some((c) => {
    const image = c.node.value.image;
    return typeof image !== 'string' || image === '';
  });
}

/**
 * What a workload lacks that the API server requires of it, so that nothing applies it as written:
 * `spec.selector` of an apps/v1 controller, the containers of its pod spec, or a container's `image`;
 * undefined for one that can be applied (and for other kinds). Only a field that is absent counts: a
 * value of another type may be a template's placeholder (`image: {{ .Values.image }}` reads as a
 * map), which a renderer fills, so such a file is judged as written. Stricter than
 * {@link isPatchFragment}, which leaves files out.
 */
export function unappliable(object: K8sObject): string | undefined {
  if (
    object.apiVersion === 'apps/v1' &&
    SELECTOR_REQUIRED.has(object.kind) &&
    isMap(object.node.value.spec) &&
    object.node.value.spec.selector == null
  ) {
    return 'it has no spec.selector, which the apps/v1 API requires';
  }
  const pod = podSpecOf(object);
  if (!pod) return undefined;
  const containers = pod.node.value.containers;
  if (containers == null || (Array.isArray(containers) && containers.length === 0)) {
    return 'its pod spec has no containers';
  }
  const imageless = containersOf(pod, ['containers', 'initContainers']).find(
    (c) => c.node.value.image == null,
  );
  return imageless
    ? `its ${imageless.group === 'containers' ? 'container' : 'init container'} "${imageless.name}" has no image`
    : undefined;
}

/**
 * The Kubernetes objects of one file (cached per run), or an empty list when it holds none. A file
 * that looks like a manifest but does not parse is recorded as an input problem, so the
 * `unparsable-file` rule reports it; any other YAML that does not parse is left alone.
 */
export function readK8sObjects(workspace: Workspace, file: string): K8sObject[] {
  if (helmTemplate(workspace, file) === 'template') return readTemplateObjects(workspace, file) ?? [];
  return workspace.memo('k8s', file, () => {
    // A bundle of CRDs can be larger than what is read as text: one that holds an object of a kind
    // the rules judge (written anywhere in it) is reported, medium; the others have nothing to miss.
    const text = workspace.configText(file, LARGE_MANIFEST);
    if (text === undefined) return [];
    if (!looksLikeManifest(file, text)) return [];
    const parsed = parseYaml(text);
    if (!parsed.ok) {
      // Templating of any kind (`{{ }}`, or `{NAME}` or `@NAME@` placeholders a build step
      // substitutes, as sed and configure do) means the file is not meant to parse as it stands: it
      // is left out, and said so.
      if (text.includes('{{') || /\{[A-Z][A-Z0-9_]*\}|@[A-Za-z_][A-Za-z0-9_]*@/.test(text)) {
        workspace.leaveOut(file, MANIFEST_TEMPLATE);
      } else workspace.reportProblem({ path: file, ...parsed.error });
      return [];
    }
    // kubectl's YAML reader expands merge keys, which the project's reader keeps as ordinary keys.
    const merges = text.includes('<<');
    return parsed.documents.flatMap((doc) =>
      objectsIn(file, doc, '', merges ? resolveMergeKeys(doc.value) : doc.value, 0),
    );
  });
}

/**
 * The apiVersion a chart's template writes for a built-in kind whose group has one spelling: a
 * template that writes its `apiVersion` from a helper (`{{ include "common.capabilities.deployment.apiVersion" . }}`)
 * picks a version for the cluster, never another group, so the object is placed by its kind.
 */
const TEMPLATED_API_VERSION: ReadonlyMap<string, string> = new Map([
  ...['Pod', 'PodTemplate', 'ReplicationController', 'Service'].map((k): [string, string] => [k, 'v1']),
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((k): [string, string] => [k, 'apps/v1']),
  ['Job', 'batch/v1'],
  ['CronJob', 'batch/v1'],
  ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map((k): [string, string] => [
    k,
    'rbac.authorization.k8s.io/v1',
  ]),
]);

/** What {@link readTemplateObjects} reads of a template: the objects placed, and how many were not. */
interface TemplateObjects {
  objects: K8sObject[];
  unplaced: number;
}

/**
 * The objects of a Helm chart template as every render writes them (see `templateAsYaml`): what the
 * chart's values decide reads as `TEMPLATE_VALUE`, and each object knows which of its lines a render
 * writes only for some values. An object whose `apiVersion` a value or helper writes is placed by its
 * kind when that is a built-in kind ({@link TEMPLATED_API_VERSION}). Undefined when that text is no
 * YAML, or holds no object a rule can place (a template that writes its structure from values or
 * includes, or its kind), which is then left out as a template.
 */
export function readTemplateObjects(workspace: Workspace, file: string): K8sObject[] | undefined {
  return templateObjects(workspace, file)?.objects;
}

/**
 * A template's text read as YAML (see `templateAsYaml`). A repeated key keeps its last value, as
 * helm's output is read (a template that writes `labels:` twice installs). What the chart's named
 * templates write where a line includes them is read first; a template that does not read as YAML
 * with them is read without. A branch's lines may not fit the other's: then the branches a render
 * writes instead of the first, and then every line only some renders write, are blanked in turn, so
 * what every render writes is still judged.
 */
function templateYaml(
  text: string,
  includes?: (name: string) => string | undefined,
): {
  read: ReturnType<typeof templateAsYaml>;
  yaml: string;
  parsed: ReturnType<typeof parseYaml>;
} {
  let read = templateAsYaml(text, includes);
  let yaml = read.text;
  let parsed = parseYaml(yaml, undefined, HELM_OUTPUT);
  for (const withIncludes of includes ? [true, false] : [false]) {
    if (includes && !withIncludes && !parsed.ok) {
      read = templateAsYaml(text);
      yaml = read.text;
      parsed = parseYaml(yaml, undefined, HELM_OUTPUT);
    }
    for (const drop of [read.alternative, read.conditional]) {
      if (parsed.ok || drop.size === 0) continue;
      yaml = blanked(read.text, drop);
      parsed = parseYaml(yaml, undefined, HELM_OUTPUT);
    }
  }
  return { read, yaml, parsed };
}

/**
 * Whether a render with the chart's default values leaves the object out: its chart is a subchart
 * its parent's defaults switch off, or its first line is inside a block the defaults leave out.
 */
export function omittedByDefault(object: K8sObject): boolean {
  const template = object.template;
  if (!template) return false;
  if (template.skipped) return true;
  return template.defaults?.omitted.has(object.node.span.start.line) ?? false;
}

/** How many objects of a chart template no rule can place (see {@link readTemplateObjects}). */
export function unplacedTemplateObjects(workspace: Workspace, file: string): number {
  return templateObjects(workspace, file)?.unplaced ?? 0;
}

/** The text with these lines (1-based) blanked. */
function blanked(text: string, lines: ReadonlySet<number>): string {
  return text
    .split('\n')
    .map((l, i) => (lines.has(i + 1) ? '' : l))
    .join('\n');
}

/** How helm's output is read: a repeated key keeps its last value. */
const HELM_OUTPUT: YamlDialect = { duplicateKeys: 'last' };

function templateObjects(workspace: Workspace, file: string): TemplateObjects | undefined {
  return workspace.memo('k8s-template', file, () => {
    const text = workspace.configText(file, LARGE_MANIFEST);
    if (text === undefined) return undefined;
    // Read as the chart's default values render it, where that is certain; as every render writes
    // it when that reading is no YAML (a value's YAML that does not fit where the template puts it).
    const includes = text.includes('nindent') ? chartIncludes(workspace, file) : undefined;
    const values = chartValues(workspace, file);
    const render = values ? defaultRender(text, values) : undefined;
    let defaults = render;
    let got = templateYaml(render?.text ?? text, includes);
    if (!got.parsed.ok && render) {
      got = templateYaml(text, includes);
      defaults = undefined;
    }
    const { read, yaml, parsed } = got;
    if (!parsed.ok) return undefined;
    // A line inside blocks the default values write is written by the render without values.
    const conditional = defaults
      ? new Set([...read.conditional].filter((line) => !defaults.written.has(line)))
      : read.conditional;
    const template: NonNullable<K8sObject['template']> = defaults
      ? {
          conditional,
          defaults: {
            file: defaults.file,
            origin: defaults.origin,
            omitted: defaults.omitted,
            sources: defaults.sources,
            replaced: defaults.replaced,
          },
          source: text,
        }
      : { conditional, source: text };
    // A subchart its parent's defaults turn off is not rendered by default, whatever its values say.
    if (values?.skipped) template.skipped = values.skipped;
    const merges = yaml.includes('<<');
    const objects = parsed.documents.flatMap((doc) =>
      objectsIn(file, doc, '', merges ? resolveMergeKeys(doc.value) : doc.value, 0).map((o) => ({
        ...o,
        template,
      })),
    );
    for (const o of objects) {
      const placed = o.apiVersion.includes(TEMPLATE_VALUE) ? TEMPLATED_API_VERSION.get(o.kind) : undefined;
      if (placed !== undefined) o.apiVersion = placed;
    }
    // A template whose objects its includes or values write whole shows none of them, and one whose
    // `apiVersion` (of a kind not built in) or `kind` a value writes holds objects no rule can place:
    // those are left out, as a template, rather than judged as holding nothing.
    const placed = objects.filter((o) => !`${o.apiVersion}\u0000${o.kind}`.includes(TEMPLATE_VALUE));
    return placed.length > 0 ? { objects: placed, unplaced: objects.length - placed.length } : undefined;
  });
}

/**
 * Every object of every manifest in the workspace, in index and source order, then the objects the
 * kustomizations build that their patches change (see {@link kustomizeBuiltObjects}): a rule judges
 * both, and reports a problem of a built object that the base manifest has too once, at the base
 * (see `ownFindings` in the Kubernetes evaluators' shared helpers). A workload that cannot
 * be applied as written ({@link unappliable}) in a file no kustomization lists as a resource carries
 * why, in `unappliable`: a patch merged into a base this repository does not hold (a kustomization a
 * build step or Terraform writes), whose missing settings the base may set.
 */
export function k8sObjects(workspace: Workspace): K8sObject[] {
  // Every Kubernetes rule asks; the file walk is done once per run.
  return workspace.memo('k8s-objects', '', () => [
    ...k8sManifestPaths(workspace).flatMap((f) => {
      const objects = readK8sObjects(workspace, f);
      // A kustomize resource is completed by its kustomization (labels add the selector): judged whole.
      const resource = objects.some((o) => podSpecOf(o)) && kustomizeResource(workspace, f);
      for (const o of objects) {
        const lacks = resource ? undefined : unappliable(o);
        if (lacks === undefined) delete o.unappliable;
        else o.unappliable = lacks;
      }
      return objects;
    }),
    ...kustomizeBuiltObjects(workspace),
  ]);
}

function objectsIn(
  path: string,
  document: YamlDocument,
  pointer: string,
  value: unknown,
  depth: number,
  root: unknown = value,
): K8sObject[] {
  if (!isMap(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') return [];
  const node = { value, pointer, span: spanOf(document, pointer) };
  // `kubectl get -o yaml` wraps objects in a List, OpenShift Templates list theirs under `objects`;
  // neither nests, so one level is enough.
  const member = value.kind.endsWith('List') ? 'items' : CONTAINER_KINDS[value.kind];
  const members = member === undefined ? undefined : value[member];
  if (member !== undefined && Array.isArray(members) && depth === 0) {
    return members.flatMap((item, i): K8sObject[] =>
      objectsIn(path, document, `${pointer}/${member}/${i}`, item, depth + 1, root),
    );
  }
  const object: K8sObject = {
    path,
    document,
    root,
    apiVersion: value.apiVersion,
    kind: value.kind,
    node,
  };
  if (isMap(value.metadata) && typeof value.metadata.name === 'string') object.name = value.metadata.name;
  if (
    isMap(value.metadata) &&
    typeof value.metadata.namespace === 'string' &&
    value.metadata.namespace !== ''
  )
    object.namespace = value.metadata.namespace;
  return [object];
}

/** The API group of an `apiVersion` (`apps/v1` -> `apps`, `v1` -> the core group ""). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** The pod spec of a workload object, or undefined for other kinds (and custom resources). */
export function podSpecOf(object: K8sObject): PodSpec | undefined {
  // A Map, not an object: `kind: constructor` must not find Object.prototype.
  const known = POD_SPEC_PATHS.get(object.kind);
  if (!known?.groups.includes(apiGroup(object.apiVersion))) return undefined;
  const node = childAt(object, object.node, ...known.path);
  return node && isMap(node.value) ? { object, node: node as K8sNode<Record<string, unknown>> } : undefined;
}

/** The metadata of the pod a spec describes (`spec.template.metadata`, or a Pod's own `metadata`). */
export function podMetadata(pod: PodSpec): K8sNode<Record<string, unknown>> | undefined {
  const pointer = pod.node.pointer.replace(/\/spec$/, '/metadata');
  const tokens = pointer
    .split('/')
    .slice(1)
    .map((t) => (/^\d+$/.test(t) ? Number(t) : t.replaceAll('~1', '/').replaceAll('~0', '~')));
  const node = childAt(pod.object, { value: pod.object.root, pointer: '', span: pod.node.span }, ...tokens);
  return node && isMap(node.value) ? (node as K8sNode<Record<string, unknown>>) : undefined;
}

/** The containers of a pod spec: init containers first, then containers, then ephemeral ones. */
export function containersOf(
  pod: PodSpec,
  groups: readonly ContainerGroup[] = CONTAINER_GROUPS,
): Container[] {
  const out: Container[] = [];
  const push = (group: ContainerGroup, value: unknown, pointer: string, index: number, name?: string) => {
    if (!isMap(value)) return;
    out.push({
      pod,
      group,
      index,
      name: typeof value.name === 'string' ? value.name : (name ?? `#${index}`),
      node: { value, pointer, span: spanOf(pod.object.document, pointer) },
    });
  };
  if (pod.nested) {
    // A pod-like spec of another kind: its lists in its own order, each container named by its key
    // when it has no name (`stepTemplate`, `container`), or by key and index (`steps#0`).
    for (const { group, key, single } of pod.nested.lists) {
      if (!groups.includes(group)) continue;
      const value = pod.node.value[key];
      const at = `${pod.node.pointer}/${key}`;
      if (single) push(group, value, at, 0, key);
      else if (Array.isArray(value))
        value.forEach((v, i) => {
          push(group, v, `${at}/${i}`, i, `${key}#${i}`);
        });
    }
    return out;
  }
  for (const group of CONTAINER_GROUPS) {
    if (!groups.includes(group)) continue;
    const list = pod.node.value[group];
    if (!Array.isArray(list)) continue;
    list.forEach((value, index) => {
      push(group, value, `${pod.node.pointer}/${group}/${index}`, index);
    });
  }
  return out;
}

/**
 * Every pod spec of the workspace's workloads; with `nested`, also those found by their shape in
 * objects of other kinds ({@link nestedPodSpecsOf}).
 */
export function podSpecs(workspace: Workspace, nested = false): PodSpec[] {
  return k8sObjects(workspace).flatMap((o) => {
    const pod = podSpecOf(o);
    if (pod) return [pod];
    return nested ? nestedPodSpecsOf(o) : [];
  });
}

const POD_LISTS: readonly ContainerList[] = CONTAINER_GROUPS.map((group) => ({ group, key: group }));
/** A Tekton Task's steps and sidecars, and the step template every step inherits its settings from. */
const STEP_LISTS: readonly ContainerList[] = [
  { group: 'containers', key: 'stepTemplate', single: true },
  { group: 'containers', key: 'steps' },
  { group: 'containers', key: 'sidecars' },
];
/** An Argo Workflows template: its one container (or script), and its init and sidecar containers. */
const TEMPLATE_LISTS: readonly ContainerList[] = [
  { group: 'initContainers', key: 'initContainers' },
  { group: 'containers', key: 'container', single: true },
  { group: 'containers', key: 'script', single: true },
  { group: 'containers', key: 'sidecars' },
];
/** How deep a pod spec is looked for in an object of another kind, and how many values are visited. */
const NESTED_DEPTH = 14;
const NESTED_BUDGET = 20_000;

const NESTED = new WeakMap<K8sObject, PodSpec[]>();
const hasImage = (v: unknown) => isMap(v) && typeof v.image === 'string';
const someWithImage = (v: unknown) => Array.isArray(v) && v.some(hasImage);

/**
 * The pod specs an object of a kind this model does not list holds, found by their shape: a map
 * whose `containers` are containers with an image (a Knative Service's, an OpenKruise CloneSet's, the
 * jobs of a JobSet, a Pod embedded in a Crossplane Object), a Tekton Task's `steps`, or an Argo
 * Workflows template's `container` or `script`. Operators create pods from them as written, so what
 * they set (privileged, host namespaces, host paths) is judged as in a Deployment. Bounded in depth
 * and in values visited; a pod spec is not searched for another inside it.
 */
export function nestedPodSpecsOf(object: K8sObject): PodSpec[] {
  if (POD_SPEC_PATHS.has(object.kind) || object.kind === 'CustomResourceDefinition') return [];
  // The workspace parses an object once per run; each rule that asks reuses the walk.
  const cached = NESTED.get(object);
  if (cached) return cached;
  const out: PodSpec[] = [];
  NESTED.set(object, out);
  let budget = NESTED_BUDGET;
  const visit = (value: unknown, pointer: string, depth: number) => {
    if (--budget < 0 || depth > NESTED_DEPTH) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        visit(v, `${pointer}/${i}`, depth + 1);
      });
      return;
    }
    if (!isMap(value)) return;
    const lists =
      Array.isArray(value.containers) && value.containers.length > 0 && value.containers.every(hasImage)
        ? POD_LISTS
        : someWithImage(value.steps)
          ? STEP_LISTS
          : hasImage(value.container) || hasImage(value.script)
            ? TEMPLATE_LISTS
            : undefined;
    if (depth > 0 && lists) {
      const node = { value, pointer, span: spanOf(object.document, pointer) };
      out.push({ object, node, nested: { pointer, lists } });
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (depth === 0 && (k === 'status' || k === 'metadata')) continue;
      visit(v, `${pointer}/${escapePointerToken(k)}`, depth + 1);
    }
  };
  visit(object.node.value, object.node.pointer, 0);
  return out;
}

/** The value under `base` at `tokens`, or undefined when any step is missing. */
export function childAt(
  object: K8sObject,
  base: K8sNode,
  ...tokens: (string | number)[]
): K8sNode | undefined {
  let value: unknown = base.value;
  let pointer = base.pointer;
  for (const token of tokens) {
    if (isMap(value) && typeof token === 'string' && Object.hasOwn(value, token)) value = value[token];
    else if (Array.isArray(value) && typeof token === 'number' && token < value.length) value = value[token];
    else return undefined;
    pointer += `/${escapePointerToken(token)}`;
  }
  return { value, pointer, span: spanOf(object.document, pointer) };
}

/**
 * How a workload is named in messages: `Deployment "web"` and, for a container, `container "app"`. A
 * name a chart's template writes with an action is said as the template writes it:
 * `DaemonSet {{ include "node-exporter.fullname" . }}`.
 */
export function describeObject(object: K8sObject): string {
  if (!object.name) return object.kind;
  const said = templatedName(object, `${object.node.pointer}/metadata/name`, object.name);
  return said ? `${object.kind} ${said}` : `${object.kind} "${object.name}"`;
}

/** Like {@link describeObject}, with the container: `container "app" of Deployment "web"`. */
export function describeContainer(c: Container): string {
  const group =
    c.group === 'containers'
      ? 'container'
      : c.group === 'initContainers'
        ? 'init container'
        : 'ephemeral container';
  const said = templatedName(c.pod.object, `${c.node.pointer}/name`, c.name);
  return `${group} ${said ?? `"${c.name}"`} of ${describeObject(c.pod.object)}`;
}

/** The longest template text said for a name: a longer one reads as its placeholder. */
const MAX_SAID_NAME = 120;

/**
 * A name a chart's template writes with an action, as the template's line writes it
 * (`{{ include "app.fullname" . }}`, `{{ .Release.Name }}-worker`); undefined for a name written out,
 * or a line that is not `name: value` alone.
 */
function templatedName(object: K8sObject, pointer: string, name: string): string | undefined {
  const source = object.template?.source;
  if (source === undefined || !name.includes(TEMPLATE_VALUE)) return undefined;
  const at = object.document.span(pointer)?.start.line;
  if (at === undefined) return undefined;
  const value = /^[ \t]*(?:-[ \t]+)?name[ \t]*:[ \t]*(.*?)(?:[ \t]+#.*)?[ \t]*\r?$/.exec(
    lineOf(source, at),
  )?.[1];
  if (!value?.includes('{{')) return undefined;
  const bare = /^(["'])(.*)\1$/.exec(value)?.[2] ?? value;
  return bare.length <= MAX_SAID_NAME ? bare : undefined;
}

/** Line `line` (1-based) of a text, without its end. */
function lineOf(text: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}

/**
 * A stable key for a finding: file-independent content, never a line number. The namespace is part of
 * the object's identity (a Deployment `app` in `shop` and one in `kube-system` are two objects, and
 * moving one between them is a new one); an object that names none keeps the key of its name alone.
 * A name cannot hold `/`, so `namespace/name` is unambiguous.
 */
export function occurrenceKey(object: K8sObject, ...parts: string[]): string {
  const name =
    object.namespace === undefined ? (object.name ?? '') : `${object.namespace}/${object.name ?? ''}`;
  return [object.kind, name, ...parts].join('\u0000');
}

function spanOf(document: YamlDocument, pointer: string): NodeSpan {
  // A value that only exists through an alias or merge key has no span of its own.
  return document.span(pointer) ?? document.nearestSpan(pointer) ?? ORIGIN;
}

/** A YAML mapping (not a sequence, not null). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
