import { inGithubConfig } from '../../confidence.js';
import { locationFromSpan } from '../../location.js';
import {
  type Container,
  childAt,
  containersOf,
  isMap,
  type K8sNode,
  type K8sObject,
  k8sObjects,
  occurrenceKey,
  type PodSpec,
  podSpecs,
} from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

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
export function examinedPods(workspace: Workspace): PodSpec[] {
  const pods = podSpecs(workspace);
  // Before the scope narrows: autoscalers and kustomizations only decide how a pod is judged.
  const idle = idleWorkloads(workspace);
  for (const pod of pods) {
    const why = idle.get(pod.object);
    if (why === undefined) IDLE.delete(pod.object);
    else IDLE.set(pod.object, why);
  }
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
  if (!SCALERS.has(object.kind)) return [];
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
  'the workload is scaled to zero (replicas: 0) and no autoscaler or kustomization in the repository scales it: none of its pods runs until it is scaled up, when the gap is real';

/**
 * The workloads switched off in the manifests: `replicas: 0` written as a number, with no
 * HorizontalPodAutoscaler or KEDA ScaledObject of the manifests naming them (in any namespace) and
 * no kustomization setting their count. Their hardening findings are reported at low confidence:
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
    const overlaid = kustomizeReplicas(workspace);
    for (const object of zero) {
      const name = object.name ?? '';
      if (scaled.has(`${object.kind}\u0000${name}`) || overlaid.has(name)) continue;
      idle.set(object, IDLE_NOTE);
    }
    return idle;
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
  return containerSetting(c, 'privileged')?.value === true;
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

/**
 * A finding at a manifest node; `keyParts` identify the occurrence independently of its line. One in
 * a CI fixture (under `.github/`, see {@link inGithubConfig}) has low confidence, and says why; so has
 * one on a workload scaled to zero (see {@link idleWorkloads}), unless `whenIdle` is `keep` (a finding
 * that does not depend on the pods running, such as a secret written in the manifest).
 */
export function findingAt(
  c: { object: PodSpec['object'] },
  node: K8sNode,
  message: string,
  keyParts: string[],
  anchor: Anchor = 'value',
  whenIdle: 'lower' | 'keep' = 'lower',
): RawFinding {
  const location =
    anchor === 'start'
      ? { path: c.object.path, startLine: node.span.start.line, startColumn: node.span.start.column }
      : locationFromSpan(c.object.path, node.span, anchor === 'key');
  const key = occurrenceKey(c.object, ...keyParts);
  if (inGithubConfig(c.object.path)) {
    return { message: `${message} (${CI_FIXTURE_NOTE}.)`, location, key, confidence: 'low' };
  }
  const idle = whenIdle === 'lower' ? IDLE.get(c.object) : undefined;
  return idle
    ? { message: `${message} (But ${idle}.)`, location, key, confidence: 'low' }
    : { message, location, key };
}

/** {@link findingAt} for a container-level node. */
export function containerFinding(
  c: Container,
  node: K8sNode,
  message: string,
  check: string,
  anchor: Anchor = 'value',
  whenIdle: 'lower' | 'keep' = 'lower',
): RawFinding {
  return findingAt(c.pod, node, message, [c.group, c.name, check], anchor, whenIdle);
}

/** A word of a workload's name that says it is a pre-production copy (`api-releasetest`, `web-staging`). */
export const STAGING_NAME_WORD = /(?:^|[-_.])(?:release-?test|staging|stage|stg|pre-?prod)(?:$|[-_.\d])/i;

/** The empty options schema of an evaluator that takes none. */
export const NO_OPTIONS = { type: 'object', additionalProperties: false, properties: {} } as const;
