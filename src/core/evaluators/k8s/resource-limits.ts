import { childAt, containersOf, describeContainer, isMap } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { ABSENT, type Anchor, containerFinding, examinedPods, ownFindings } from './shared.js';

interface Options {
  /** Resources every container must limit. */
  resources: string[];
}

/**
 * Flags containers and init containers without `resources.limits` for the configured resources
 * (CPU and memory by default). An unlimited container can starve its neighbours on the node.
 * Ephemeral containers are skipped: Kubernetes does not allow them resources. A limit in the pod
 * spec's own `resources.limits` (pod-level resources, beta and on by default since Kubernetes 1.34)
 * bounds all its containers together, so a container need not repeat it. A container whose memory is
 * limited and that lacks only a CPU limit is reported as info: CPU is compressible and divided by the
 * weight of requests, so it cannot take from its neighbours what they request.
 */
export const k8sResourceLimits = defineEvaluator<Options>({
  kind: 'k8s.resource-limits',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary: 'Kubernetes containers without resources.limits for the configured resources (CPU and memory).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      resources: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        minItems: 1,
        uniqueItems: true,
        default: ['cpu', 'memory'],
        description: 'Resource names every container must limit, e.g. cpu, memory, ephemeral-storage.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    const limited = (map: Record<string, unknown>, r: string) => map[r] !== undefined && map[r] !== null;
    for (const pod of examinedPods(workspace)) {
      const podLimits = childAt(pod.object, pod.node, 'resources', 'limits');
      const shared = podLimits && isMap(podLimits.value) ? podLimits.value : {};
      for (const c of containersOf(pod, ['initContainers', 'containers'])) {
        const limits = childAt(pod.object, c.node, 'resources', 'limits');
        const set = limits && isMap(limits.value) ? limits.value : {};
        const missing = options.resources.filter((r) => !limited(set, r) && !limited(shared, r));
        if (missing.length === 0) continue;
        const resources = childAt(pod.object, c.node, 'resources');
        // Point where the limit is to be written: the limits, else resources, else the container.
        const [node, anchor]: [typeof c.node, Anchor] =
          limits && isMap(limits.value)
            ? [limits as typeof c.node, 'key']
            : resources && isMap(resources.value)
              ? [resources as typeof c.node, 'key']
              : [c.node, 'start'];
        // Only CPU, with memory bounded: CPU is compressible and shared by weight, so an unlimited
        // container takes what its neighbours leave idle, never what they request.
        const cpuOnly =
          missing.every((r) => r === 'cpu') && (limited(set, 'memory') || limited(shared, 'memory'));
        const finding = containerFinding(
          c,
          node,
          cpuOnly
            ? `The ${describeContainer(c)} has no cpu limit (resources.limits), but its memory is limited. CPU is ` +
                'shared by the weight of requests, so it can take only the CPU the pods beside it leave idle, not ' +
                'what they request: set a cpu limit where its use must be bounded or planned.'
            : `The ${describeContainer(c)} has no ${missing.join(' or ')} limit (resources.limits), so it can ` +
                "use up the node's capacity and starve the pods beside it.",
          `limits:${missing.join(',')}`,
          anchor,
          ABSENT,
        );
        findings.push(cpuOnly ? { ...finding, severity: 'info' } : finding);
      }
    }
    return ownFindings(findings);
  },
});
