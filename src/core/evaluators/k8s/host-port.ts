import { childAt, containersOf, describeContainer, isMap } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { containerFinding, examinedPods, k8sBoolean, ownFindings } from './shared.js';

/**
 * Flags container ports with a `hostPort`: the port is opened on the node's own address, outside the
 * Service and NetworkPolicy model, and it pins the pod to nodes where the port is free. Pods with
 * `hostNetwork: true` are left to the host-namespaces rule (their ports are the node's anyway).
 */
export const k8sHostPort = defineEvaluator<Record<string, never>>({
  kind: 'k8s.host-port',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  // 3: also the pod specs of other kinds (a Knative Service, a Tekton Task, an Argo Workflows template).
  revision: 5,
  summary: 'Kubernetes containers that publish a port on the node (ports[].hostPort).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const pod of examinedPods(workspace, true)) {
      if (k8sBoolean(pod.object, childAt(pod.object, pod.node, 'hostNetwork')) === true) continue;
      for (const c of containersOf(pod)) {
        const ports = c.node.value.ports;
        if (!Array.isArray(ports)) continue;
        ports.forEach((port, i) => {
          if (!isMap(port) || port.hostPort === undefined || port.hostPort === null || port.hostPort === 0)
            return;
          const node = childAt(pod.object, c.node, 'ports', i, 'hostPort');
          if (!node) return;
          const hostPort = String(port.hostPort);
          findings.push(
            containerFinding(
              c,
              node,
              `The ${describeContainer(c)} publishes port ${hostPort} on the node's own address (hostPort), ` +
                'outside Services and NetworkPolicies. Expose it through a Service instead.',
              `hostPort:${hostPort}`,
            ),
          );
        });
      }
    }
    return ownFindings(findings);
  },
});
