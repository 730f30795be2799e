import path from 'node:path';
import { inGithubConfig, inTestPaths } from '../../confidence.js';
import { locationFromSpan } from '../../location.js';
import { defaultValuesNote, templateColumn } from '../../parsers/helm-values.js';
import {
  type Container,
  childAt,
  containersOf,
  describeObject,
  isMap,
  type K8sNode,
  type K8sObject,
  k8sObjects,
  occurrenceKey,
  omittedByDefault,
  type PodSpec,
  podSpecs,
} from '../../parsers/k8s.js';
import { kustomizeListings, TEMPLATE_VALUE } from '../../parsers/k8s-files.js';
import { type CommandView, scriptCommands } from '../../parsers/shell-commands.js';
import { ACTION_GLOBS, WORKFLOW_GLOBS } from '../../parsers/workflow.js';
import { kubernetesBoolean } from '../../parsers/yaml-boolean.js';
import type { RawFinding } from '../../types.js';
import { defineScreen, defineSelector, keysOfNames } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { parseYaml } from '../../workspace/yaml.js';
import { type KindNames, kindNames } from './kind-binary.js';

/**
 * Helpers shared by the Kubernetes evaluators: iteration over pods and containers, security-context
 * lookups with pod-level inheritance, and findings located at a manifest value.
 */

/**
 * Every Kubernetes rule reads every manifest (one shared parse), but judges only its subjects: it
 * examined the files that hold one, so a rule about containers over a tree of ConfigMaps and Services,
 * or an RBAC rule over manifests without roles, has nothing to pass on (its control is not assessed).
 */
export function examineObjects(workspace: Workspace, subjects: Iterable<K8sObject | PodSpec>): void {
  const files = new Set<string>();
  for (const s of subjects) files.add('object' in s ? s.object.path : s.path);
  workspace.examineOnly(files);
}

/**
 * The pod specs of the workspace's workloads, for a rule that judges pods or containers: the rule
 * examined the files that hold them (workloads, pods, pod templates), not every manifest it read.
 */
export function examinedPods(workspace: Workspace, nested = false): PodSpec[] {
  const pods = podSpecs(workspace, nested);
  // Before the scope narrows: autoscalers, kustomizations and the scripts that apply a manifest
  // only decide how a pod is judged.
  const idle = idleWorkloads(workspace);
  for (const pod of pods) {
    const why = idle.get(pod.object);
    if (why === undefined) IDLE.delete(pod.object);
    else IDLE.set(pod.object, why);
  }
  noteKindFixtures(
    workspace,
    pods.map((pod) => pod.object),
  );
  examineObjects(workspace, pods);
  return pods;
}

/** Kustomizations, whose `replicas:` field sets the count of named workloads in an overlay. */
export const KUSTOMIZATIONS = ['**/kustomization.yaml', '**/kustomization.yml', '**/Kustomization'];

/** Objects that scale a workload by its `spec.scaleTargetRef` (the HPA, KEDA's ScaledObject). */
const SCALERS = new Set(['HorizontalPodAutoscaler', 'ScaledObject']);

/** The workload kinds whose `spec.replicas` is their number of pods. */
const REPLICA_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'DeploymentConfig',
  'Rollout',
]);

/** The namespace of an object's metadata, or "" when it names none. */
export function namespaceOf(object: K8sObject): string {
  const meta = object.node.value.metadata;
  return isMap(meta) && typeof meta.namespace === 'string' ? meta.namespace : '';
}

export function targetKey(kind: string, name: string, namespace: string): string {
  return `${kind}\u0000${name}\u0000${namespace}`;
}

/** The workload an autoscaler targets; an autoscaler without a namespace matches one without either. */
export function scaleTarget(object: K8sObject): string[] {
  // An autoscaler a chart writes only when a user's values turn it on scales nothing by default.
  if (!SCALERS.has(object.kind) || omittedByDefault(object)) return [];
  const ref = childAt(object, object.node, 'spec', 'scaleTargetRef');
  if (!ref || !isMap(ref.value) || typeof ref.value.name !== 'string') return [];
  const kind = typeof ref.value.kind === 'string' ? ref.value.kind : 'Deployment';
  return [targetKey(kind, ref.value.name, namespaceOf(object))];
}

/** Workload names whose replica count a kustomization overrides (`replicas: [{ name, count }]`). */
export function kustomizeReplicas(ws: Workspace): Set<string> {
  const names = new Set<string>();
  for (const file of ws.glob(KUSTOMIZATIONS)) {
    const parsed = ws.yaml(file);
    const doc = parsed?.ok ? parsed.documents[0]?.value : undefined;
    const list = isMap(doc) ? doc.replicas : undefined;
    if (!Array.isArray(list)) continue;
    for (const item of list) if (isMap(item) && typeof item.name === 'string') names.add(item.name);
  }
  return names;
}

/**
 * Why a workload's pods do not run, as the last {@link examinedPods} of the run found it: scaled to
 * zero (see {@link idleWorkloads}). Keyed by the object, which the workspace parses once per run.
 */
const IDLE = new WeakMap<K8sObject, string>();

/** Why a finding on a workload scaled to zero has low confidence; part of its message. */
export const IDLE_NOTE =
  'the workload is scaled to zero (replicas: 0) and no autoscaler, kustomization or command in the repository scales it: none of its pods runs until it is scaled up, when the gap is real';

/**
 * Which workloads something of the repository may scale, by name: a name (`names`), a kustomize
 * target's name pattern (`patterns`), or any workload (`all`: a patch or command that names none,
 * or names it by a label selector or a variable).
 */
interface ScaledNames {
  names: Set<string>;
  patterns: RegExp[];
  /** Patch targets by label selector (and kind): the workloads whose labels they select. */
  selectors: { kind?: string; labels: Map<string, string> }[];
  all: boolean;
}

/**
 * A kustomize target without a name: by an equality label selector (`app=web,tier in ...` is not
 * one) and perhaps a kind, it scales the workloads it selects; any other target may scale any.
 */
