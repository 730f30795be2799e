import {
  type Container,
  childAt,
  containersOf,
  describeContainer,
  describeObject,
  isMap,
  type K8sNode,
  type PodSpec,
  podMetadata,
} from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  ABSENT,
  containerFinding,
  containerSetting,
  examinedPods,
  findingAt,
  isPrivileged,
  isWindowsPod,
  NO_OPTIONS,
  ownFindings,
  podSetting,
} from './shared.js';

/** The seccomp profile in force for a container, and where it is set. */
interface Profile {
  type: string;
  node: K8sNode;
  inherited: boolean;
}

/** The annotations that set seccomp before `securityContext.seccompProfile` (Kubernetes < 1.19). */
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';

/**
 * Flags containers that run without a seccomp profile: `seccompProfile.type: Unconfined`, or no
 * profile at all (the container's, else the pod's, else the legacy annotations), which means
 * Unconfined unless the kubelet is configured otherwise. A profile filters the system calls a
 * compromised process can make to the kernel. A pod whose containers all lack a profile is reported
 * once, at its spec, where one setting fixes it. Windows pods are skipped, and privileged containers,
 * which Kubernetes runs Unconfined whatever the profile, are left to k8s.privileged.
 */
export const k8sSeccomp = defineEvaluator<Record<string, never>>({
  kind: 'k8s.seccomp',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary:
    'Kubernetes containers whose seccomp profile is Unconfined or not set (container, pod, or legacy annotation).',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const pod of examinedPods(workspace)) {
      if (isWindowsPod(pod)) continue;
      // Privileged containers run Unconfined whatever profile is set: k8s.privileged reports them, and
      // a pod whose every container is privileged has nothing a profile would change.
      const containers = containersOf(pod, ['initContainers', 'containers']).filter((c) => !isPrivileged(c));
      if (containers.length === 0) continue;
      const missing: Container[] = [];
      const reported = new Set<string>();
      for (const c of containers) {
        const profile = profileOf(pod, c);
        if (!profile) {
          missing.push(c);
          continue;
        }
        if (profile.type.toLowerCase() !== 'unconfined' || reported.has(profile.node.pointer)) continue;
        reported.add(profile.node.pointer);
        const who = profile.inherited
          ? `${describeObject(pod.object)} (pod securityContext, inherited by its containers)`
          : `The ${describeContainer(c)}`;
        findings.push(
          findingAt(
            pod,
            profile.node,
            `${who} runs with seccomp Unconfined: every system call reaches the kernel. Use RuntimeDefault ` +
              '(or a Localhost profile).',
            [profile.node.pointer, 'seccomp:unconfined'],
          ),
        );
      }
      if (missing.length === 0) continue;
      if (missing.length === containers.length) {
        const sc = childAt(pod.object, pod.node, 'securityContext');
        const [node, anchor] = sc && isMap(sc.value) ? [sc, 'key' as const] : [pod.node, 'start' as const];
        findings.push(
          findingAt(
            pod,
            node,
            `${describeObject(pod.object)} sets no seccomp profile (pod or containers), so its containers run ` +
              'Unconfined: every system call reaches the kernel. Set securityContext.seccompProfile.type: RuntimeDefault in the pod spec.',
            ['seccomp:missing'],
            anchor,
            { ...ABSENT, openShiftDefault: 'the RuntimeDefault seccomp profile' },
          ),
        );
        continue;
      }
      for (const c of missing) {
        const sc = childAt(pod.object, c.node, 'securityContext');
        const [node, anchor] = sc && isMap(sc.value) ? [sc, 'key' as const] : [c.node, 'start' as const];
        findings.push(
          containerFinding(
            c,
            node,
            `The ${describeContainer(c)} has no seccomp profile of its own or from the pod, so it runs Unconfined. ` +
              'Set securityContext.seccompProfile.type: RuntimeDefault.',
            'seccomp:missing',
            anchor,
            { ...ABSENT, openShiftDefault: 'the RuntimeDefault seccomp profile' },
          ),
        );
      }
    }
    return ownFindings(findings);
  },
});

function profileOf(pod: PodSpec, c: Container): Profile | undefined {
  const own = containerSetting(c, 'seccompProfile');
  const type = own && childAt(pod.object, own, 'type');
  if (typeof type?.value === 'string') return { type: type.value, node: type, inherited: false };
  const metadata = podMetadata(pod);
  const annotations = metadata && childAt(pod.object, metadata, 'annotations');
  const legacy = (key: string) => {
    const node = annotations && childAt(pod.object, annotations, key);
    return typeof node?.value === 'string' ? node : undefined;
  };
  const fromAnnotation = (node: K8sNode | undefined, inherited: boolean) =>
    node
      ? {
          type: String(node.value).startsWith('unconfined') ? 'Unconfined' : 'RuntimeDefault',
          node,
          inherited,
        }
      : undefined;
  const containerAnnotation = fromAnnotation(legacy(`${CONTAINER_ANNOTATION}${c.name}`), false);
  if (containerAnnotation) return containerAnnotation;
  const podProfile = podSetting(pod, 'seccompProfile');
  const podType = podProfile && childAt(pod.object, podProfile, 'type');
  if (typeof podType?.value === 'string') return { type: podType.value, node: podType, inherited: true };
  return fromAnnotation(legacy(POD_ANNOTATION), true);
}
