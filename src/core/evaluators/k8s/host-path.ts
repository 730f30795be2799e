import { childAt, containersOf, describeObject, isMap, type PodSpec } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { examinedPods, findingAt } from './shared.js';

interface Options {
  /** Host paths that may be mounted (exact match), e.g. for a node agent reviewed on its own. */
  allow: string[];
}

/** How the containers of a pod mount a volume: read-only by every mount, writable by one, or not at all. */
type MountUse = 'read-only' | 'writable' | 'unmounted';

/**
 * How the containers of a pod (its init, regular and ephemeral containers) mount each volume, by
 * name. Undefined when that cannot be told: a container's `volumeMounts` that is not a list, or a
 * mount whose name is not written out (a template), may mount any volume read-write.
 */
function mountUses(pod: PodSpec): ((volume: string) => MountUse) | undefined {
  const uses = new Map<string, MountUse>();
  for (const c of containersOf(pod)) {
    const mounts = c.node.value.volumeMounts;
    if (mounts === undefined || mounts === null) continue;
    if (!Array.isArray(mounts)) return undefined;
    for (const mount of mounts) {
      if (!isMap(mount)) continue;
      if (typeof mount.name !== 'string' || mount.name.includes('{{')) return undefined;
      const use: MountUse = mount.readOnly === true ? 'read-only' : 'writable';
      if (uses.get(mount.name) !== 'writable') uses.set(mount.name, use);
    }
  }
  return (volume) => uses.get(volume) ?? 'unmounted';
}

/** Why a hostPath volume that no container mounts is reported low; part of its message. */
const UNMOUNTED_NOTE =
  'no container, init container or ephemeral container of the pod mounts it, so it gives no access as committed: ' +
  'it is dead configuration to remove, and the change that mounts it makes the gap real';

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
      const useOf = mountUses(pod);
      volumes.forEach((volume, i) => {
        if (!isMap(volume) || !isMap(volume.hostPath)) return;
        const hostPath = typeof volume.hostPath.path === 'string' ? volume.hostPath.path : '';
        if (allowed.has(hostPath)) return;
        const node = childAt(pod.object, pod.node, 'volumes', i, 'hostPath');
        if (!node) return;
        const name = typeof volume.name === 'string' ? ` "${volume.name}"` : '';
        const where = hostPath ? ` of the node's ${JSON.stringify(hostPath)}` : '';
        // A volume without a name cannot be mounted; one whose name or mounts cannot be told (a
        // template) may be mounted read-write.
        const use: MountUse =
          typeof volume.name !== 'string'
            ? 'unmounted'
            : useOf === undefined || volume.name.includes('{{')
              ? 'writable'
              : useOf(volume.name);
        if (use === 'unmounted') {
          const finding = findingAt(
            pod,
            node,
            `${describeObject(pod.object)} declares volume${name} as a hostPath${where}, but ${UNMOUNTED_NOTE}.`,
            ['hostPath', hostPath],
            'key',
          );
          findings.push({ ...finding, severity: 'low', confidence: 'low' });
          return;
        }
        findings.push(
          findingAt(
            pod,
            node,
            use === 'read-only'
              ? `${describeObject(pod.object)} mounts volume${name} as a hostPath${where}, read-only in every ` +
                  'container that mounts it: the pod can read files of the node it runs on.'
              : `${describeObject(pod.object)} mounts volume${name} as a hostPath${where}: the pod can read or ` +
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
