import { FixBatches } from '../../fix/yaml-fix.js';
import { describeContainer } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { privilegeEscalationFix } from './fix-escalation.js';
import {
  ABSENT,
  containerFinding,
  containerSetting,
  eachContainer,
  isPrivileged,
  isWindowsPod,
  k8sBoolean,
  missingSettingAt,
  NO_OPTIONS,
  ownFindings,
} from './shared.js';

/**
 * Flags containers whose `securityContext.allowPrivilegeEscalation` is not `false`. Kubernetes
 * defaults it to true, which lets a process gain privileges through setuid binaries or file
 * capabilities; `false` sets the kernel's no_new_privs flag. The setting only exists per container.
 * Privileged containers are left to `k8s.privileged`; Windows pods are skipped, since the API rejects
 * the field in them (it is a Linux setting).
 */
export const k8sPrivilegeEscalation = defineEvaluator<Record<string, never>>({
  kind: 'k8s.privilege-escalation',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary: 'Kubernetes containers that do not set securityContext.allowPrivilegeEscalation: false.',
  fix: 'sets allowPrivilegeEscalation: false in the container securityContext (created when missing)',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const fixes = new FixBatches(workspace);
    eachContainer(workspace, (c) => {
      if (isWindowsPod(c.pod)) return;
      // A privileged container always can (Kubernetes rejects `false` beside `privileged: true`); the
      // privileged-container rule reports it.
      if (isPrivileged(c)) return;
      const setting = containerSetting(c, 'allowPrivilegeEscalation');
      if (k8sBoolean(c.pod.object, setting) === false) return;
      const what = describeContainer(c);
      if (setting) {
        const finding = containerFinding(
          c,
          setting,
          `The ${what} sets allowPrivilegeEscalation to ${JSON.stringify(setting.value)}: its processes can ` +
            'gain privileges through setuid binaries. Set it to false.',
          'allowPrivilegeEscalation',
        );
        privilegeEscalationFix(fixes, finding, c);
        findings.push(finding);
        return;
      }
      const at = missingSettingAt(c);
      const finding = containerFinding(
        c,
        at.node,
        `The ${what} does not set allowPrivilegeEscalation: false, and Kubernetes defaults it to true, ` +
          'so its processes can gain privileges through setuid binaries.',
        'allowPrivilegeEscalation',
        at.anchor,
        { ...ABSENT, openShiftDefault: 'allowPrivilegeEscalation: false' },
      );
      privilegeEscalationFix(fixes, finding, c);
      findings.push(finding);
    });
    fixes.finish();
    return ownFindings(findings);
  },
});
