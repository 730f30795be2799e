import { childAt, describeObject, type K8sNode } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { examinedPods, findingAt, k8sBoolean, ownFindings } from './shared.js';

type Namespace = 'network' | 'pid' | 'ipc';

interface Options {
  namespaces: Namespace[];
}

const FIELDS: Record<Namespace, { field: string; effect: string }> = {
  network: {
    field: 'hostNetwork',
    effect:
      "it uses the node's network stack, bypasses network policies and can reach services bound to localhost",
  },
  pid: {
    field: 'hostPID',
    effect: 'it sees every process on the node and, as root, can inspect or signal them',
  },
  ipc: {
    field: 'hostIPC',
    effect: "it shares the node's IPC namespace and can read other processes' shared memory",
  },
};

/** `hostNetwork: true`, or as written with what Kubernetes reads it as: `hostNetwork: yes (true)`. */
function setTo(field: string, node: K8sNode): string {
  return node.value === true ? `${field}: true` : `${field}: ${String(node.value)} (true to Kubernetes)`;
}

/**
 * Flags pod specs that share a host namespace (`hostNetwork`, `hostPID`, `hostIPC: true`), which
 * removes the isolation between the pod and the node.
 */
export const k8sHostNamespaces = defineEvaluator<Options>({
  kind: 'k8s.host-namespaces',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  // 3: also the pod specs of other kinds (a Knative Service, a JobSet, a Pod in a Crossplane Object).
  revision: 5,
  summary: 'Kubernetes pod specs that set hostNetwork, hostPID or hostIPC to true.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      namespaces: {
        type: 'array',
        items: { enum: ['network', 'pid', 'ipc'] },
        uniqueItems: true,
        default: ['network', 'pid', 'ipc'],
        description: 'Host namespaces a pod must not share.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    for (const pod of examinedPods(workspace, true)) {
      for (const ns of options.namespaces) {
        const { field, effect } = FIELDS[ns];
        const node = childAt(pod.object, pod.node, field);
        if (!node || k8sBoolean(pod.object, node) !== true) continue;
        findings.push(
          findingAt(pod, node, `${describeObject(pod.object)} sets ${setTo(field, node)}: ${effect}.`, [
            field,
          ]),
        );
      }
    }
    return ownFindings(findings);
  },
});