function addTargetSelector(scaled: ScaledNames, target: Record<string, unknown>): void {
  const selector = target.labelSelector;
  const kind = typeof target.kind === 'string' ? { kind: target.kind } : {};
  if (selector === undefined && target.annotationSelector === undefined) {
    // By kind alone (or nothing): every workload of that kind.
    scaled.selectors.push({ ...kind, labels: new Map() });
    return;
  }
  if (typeof selector !== 'string' || selector.trim() === '' || target.annotationSelector !== undefined) {
    scaled.all = true;
    return;
  }
  const labels = new Map<string, string>();
  for (const term of selector.split(',')) {
    const m = /^\s*([\w./-]+)\s*==?\s*([\w.-]*)\s*$/.exec(term);
    if (!m) {
      scaled.all = true;
      return;
    }
    labels.set(m[1]!, m[2]!);
  }
  scaled.selectors.push({ ...kind, labels });
}

/**
 * Whether a label selector of a patch's target selects `object` (its kind, and every label): by the
 * labels of its manifest, or by those any kustomization adds (`added`, see {@link kustomizeRenames}),
 * which kustomize sets on the resources it builds before an overlay's patches select them.
 */
function selects(
  selector: ScaledNames['selectors'][number],
  object: K8sObject,
  added: ReadonlyMap<string, ReadonlySet<string>>,
): boolean {
  if (selector.kind !== undefined && selector.kind !== object.kind) return false;
  const meta = isMap(object.node.value.metadata) ? object.node.value.metadata : undefined;
  const labels = meta && isMap(meta.labels) ? meta.labels : {};
  for (const [key, value] of selector.labels) {
    if (String(labels[key] ?? '\u0000') !== value && !added.get(key)?.has(value)) return false;
  }
  return true;
}

/**
 * What the kustomizations of the repository change in the resources they build, whichever builds the
 * workload: the labels they add (`commonLabels`, `labels[].pairs`) by key, and the name prefixes and
 * suffixes (`namePrefix`, `nameSuffix`). A patch of an overlay selects the resources of its bases as
 * built, with those labels and names; which kustomization builds which workload is not followed, so
 * each is taken to apply to every workload (conservative: it only adds ways to select it).
 */
interface KustomizeRenames {
  labels: Map<string, Set<string>>;
  prefixes: Set<string>;
  suffixes: Set<string>;
}

function kustomizeRenames(ws: Workspace): KustomizeRenames {
  return ws.memo('k8s-kustomize-renames', '', () => {
    const renames: KustomizeRenames = { labels: new Map(), prefixes: new Set(), suffixes: new Set() };
    const addLabels = (map: unknown) => {
      if (!isMap(map)) return;
      for (const [key, value] of Object.entries(map)) {
        if (value === null || typeof value === 'object') continue;
        const values = renames.labels.get(key) ?? new Set<string>();
        renames.labels.set(key, values.add(String(value)));
      }
    };
    for (const file of ws.glob(KUSTOMIZATIONS)) {
      const parsed = ws.yaml(file);
      const doc = parsed?.ok ? parsed.documents[0]?.value : undefined;
      if (!isMap(doc)) continue;
      addLabels(doc.commonLabels);
      for (const entry of Array.isArray(doc.labels) ? doc.labels : [])
        if (isMap(entry)) addLabels(entry.pairs);
      if (typeof doc.namePrefix === 'string' && doc.namePrefix !== '') renames.prefixes.add(doc.namePrefix);
      if (typeof doc.nameSuffix === 'string' && doc.nameSuffix !== '') renames.suffixes.add(doc.nameSuffix);
    }
    return renames;
  });
}

/** At most this many names a workload may have once built: beyond it, any name may be its. */
const MAX_BUILT_NAMES = 512;

/**
 * The names a workload named `name` may have once kustomizations build it: its own, with the prefixes
 * and suffixes of up to three nested kustomizations around it (an overlay's prefix goes before its
 * base's). Undefined when there are too many to list.
 */
function builtNames(name: string, renames: KustomizeRenames): Set<string> | undefined {
  const around = (parts: ReadonlySet<string>): string[] => {
    let all = [''];
    let level = [''];
    for (let depth = 0; depth < 3 && parts.size > 0; depth++) {
      level = level.flatMap((s) => [...parts].map((p) => p + s));
      all = all.concat(level);
      if (all.length > MAX_BUILT_NAMES) return all;
    }
    return all;
  };
  const prefixes = around(renames.prefixes);
  // Every order of the parts is listed: appending or prepending each gives the same names.
  const suffixes = around(renames.suffixes);
  if (prefixes.length * suffixes.length > MAX_BUILT_NAMES) return undefined;
  const names = new Set<string>();
  for (const p of prefixes) for (const s of suffixes) names.add(p + name + s);
  return names;
}

const MENTIONS_REPLICAS = /\breplicas\b/;

/** A kustomize target's `name`, which kustomize matches as an anchored regular expression. */
function addTargetName(scaled: ScaledNames, name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    scaled.all = true;
    return;
  }
  // Only a name without a character that means something in a pattern (a `.` matches any) is taken
  // as written.
  if (/^[\w-]+$/.test(name)) {
    scaled.names.add(name);
    return;
  }
  try {
    scaled.patterns.push(new RegExp(`^(?:${name})$`));
  } catch {
    scaled.all = true;
  }
}

/**
 * A patch of a kustomization (`patches`, `patchesStrategicMerge`, `patchesJson6902`; inline or in a
 * file): its text, and its target (a map; `other` for a target that is not one; undefined when it
 * has none, and the objects the patch names are its targets).
 */
interface KustomizePatch {
  kustomization: string;
  /** The patch's file, for one that is not inline. */
  file?: string;
  text: string;
  target: Record<string, unknown> | 'other' | undefined;
}

/** Every patch of every kustomization of the repository (see {@link KustomizePatch}). */
function kustomizePatches(ws: Workspace): KustomizePatch[] {
  return ws.memo('k8s-kustomize-patches', '', () => {
    const out: KustomizePatch[] = [];
    for (const file of ws.glob(KUSTOMIZATIONS)) {
      const parsed = ws.yaml(file);
      const doc = parsed?.ok ? parsed.documents[0]?.value : undefined;
      if (!isMap(doc)) continue;
      const dir = path.posix.dirname(file);
      const content = (ref: unknown): { text: string; file?: string } | undefined => {
        if (typeof ref !== 'string') return undefined;
        // An inline patch is YAML text; a one-line string is a file's path.
        if (ref.includes('\n')) return { text: ref };
        const patchFile = path.posix.normalize(path.posix.join(dir, ref.trim()));
        const text = ws.text(patchFile);
        return text === undefined ? undefined : { text, file: patchFile };
      };
      const merge = doc.patchesStrategicMerge;
      for (const entry of Array.isArray(merge) ? merge : []) {
        const patch = content(entry);
        if (patch !== undefined) out.push({ kustomization: file, ...patch, target: undefined });
      }
      for (const key of ['patches', 'patchesJson6902']) {
        const list = doc[key];
        for (const entry of Array.isArray(list) ? list : []) {
          if (!isMap(entry)) continue;
          const patch = content(entry.patch) ?? content(entry.path);
          if (patch === undefined) continue;
          const target = isMap(entry.target)
            ? entry.target
            : entry.target !== undefined
              ? 'other'
              : undefined;
          out.push({ kustomization: file, ...patch, target });
        }
      }
    }
    return out;
  });
}

