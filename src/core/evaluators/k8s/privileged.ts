import { describeContainer } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  containerFinding,
  containerSetting,
  eachContainer,
  examinedPods,
  k8sBoolean,
  NO_OPTIONS,
  ownFindings,
} from './shared.js';

/**
 * Flags containers with `securityContext.privileged: true`. A privileged container gets every Linux
 * capability and the host's devices, and runs unconfined by seccomp and AppArmor: any code execution
 * in it is root on the node.
 */
export const k8sPrivileged = defineEvaluator<Record<string, never>>({
  kind: 'k8s.privileged',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  // 3: also the pod specs of other kinds (a Knative Service, a Tekton Task, an Argo Workflows template).
  revision: 5,
  summary: 'Kubernetes containers (including init and ephemeral containers) that run privileged.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    eachContainer(
      workspace,
      (c) => {
        const privileged = containerSetting(c, 'privileged');
        if (!privileged || k8sBoolean(c.pod.object, privileged) !== true) return;
        findings.push(
          containerFinding(
            c,
            privileged,
            `The ${describeContainer(c)} runs privileged: it gets every capability and the host's devices, ` +
              'so whoever runs code in it controls the node.',
            'privileged',
          ),
        );
      },
      examinedPods(workspace, true),
    );
    return ownFindings(findings);
  },
});
