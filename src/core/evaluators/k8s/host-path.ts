import { childAt, describeObject, isMap } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { examinedPods, findingAt } from './shared.js';

interface Options {
  /** Host paths that may be mounted (exact match), e.g. for a node agent reviewed on its own. */
  allow: string[];
}

/**
 * Flags `hostPath` volumes. A hostPath mount exposes the node's file system to the pod: the container
 * runtime socket, kubelet credentials or `/` itself are a step away from controlling the node.
 */
export const k8sHostPath = defineEvaluator<Options>({
  kind: 'k8s.host-path',
  summary: 'Kubernetes pod specs that mount a hostPath volume.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Host paths that may be mounted (exact match).',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    const allowed = new Set(options.allow);
    for (const pod of examinedPods(workspace)) {
      const volumes = pod.node.value.volumes;
      if (!Array.isArray(volumes)) continue;
      volumes.forEach((volume, i) => {
        if (!isMap(volume) || !isMap(volume.hostPath)) return;
        const hostPath = typeof volume.hostPath.path === 'string' ? volume.hostPath.path : '';
        if (allowed.has(hostPath)) return;
        const node = childAt(pod.object, pod.node, 'volumes', i, 'hostPath');
        if (!node) return;
        const name = typeof volume.name === 'string' ? ` "${volume.name}"` : '';
        const where = hostPath ? ` of the node's ${JSON.stringify(hostPath)}` : '';
        findings.push(
          findingAt(
            pod,
            node,
            `${describeObject(pod.object)} mounts volume${name} as a hostPath${where}: the pod can read or ` +
              'change files of the node it runs on.',
            ['hostPath', hostPath],
            'key',
          ),
        );
      });
    }
    return findings;
  },
});