/** Adds the workloads a patch may change to `scaled`: those its target names or selects, or those it names. */
function addPatchTargets(scaled: ScaledNames, patch: KustomizePatch): void {
  const { target, text } = patch;
  if (target === 'other') {
    scaled.all = true;
  } else if (target !== undefined) {
    if (target.name !== undefined) addTargetName(scaled, target.name);
    else addTargetSelector(scaled, target);
  } else {
    const parsed = parseYaml(text);
    const names = parsed.ok
      ? parsed.documents.flatMap((d) => {
          const meta = isMap(d.value) ? d.value.metadata : undefined;
          return isMap(meta) && typeof meta.name === 'string' ? [meta.name] : [];
        })
      : [];
    if (names.length === 0) scaled.all = true;
    for (const name of names) scaled.names.add(name);
  }
}

/**
 * The workloads the kustomizations' patches may scale: a patch (`patches`, `patchesStrategicMerge`,
 * `patchesJson6902`; inline or in a file) that mentions `replicas` anywhere, for the workload its
 * target names, or, without a target, each object the patch itself names (a strategic-merge patch's
 * `metadata.name`). Conservative: a patch whose target or objects name no workload scales them all.
 */
function kustomizePatchedReplicas(ws: Workspace, scaled: ScaledNames): void {
  for (const patch of kustomizePatches(ws)) {
    if (!MENTIONS_REPLICAS.test(patch.text) || setsOnlyZero(patch.text)) continue;
    addPatchTargets(scaled, patch);
  }
}

/**
 * Whether `matches` holds for the workload `object` as kustomize builds it: by its name with the
 * prefixes and suffixes kustomizations may give it (see {@link builtNames}), or by a label selector
 * of `scaled`. Too many possible names: it may be any.
 */
function targeted(
  ws: Workspace,
  object: K8sObject,
  scaled: ScaledNames,
  matches = (_: string) => false,
): boolean {
  if (scaled.all) return true;
  const renames = kustomizeRenames(ws);
  const names = builtNames(object.name ?? '', renames);
  if (names === undefined) return true;
  const hit = (n: string) => matches(n) || scaled.names.has(n) || scaled.patterns.some((p) => p.test(n));
  if ([...names].some(hit)) return true;
  return scaled.selectors.some((selector) => selects(selector, object, renames.labels));
}

/**
 * The kustomizations of the repository and the files of their patches: what they change in a workload
 * is read by {@link patchedBy}, for the workloads their patches select.
 */
export function kustomizePatchFiles(ws: Workspace): Set<string> {
  return new Set([
    ...ws.glob(KUSTOMIZATIONS),
    ...kustomizePatches(ws).flatMap((p) => (p.file ? [p.file] : [])),
  ]);
}

/**
 * The kustomization whose patch (see {@link KustomizePatch}) may change the workload `object` (by its
 * target, or the objects it names, as kustomize builds the workload) and whose text `relevant`
 * accepts; undefined when none.
 */
export function patchedBy(
  ws: Workspace,
  object: K8sObject,
  relevant: (text: string) => boolean,
): string | undefined {
  for (const patch of kustomizePatches(ws)) {
    if (!relevant(patch.text)) continue;
    const scaled: ScaledNames = { names: new Set(), patterns: [], selectors: [], all: false };
    addPatchTargets(scaled, patch);
    if (targeted(ws, object, scaled)) return patch.kustomization;
  }
  return undefined;
}

/**
 * Whether a patch sets the replica count only to `0` (`replicas: 0`, or JSON 6902 operations on a
 * `replicas` path whose `value` is 0): it scales nothing up. A patch that cannot be read, or sets any
 * other value, may.
 */
function setsOnlyZero(text: string): boolean {
  const patch = parseYaml(text);
  if (!patch.ok) return false;
  const values: unknown[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 64) {
      values.push(undefined);
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    if (!isMap(node)) return;
    if (typeof node.path === 'string' && /replicas/.test(node.path) && 'value' in node)
      values.push(node.value);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'replicas') values.push(value);
      else visit(value, depth + 1);
    }
  };
  for (const d of patch.documents) visit(d.value, 0);
  return values.length > 0 && values.every((v) => v === 0);
}

/** Workflows, actions and the scripts and task files a deployment runs `kubectl` from. */
const COMMAND_FILES = [
  ...WORKFLOW_GLOBS,
  ...ACTION_GLOBS,
  '**/*.sh',
  '**/*.bash',
  '**/Makefile',
  '**/*.mk',
  '**/[Jj]ustfile',
  '**/Taskfile.{yml,yaml}',
];

/** A `kubectl` or `oc` command that scales or patches, to the end of its command. */
const SCALE_COMMAND = /\b(?:kubectl|oc)\b([^\n;&|]*?\b(?:scale|patch)\b[^\n;&|]*)/g;
/** Options whose value is no workload's name. */
const VALUE_OPTIONS = new Set([
  '-n',
  '--namespace',
  '--context',
  '--cluster',
  '--kubeconfig',
  '-o',
  '--output',
]);

/**
 * The workloads a workflow, action or script scales up: `kubectl scale deployment/agent --replicas=3`
 * (or `oc scale`, or `kubectl patch ... replicas ...`). Every word of the command may name the
 * workload (`deployment agent`, `deploy/agent`); a selector, `--all`, a file or a variable scales
 * any. A count written as `0` scales nothing up; one written otherwise (a variable) may.
 */
