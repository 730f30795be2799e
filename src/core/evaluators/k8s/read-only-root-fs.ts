import { containersOf, describeContainer } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  ABSENT,
  containerFinding,
  containerSetting,
  examinedPods,
  isWindowsPod,
  k8sBoolean,
  missingSettingAt,
  NO_OPTIONS,
  ownFindings,
} from './shared.js';

/**
 * Flags containers and init containers whose `securityContext.readOnlyRootFilesystem` is not `true`.
 * A writable root file system lets an intruder change the image's binaries and keep tools and
 * malware in the container; with it read-only, writes go only to the volumes the manifest declares.
 * The setting exists per container only; ephemeral debug containers are left alone, and so are Windows
 * pods, where the API rejects it.
 */
export const k8sReadOnlyRootFs = defineEvaluator<Record<string, never>>({
  kind: 'k8s.read-only-root-fs',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary: 'Kubernetes containers that do not set securityContext.readOnlyRootFilesystem: true.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const pod of examinedPods(workspace)) {
      if (isWindowsPod(pod)) continue;
      for (const c of containersOf(pod, ['initContainers', 'containers'])) {
        const setting = containerSetting(c, 'readOnlyRootFilesystem');
        if (k8sBoolean(c.pod.object, setting) === true) continue;
        const what = describeContainer(c);
        if (setting) {
          findings.push(
            containerFinding(
              c,
              setting,
              `The ${what} sets readOnlyRootFilesystem to ${JSON.stringify(setting.value)}: whoever runs code in it ` +
                'can change its programs and leave tools behind. Set it to true and mount volumes where it must write.',
              'readOnlyRootFilesystem',
            ),
          );
          continue;
        }
        const at = missingSettingAt(c);
        findings.push(
          containerFinding(
            c,
            at.node,
            `The ${what} does not set readOnlyRootFilesystem: true, so its root file system is writable: ` +
              'whoever runs code in it can change its programs and leave tools behind.',
            'readOnlyRootFilesystem',
            at.anchor,
            ABSENT,
          ),
        );
      }
    }
    return ownFindings(findings);
  },
});
