import { inGithubConfig } from '../../confidence.js';
import { locationFromSpan } from '../../location.js';
import {
  type Container,
  childAt,
  containersOf,
  isMap,
  type K8sNode,
  type K8sObject,
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
  examineObjects(workspace, pods);
  return pods;
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
 * a CI fixture (under `.github/`, see {@link inGithubConfig}) has low confidence, and says why.
 */
export function findingAt(
  c: { object: PodSpec['object'] },
  node: K8sNode,
  message: string,
  keyParts: string[],
  anchor: Anchor = 'value',
): RawFinding {
  const location =
    anchor === 'start'
      ? { path: c.object.path, startLine: node.span.start.line, startColumn: node.span.start.column }
      : locationFromSpan(c.object.path, node.span, anchor === 'key');
  const key = occurrenceKey(c.object, ...keyParts);
  return inGithubConfig(c.object.path)
    ? { message: `${message} (${CI_FIXTURE_NOTE}.)`, location, key, confidence: 'low' }
    : { message, location, key };
}

/** {@link findingAt} for a container-level node. */
export function containerFinding(
  c: Container,
  node: K8sNode,
  message: string,
  check: string,
  anchor: Anchor = 'value',
): RawFinding {
  return findingAt(c.pod, node, message, [c.group, c.name, check], anchor);
}

/** The empty options schema of an evaluator that takes none. */
export const NO_OPTIONS = { type: 'object', additionalProperties: false, properties: {} } as const;