function commandReplicas(ws: Workspace, scaled: ScaledNames): void {
  for (const file of ws.glob(COMMAND_FILES)) {
    const raw = ws.text(file);
    if (raw === undefined || !/\b(?:kubectl|oc)\b/.test(raw) || !MENTIONS_REPLICAS.test(raw)) continue;
    const text = raw.replace(/\\\r?\n/g, ' ');
    for (const m of text.matchAll(SCALE_COMMAND)) {
      const command = m[1]!;
      if (!MENTIONS_REPLICAS.test(command)) continue;
      if (/--replicas[=\s]+["']?0["']?(?:\s|$)/.test(command)) continue;
      const words = command.trim().split(/\s+/);
      for (let i = 0; i < words.length; i++) {
        const word = words[i]!.replace(/^["']|["']$/g, '');
        if (/^(?:-l|--selector|--all|-f|--filename|-k|--kustomize)(?:=|$)/.test(word)) {
          scaled.all = true;
          continue;
        }
        if (VALUE_OPTIONS.has(word)) {
          i++;
          continue;
        }
        // Other options (the count, `--namespace=$NS`) name no workload, whatever their value.
        if (word.startsWith('-')) continue;
        if (/\$|\{\{|%|`/.test(word)) {
          scaled.all = true;
          continue;
        }
        scaled.names.add(word.slice(word.lastIndexOf('/') + 1));
      }
    }
  }
}

/**
 * The workloads switched off in the manifests: `replicas: 0` written as a number, with no
 * HorizontalPodAutoscaler or KEDA ScaledObject of the manifests naming them (in any namespace), no
 * kustomization setting their count (its `replicas:` field, or a patch that mentions replicas, see
 * {@link kustomizePatchedReplicas}), and no workflow or script scaling them up (`kubectl scale`, see
 * {@link commandReplicas}). Their hardening findings are reported at low confidence:
 * nothing of them runs as committed. A pull request can write `replicas: 0`, but then the workload
 * it adds or changes does not run; the change that scales it up is the one that makes the gap real,
 * and it restores the findings' confidence.
 */
function idleWorkloads(workspace: Workspace): Map<K8sObject, string> {
  return workspace.memo('k8s-idle-workloads', '', () => {
    const idle = new Map<K8sObject, string>();
    const objects = k8sObjects(workspace);
    const zero = objects.filter(
      (o) => REPLICA_KINDS.has(o.kind) && isMap(o.node.value.spec) && o.node.value.spec.replicas === 0,
    );
    if (zero.length === 0) return idle;
    // An autoscaler of another namespace may be a copy of the manifests for another cluster: any
    // that names the workload keeps it judged.
    const scaled = new Set(
      objects.flatMap(scaleTarget).map((key) => key.slice(0, key.lastIndexOf('\u0000'))),
    );
    const overlaid: ScaledNames = {
      names: kustomizeReplicas(workspace),
      patterns: [],
      selectors: [],
      all: false,
    };
    kustomizePatchedReplicas(workspace, overlaid);
    commandReplicas(workspace, overlaid);
    if (overlaid.all) return idle;
    for (const object of zero) {
      // Autoscalers, kustomize targets and kubectl name the workload as built: with the prefixes
      // and suffixes it may get.
      if (targeted(workspace, object, overlaid, (n) => scaled.has(`${object.kind}\u0000${n}`))) continue;
      idle.set(object, IDLE_NOTE);
    }
    return idle;
  });
}

/**
 * Why a manifest's findings are low because only a throw-away kind cluster gets it, as the last
 * {@link examinedPods} of the run found it (see {@link kindClusterFixtures}). Keyed by the object.
 */
const KIND_FIXTURE = new WeakMap<K8sObject, string>();

/**
 * Notes which of the objects a rule judges are in manifests applied only to a throw-away kind
 * cluster (see {@link kindClusterFixtures}), for {@link findingAt}: every rule that reports on
 * objects calls it (through {@link examinedPods}, or itself) before it reports, so that their grade
 * never depends on which rule ran first.
 */
export function noteKindFixtures(workspace: Workspace, objects: readonly K8sObject[]): void {
  if (objects.length === 0) return;
  const kind = kindClusterFixtures(workspace);
  for (const object of objects) {
    const applied = kind.get(object.path);
    if (applied === undefined) KIND_FIXTURE.delete(object);
    else KIND_FIXTURE.set(object, applied);
  }
}

/** Makefiles and shell scripts: where a repository writes how it brings up its development clusters. */
const CLUSTER_SCRIPTS = ['**/Makefile', '**/makefile', '**/GNUmakefile', '**/*.mk', '**/*.sh', '**/*.bash'];

/**
 * The other files that may deploy a manifest by its path or its folder's: GitOps and tool
 * configurations (an Argo CD Application's or a Flux Kustomization's `path:`, Skaffold, Helm, Tilt),
 * Terraform, CI files. Documentation is not among them.
 */
const DEPLOYING_FILES = [
  '**/*.{yaml,yml,json,tf,hcl,tfvars,jsonnet,libsonnet,cue,star,toml,py,js,ts}',
  '**/Tiltfile',
  '**/Jenkinsfile',
  '**/[Jj]ustfile',
];

/** Program sources that may apply a manifest they name (an e2e test's support code, an operator). */
const CODE_FILES = ['**/*.{go,py,js,mjs,cjs,ts,java,kt,rb}'];

/** A test file by the conventions of its language's test runner (`s3_test.go`, `test_s3.py`, `s3.spec.ts`). */
const TEST_FILE =
  /(?:_test\.go|(?:^|\/)test_[^/]*\.py|_test\.py|\.(?:test|spec)\.[cm]?[jt]s|Tests?\.(?:java|kt)|_spec\.rb)$/;

/** A source of tests: a test file, or any source under a test path (`test/support/s3.go`, `e2e/`). */
function testSource(file: string): boolean {
  return TEST_FILE.test(file) || inTestPaths(file);
}

/** The program sources of tests (see {@link testSource}), chosen by their paths alone. */
const TEST_SOURCES = defineSelector(
  'k8s-test-sources',
  (file) => /\.(?:go|py|js|mjs|cjs|ts|java|kt|rb)$/.test(file) && testSource(file),
  keysOfNames(['.go', '.py', '.js', '.mjs', '.cjs', '.ts', '.java', '.kt', '.rb']),
);

/**
 * The text of a script that may create a kind cluster or name another context, or a YAML file's path
 * (comments included: a screen only narrows which scripts are read).
 */
const KIND_CLUSTER = /\bkind\b|--(?:kube-)?context\b|\buse-context\b/;
/** A YAML file's path as a script writes it (`./hack/dev.yaml`, `deploy/app.yml`). */
const YAML_PATH = /[\w./-]+\.ya?ml\b/g;

/**
 * The scripts that may name a manifest: those that write a YAML file's path or a kind cluster
 * command. A change to any other Makefile or shell script cannot change which manifests only a kind
 * cluster gets.
 */
const CLUSTER_SCRIPT_SCREEN = defineScreen(
  'k8s-cluster-scripts',
  (_file, text) => /\.ya?ml\b/.test(text) || KIND_CLUSTER.test(text),
);

/** A Makefile's rules: each target line with its recipe, up to the next target line. */
function makeRules(text: string): string[] {
  return text.split(/^(?=[^\s#][^=\n]*?:(?!=))/m);
}

/** Programs that send manifests to a cluster. */
const CLUSTER_CLIENTS = new Set([
  'kubectl',
  'oc',
  'helm',
  'kapp',
  'kustomize',
  'skaffold',
  'tilt',
  'argocd',
  'flux',
]);

/**
 * How the commands of a script (or a Makefile rule) reach a cluster, read from its commands (never
 * its comments): `kind` when a command creates a kind cluster or sets kind's context as the current
 * one (`kind create cluster` without a kubeconfig of its own, `kind export kubeconfig`, `kubectl
 * config use-context kind-...`), reads kind's kubeconfig (`kind get kubeconfig`) or names a kind
 * context (`--context kind-dev`), or runs a script of the repository that does (and names no other
 * context), before any cluster client names a manifest; `other` when a command (or a script it runs)
 * names a context kind did not name; `current` otherwise (the current context: any cluster). kind is
 * known by its name or by a variable that holds its binary (see {@link kindNames}).
 */
function clusterOf(views: readonly CommandView[], names: KindNames): 'kind' | 'other' | 'current' {
  let kindAt = Number.POSITIVE_INFINITY;
  let manifestAt = Number.POSITIVE_INFINITY;
  for (const view of views) {
    const words = view.command.words.slice(view.nameIndex).map((w) => w.value);
    const args = words.slice(1).filter((w) => !w.startsWith('-'));
    const at = view.command.start;
    // Only a command that sends manifests to a cluster counts (`sed` writing a copy to apply does not).
    if (CLUSTER_CLIENTS.has(view.name) && words.some((w) => /\.ya?ml\b/.test(w)))
      manifestAt = Math.min(manifestAt, at);
    for (let i = 0; i < words.length; i++) {
      const m = /^--(?:kube-)?context(?:=(.*))?$/.exec(words[i]!);
      const context = m ? (m[1] ?? words[i + 1]) : words[i] === 'use-context' ? words[i + 1] : undefined;
      if (context === undefined) continue;
      if (!context.startsWith('kind-')) return 'other';
      kindAt = Math.min(kindAt, at);
    }
    if (!names.isKind(view)) {
      // A script of the repository that creates or targets a kind cluster, and names no other.
      const script = names.script(view);
      const deeper = script === undefined ? undefined : names.deeper(script);
      if (script === undefined || deeper === undefined) continue;
      const cluster = clusterOf(scriptCommands(deeper.text), deeper.names);
      if (cluster === 'other') return 'other';
      if (cluster === 'kind') kindAt = Math.min(kindAt, at);
      continue;
    }
    const verb = `${args[0] ?? ''} ${args[1] ?? ''}`;
    const ownConfig = words.some((w) => /^--kubeconfig(?:=|$)/.test(w));
    if (
      (verb === 'create cluster' && !ownConfig) ||
      verb === 'get kubeconfig' ||
      verb === 'export kubeconfig'
    )
      kindAt = Math.min(kindAt, at);
  }
  return kindAt < Number.POSITIVE_INFINITY && kindAt <= manifestAt ? 'kind' : 'current';
}

/** A string as a regular expression that matches it literally. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether `text` names the manifest `file` or a folder above it (with `nearest`, only the folder that
 * holds it) as a path: the file's path, or a folder's as a whole value (`path: deploy`, `./deploy`, `deploy/`, `deploy/*.yaml`; a folder of one
 * word only written as a path or after a key or option that takes one).
 */
function namesPathOrFolder(text: string, file: string, nearest = false): boolean {
  // Both forms start with the path's first part: most files never name it.
  if (!text.includes(file.includes('/') ? file.slice(0, file.indexOf('/')) : file)) return false;
  if (new RegExp(`(?<![\\w./-])(?:\\./)?${literally(file)}(?![\\w.-])`).test(text)) return true;
  const parts = file.split('/');
  for (let n = parts.length - 1; n >= (nearest ? parts.length - 1 : 1); n--) {
    const folder = parts.slice(0, n).join('/');
    const re = new RegExp(
      `(?<![\\w./-])(\\./)?${literally(folder)}(/(?:\\*\\*?(?:/\\*)?(?:\\.ya?ml)?)?)?(?![\\w.-]|/[\\w.-])`,
      'g',
    );
    for (const m of text.matchAll(re)) {
      if (folder.includes('/') || m[1] || m[2]) return true;
      const before = text.slice(Math.max(0, m.index - 24), m.index);
      if (
        /(?:path|paths|dir|directory|chart|manifests?|rawYaml|kustomize)["']?\s*[:=]\s*(?:-\s*)?["']?$/i.test(
          before,
        )
      )
        return true;
      if (/(?:^|\s)(?:-f|-k|--filename|--kustomize|-chdir)[=\s]+["']?$/.test(before)) return true;
    }
  }
  return false;
}

/**
 * The manifests that the repository applies only to a throw-away kind cluster, with why: every
 * Makefile rule (a target and its recipe) or shell script that names the file runs commands that
 * create or target a kind cluster before they name it, and name no other kubectl context (read from
 * its commands by the shell lexer, not from its comments); no other Makefile rule or script names
 * it, and no other file of the repository (a workflow, a kustomization, an Argo CD Application or
 * Flux Kustomization, any YAML, JSON or HCL) names it or a folder above it. Such a manifest is test
 * material wherever its folder is (a dev folder's name is not the evidence: the script that applies
 * it is). Paths are taken as written, from the script's folder or the repository's top; one written
 * with a variable is not known, so a manifest a variable names is never taken for a kind cluster's.
 */
function kindClusterFixtures(workspace: Workspace): Map<string, string> {
  return workspace.memo('k8s-kind-fixtures', '', () => {
    const byKind = new Map<string, string>();
    const otherwise = new Set<string>();
    /** The scripts and rules that do not target a kind cluster: they may name a folder. */
    const otherUnits: string[] = [];
    for (const file of workspace.screenedGlob(CLUSTER_SCRIPTS, CLUSTER_SCRIPT_SCREEN)) {
      const text = workspace.text(file);
      if (text === undefined) continue;
      const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
      const script = /\.(?:sh|bash)$/.test(file);
      const units = script ? [text] : makeRules(text);
      for (const unit of units) {
        const views = scriptCommands(unit, 0, unit.length, !script);
        const kind = clusterOf(views, kindNames(workspace, file, text, unit, !script)) === 'kind';
        if (!kind) otherUnits.push(unit);
        // A kind script's manifests are those its commands name; any other names them anywhere.
        const written = kind
          ? views.flatMap((v) =>
              v.command.words.flatMap((w) => [...w.value.matchAll(YAML_PATH)].map((m) => m[0])),
            )
          : [...unit.matchAll(YAML_PATH)].map((m) => m[0]);
        for (const one of written) {
          const bare = one.replace(/^(?:\.\/)+/, '');
          for (const path of new Set([`${folder}${bare}`, bare])) {
            if (!kind) otherwise.add(path);
            else if (!byKind.has(path)) {
              const target = script ? '' : /^[^:\n]*/.exec(unit)![0].trim();
              byKind.set(path, target ? `the "${target}" rule of ${file}` : file);
            }
          }
        }
      }
    }
    // The manifests test code names as a path (`"../../config/minio.yaml"` in `test/support/s3.go`),
    // read from its folder (where Go runs a package's tests) or from the top; not those under a test
    // path already, which are graded so wherever they are named.
    const byTest = new Map<string, string>();
    // Only a file that holds objects the rules judge can be such a manifest.
    const manifests = new Set(k8sObjects(workspace).map((o) => o.path));
    // Listed through a selector: a pull request that edits other sources touches no Kubernetes rule.
    for (const file of manifests.size > 0 ? workspace.filesWhere(TEST_SOURCES) : []) {
      const text = workspace.text(file);
      if (!text || !/\.ya?ml\b/.test(text)) continue;
      const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
      for (const m of text.matchAll(YAML_PATH)) {
        for (const named of new Set([path.posix.join(folder, m[0]), path.posix.normalize(m[0])])) {
          if (named.startsWith('../') || byKind.has(named) || byTest.has(named) || otherwise.has(named))
            continue;
          if (manifests.has(named) && !inTestPaths(named)) byTest.set(named, file);
        }
      }
    }
    const fixtures = new Map<string, string>();
    if (byKind.size === 0 && byTest.size === 0) return fixtures;
    const listed = [...kustomizeListings(workspace).keys()];
    const workflows = workspace.glob(WORKFLOW_GLOBS).map((w) => workspace.text(w) ?? '');
    const scripts = new Set(workspace.glob(CLUSTER_SCRIPTS));
    const others = workspace.glob(DEPLOYING_FILES).filter((f) => !scripts.has(f));
    for (const [path, by] of byKind) {
      if (otherwise.has(path) || !workspace.has(path)) continue;
      if (listed.some((l) => l === path || path.startsWith(`${l}/`))) continue;
      if (workflows.some((w) => w.includes(path))) continue;
      if (otherUnits.some((unit) => namesPathOrFolder(unit, path))) continue;
      if (others.some((f) => f !== path && namesPathOrFolder(workspace.text(f) ?? '', path))) continue;
      fixtures.set(
        path,
        `the manifest is applied only to a throw-away kind cluster, by ${by}, which creates or targets one: test material, not a deployment`,
      );
    }
    if (byTest.size === 0) return fixtures;
    // A manifest only test code names: nothing else may name it or the folder that holds it (a build
    // that runs in a folder above, `working-directory: ./app`, applies nothing of it), and no other
    // program may name it either.
    const deploying = [...new Set([...others, ...workspace.glob(CODE_FILES)])].filter(
      (f) => !testSource(f) && !scripts.has(f),
    );
    for (const [path, by] of byTest) {
      if (listed.some((l) => l === path || path.startsWith(`${l}/`))) continue;
      if (workflows.some((w) => w.includes(path))) continue;
      if (otherUnits.some((unit) => namesPathOrFolder(unit, path, true))) continue;
      if (deploying.some((f) => f !== path && namesPathOrFolder(workspace.text(f) ?? '', path, true)))
        continue;
      fixtures.set(
        path,
        `the manifest is named only by test code (${by}), which applies it to a test's cluster: test material, not a deployment`,
      );
    }
    return fixtures;
  });
}

/** Calls `visit` for every container of every workload in the workspace (see {@link examinedPods}). */
export function eachContainer(
  workspace: Workspace,
  visit: (c: Container) => void,
  pods = examinedPods(workspace),
) {
  for (const pod of pods) for (const c of containersOf(pod)) visit(c);
}

/**
 * A boolean setting of `object` as Kubernetes reads it (a plain `yes` or `on` is true, see
 * {@link kubernetesBoolean}), or undefined when it is missing or no boolean.
 */
export function k8sBoolean(object: K8sObject, node: K8sNode | undefined): boolean | undefined {
  return node ? kubernetesBoolean(object.document, node.pointer, node.value) : undefined;
}

/** `securityContext.<key>` of a container, when set. */
export function containerSetting(c: Container, key: string): K8sNode | undefined {
  return childAt(c.pod.object, c.node, 'securityContext', key);
}

/**
 * True for a container with `securityContext.privileged: true`. It has every capability, may always
 * escalate privileges and runs without a seccomp profile, whatever else its securityContext or its
 * pod's says: the rules about those settings leave it to k8s.privileged, which reports it.
 */
export function isPrivileged(c: Container): boolean {
  return k8sBoolean(c.pod.object, containerSetting(c, 'privileged')) === true;
}

/** `securityContext.<key>` of a pod spec, when set. */
export function podSetting(pod: PodSpec, key: string): K8sNode | undefined {
  return childAt(pod.object, pod.node, 'securityContext', key);
}

/**
 * Where to ask for a setting that is missing from a container: its `securityContext` key when it has
 * one (the line to add it under), else the container itself.
 */
export function missingSettingAt(c: Container): { node: K8sNode; anchor: Anchor } {
  const sc = childAt(c.pod.object, c.node, 'securityContext');
  return sc && isMap(sc.value) ? { node: sc, anchor: 'key' } : { node: c.node, anchor: 'start' };
}

/** True when a pod declares that it runs on Windows nodes, where Linux user ids do not apply. */
export function isWindowsPod(pod: PodSpec): boolean {
  const os = childAt(pod.object, pod.node, 'os', 'name');
  return os?.value === 'windows' || podSetting(pod, 'windowsOptions') !== undefined;
}

/**
 * How a finding points at a node: its value (`privileged: true` -> `true`), its mapping key (for a
 * mapping value such as `hostPath:`, whose own span starts on the next line), or the first line of a
 * mapping that lacks a setting (a container without `resources`), rather than its whole range.
 */
export type Anchor = 'value' | 'key' | 'start';

/** Why a finding in a manifest under `.github/` ({@link inGithubConfig}) has low confidence; part of its message. */
export const CI_FIXTURE_NOTE =
  'the manifest is under .github/, where CI configuration lives: likely a fixture a workflow applies to a throw-away test cluster, not a deployment';

/** How a finding's confidence follows what is known of its workload (see {@link findingAt}). */
export interface FindingTerms {
  /**
   * The finding is about a setting the manifest leaves out (Kubernetes' default applies), not one it
   * writes: in a patch that cannot be applied as written, the base it is merged into may set it.
   */
  absent?: boolean;
  /** `keep`: the finding does not depend on the pods running (a secret written in the manifest). */
  whenIdle?: 'lower' | 'keep';
  /**
   * What OpenShift's default security context constraint gives a pod that leaves the setting out,
   * for a finding about such a setting: on an object only OpenShift runs (see {@link openShiftOnly}),
   * the finding is low, saying so.
   */
  openShiftDefault?: string;
}

/** The terms of a finding about a setting the manifest leaves out. */
export const ABSENT: FindingTerms = { absent: true };

/**
 * Whether only OpenShift runs an object: a DeploymentConfig (its kind exists nowhere else), or an
 * object of an OpenShift Template, which `oc process` instantiates.
 */
export function openShiftOnly(object: K8sObject): boolean {
  if (object.kind === 'DeploymentConfig') return true;
  const root = object.root;
  return (
    object.node.value !== root &&
    isMap(root) &&
    root.kind === 'Template' &&
    typeof root.apiVersion === 'string' &&
    /^(?:template\.openshift\.io\/|v1$)/.test(root.apiVersion)
  );
}

/** Why a finding about a setting OpenShift's default constraint writes has low confidence; part of its message. */
function openShiftNote(object: K8sObject, gives: string): string {
  const which =
    object.kind === 'DeploymentConfig'
      ? `a ${object.kind}`
      : `${describeObject(object)} of an OpenShift Template`;
  return (
    `only OpenShift runs ${which}, whose default security context constraint (restricted-v2, OpenShift 4.11 ` +
    `and later) gives a pod that leaves it out ${gives}; a more permissive constraint granted to its service ` +
    'account would not'
  );
}

/** Why a finding about a missing setting of an unappliable workload has low confidence; part of its message. */
export function unappliableNote(object: K8sObject, lacks: string): string {
  return (
    `${describeObject(object)} cannot be applied as written (${lacks}): nothing runs it as it stands, and ` +
    'what completes it (the base a patch is merged into) may set what it leaves out'
  );
}

/**
 * Why a finding on an object of a Helm chart template (see `K8sObject.template`) has low confidence,
 * or undefined when every render writes what it judges: a setting the template leaves out (its
 * includes and values may write it), a value the chart's values decide, or a line a render writes only
 * for some values. Part of its message.
 */
function templateNote(
  template: NonNullable<K8sObject['template']>,
  node: K8sNode,
  terms: FindingTerms,
): string | undefined {
  const check = 'check the output of helm template';
  if (template.skipped) {
    return `the chart's default values do not install this template's subchart: ${template.skipped} (${check})`;
  }
  if (terms.absent) {
    return `it is a Helm chart template, whose includes and values may write what it leaves out (${check})`;
  }
  const value = typeof node.value === 'string' ? node.value : JSON.stringify(node.value ?? null);
  if (value.includes(TEMPLATE_VALUE)) return `the chart's values decide this value (${check})`;
  if (template.conditional.has(node.span.start.line)) {
    return `the chart writes this only for some of its values, inside an if, with or range block (${check})`;
  }
  return undefined;
}

/**
 * A finding at a manifest node; `keyParts` identify the occurrence independently of its line. One in
 * a CI fixture (under `.github/`, see {@link inGithubConfig}) has low confidence, and says why; so has
 * one on a workload scaled to zero (see {@link idleWorkloads}), unless `terms.whenIdle` is `keep`, and
 * one about a setting the manifest leaves out (`terms.absent`) of a workload that cannot be applied
 * as written (see `K8sObject.unappliable`): what such a patch writes lands in the result and keeps
 * its grade, what it leaves out may come from its base.
 */
export function findingAt(
  c: { object: PodSpec['object'] },
  node: K8sNode,
  message: string,
  keyParts: string[],
  anchor: Anchor = 'value',
  terms: FindingTerms = {},
): RawFinding {
  // A value of a built object is located in the file it is written in: a patch, or the base.
  const file = c.object.built?.fileAt(node.pointer) ?? c.object.path;
  const location =
    anchor === 'start'
      ? { path: file, startLine: node.span.start.line, startColumn: node.span.start.column }
      : locationFromSpan(file, node.span, anchor === 'key');
  // A pod spec found in another kind is told from the object's other pod specs by where it is.
  const nested = 'nested' in c ? (c as PodSpec).nested : undefined;
  const key = occurrenceKey(c.object, ...(nested ? [nested.pointer] : []), ...keyParts);
  if (c.object.built) {
    const finding: BuiltFinding = builtFinding(c.object, { message, location, key }, terms);
    finding[BUILT_FROM] = c.object.path;
    return finding;
  }
  if (inGithubConfig(c.object.path)) {
    return { message: `${message} (${CI_FIXTURE_NOTE}.)`, location, key, confidence: 'low' };
  }
  const applied = KIND_FIXTURE.get(c.object);
  if (applied !== undefined) {
    return { message: `${message} (But ${applied}.)`, location, key, confidence: 'low' };
  }
  if (c.object.template) {
    // A value the chart's values decide is named as the template writes it, an action.
    const said = message.replaceAll(TEMPLATE_VALUE, '{{ }}');
    const why = templateNote(c.object.template, node, terms);
    if (why) return { message: `${said} (But ${why}.)`, location, key, confidence: 'low' };
    // What the chart's default values write is the chart's, as a render without values installs it.
    const defaults = c.object.template.defaults;
    const set = defaults && defaultValuesNote(defaults, node.span.start.line, node);
    // Columns of what the default render writes for an action are the template's, at the action.
    const placed = { ...location };
    const starts = defaults?.replaced.get(location.startLine);
    if (starts && placed.startColumn !== undefined)
      placed.startColumn = templateColumn(starts, placed.startColumn);
    const ends = placed.endLine !== undefined ? defaults?.replaced.get(placed.endLine) : undefined;
    if (ends && placed.endColumn !== undefined)
      placed.endColumn = templateColumn(ends, placed.endColumn, true);
    return { message: set ? `${said} (${set}.)` : said, location: placed, key };
  }
  if (terms.absent && c.object.unappliable !== undefined) {
    const why = unappliableNote(c.object, c.object.unappliable);
    return { message: `${message} (But ${why}.)`, location, key, confidence: 'low' };
  }
  if (terms.openShiftDefault !== undefined && openShiftOnly(c.object)) {
    const why = openShiftNote(c.object, terms.openShiftDefault);
    return { message: `${message} (But ${why}.)`, location, key, confidence: 'low' };
  }
  const idle = terms.whenIdle !== 'keep' ? IDLE.get(c.object) : undefined;
  return idle
    ? { message: `${message} (But ${idle}.)`, location, key, confidence: 'low' }
    : { message, location, key };
}

/**
 * The mark of a finding {@link findingAt} made for a built object (see `K8sObject.built`): the path of
 * its base manifest, for {@link ownFindings}, which removes it. A symbol-keyed property, so that it
 * stays on the copy an evaluator makes to grade the finding (`{ ...finding, severity }`) and never
 * reaches a report.
 */
const BUILT_FROM = Symbol('built from');
type BuiltFinding = RawFinding & { [BUILT_FROM]?: string };

/**
 * A finding of an object as a kustomization builds it: it says which kustomization, and keeps the
 * confidence rules of {@link findingAt} that hold for a built object (a CI fixture, an idle workload).
 */
function builtFinding(object: K8sObject, finding: RawFinding, terms: FindingTerms): RawFinding {
  const by = object.built!.by;
  const message = `${finding.message} (In ${describeObject(object)} as ${by} builds it.)`;
  // A kustomization for tests builds test material, whichever file the value it judges comes from.
  const path = finding.location?.path ?? object.path;
  if (inTestPaths(by) && !inTestPaths(path)) {
    const note = `${by} is under a test, fixture, example or documentation path: what it builds is test material`;
    return { ...finding, message: `${message} (But ${note}.)`, confidence: 'low' };
  }
  if (inGithubConfig(object.path))
    return { ...finding, message: `${message} (${CI_FIXTURE_NOTE}.)`, confidence: 'low' };
  const applied = KIND_FIXTURE.get(object);
  if (applied !== undefined)
    return { ...finding, message: `${message} (But ${applied}.)`, confidence: 'low' };
  // A build whose values hold Helm template actions makes a chart's manifests (helmify and the like):
  // what it leaves out, the chart's values may write.
  if (terms.absent && chartInTheMaking(object)) {
    const note =
      'the kustomization builds manifests for a Helm chart (its values hold template actions), whose values may write what it leaves out';
    return { ...finding, message: `${message} (But ${note}.)`, confidence: 'low' };
  }
  if (terms.openShiftDefault !== undefined && openShiftOnly(object)) {
    const note = openShiftNote(object, terms.openShiftDefault);
    return { ...finding, message: `${message} (But ${note}.)`, confidence: 'low' };
  }
  const idle = terms.whenIdle !== 'keep' ? IDLE.get(object) : undefined;
  return idle
    ? { ...finding, message: `${message} (But ${idle}.)`, confidence: 'low' }
    : { ...finding, message };
}

/** Whether a built object's values hold a Helm template action (`{{ .Values.x }}`), once per object. */
function chartInTheMaking(object: K8sObject): boolean {
  let chart = CHART_BUILDS.get(object);
  if (chart === undefined) {
    chart = (JSON.stringify(object.root) ?? '').includes('{{');
    CHART_BUILDS.set(object, chart);
  }
  return chart;
}

/** What {@link chartInTheMaking} found of each built object. */
const CHART_BUILDS = new WeakMap<K8sObject, boolean>();

/**
 * Which location owns a finding of a Kubernetes rule. The base manifest, judged as written, owns every
 * problem it has: an object as a kustomization builds it that has the same problem (the same
 * occurrence key, of an object of the same base file) does not report it again, wherever the built
 * object's value lies (a patch that changes another field, one that writes the same setting again,
 * two overlays of one base). What the base does not have is the build's, reported once: at the patch
 * line that writes it, or that removes what the base settled (a container's securityContext an
 * overlay deletes), else at the base's line.
 */
export function ownFindings(findings: RawFinding[]): RawFinding[] {
  const id = (f: BuiltFinding) => `${f[BUILT_FROM] ?? f.location?.path}\u0000${f.key}`;
  const seen = new Set<string>();
  for (const f of findings as BuiltFinding[]) if (f[BUILT_FROM] === undefined) seen.add(id(f));
  return (findings as BuiltFinding[]).filter((f) => {
    if (f[BUILT_FROM] === undefined) return true;
    const k = id(f);
    delete f[BUILT_FROM];
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** {@link findingAt} for a container-level node. */
export function containerFinding(
  c: Container,
  node: K8sNode,
  message: string,
  check: string,
  anchor: Anchor = 'value',
  terms: FindingTerms = {},
): RawFinding {
  return findingAt(c.pod, node, message, [c.group, c.name, check], anchor, terms);
}

/** A word of a workload's name that says it is a pre-production copy (`api-releasetest`, `web-staging`). */
export const STAGING_NAME_WORD = /(?:^|[-_.])(?:release-?test|staging|stage|stg|pre-?prod)(?:$|[-_.\d])/i;

/** The empty options schema of an evaluator that takes none. */
export const NO_OPTIONS = { type: 'object', additionalProperties: false, properties: {} } as const;
