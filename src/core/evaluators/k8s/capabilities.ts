import { childAt, containersOf, describeContainer, isMap, podSpecs } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { containerFinding, isWindowsPod } from './shared.js';

/** Options of `k8s.capabilities`: one of the two audits, or both. */
export interface CapabilitiesOptions {
  /** Capabilities a container may add; any other one (and `ALL`) is reported. Empty: not checked. */
  allowedAdd: string[];
  /** Report containers that do not drop ALL. */
  requireDropAll: boolean;
}

/** The Pod Security Standards' baseline profile allows adding these and no others. */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** `cap_sys_admin` and `CAP_SYS_ADMIN` are how people write `SYS_ADMIN`. */
function normalise(cap: unknown): string {
  return typeof cap === 'string' ? cap.trim().toUpperCase().replace(/^CAP_/, '') : '';
}

/**
 * `k8s.capabilities`: Linux capabilities of containers. With `allowedAdd`, a capability added beyond
 * that list (by default the baseline profile's: so SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, ALL, ...)
 * is reported at its entry; with `requireDropAll`, a container that does not drop ALL keeps the
 * runtime's default set (NET_RAW among them). Windows pods have no Linux capabilities.
 */
export const k8sCapabilities = defineEvaluator<CapabilitiesOptions>({
  kind: 'k8s.capabilities',
  summary:
    'Kubernetes containers that add Linux capabilities beyond an allowed list, or (requireDropAll) do not drop ALL.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allowedAdd: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'Capabilities a container may add (without the CAP_ prefix); any other one is reported. Empty: adds are not checked.',
      },
      requireDropAll: {
        type: 'boolean',
        default: false,
        description: 'Report containers whose securityContext.capabilities.drop does not include ALL.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const allowed = new Set(options.allowedAdd.map(normalise));
    const findings: RawFinding[] = [];
    for (const pod of podSpecs(workspace)) {
      if (isWindowsPod(pod)) continue;
      for (const c of containersOf(pod, ['initContainers', 'containers'])) {
        const what = describeContainer(c);
        const add = childAt(pod.object, c.node, 'securityContext', 'capabilities', 'add');
        if (allowed.size > 0 && Array.isArray(add?.value)) {
          add.value.forEach((cap, i) => {
            const name = normalise(cap);
            if (name === '' || allowed.has(name)) return;
            const node = childAt(pod.object, add, i);
            if (!node) return;
            const effect =
              name === 'ALL'
                ? 'every capability, which amounts to root on the node for many kernel paths'
                : `${name}, a capability that the baseline Pod Security Standard forbids`;
            findings.push(
              containerFinding(
                c,
                node,
                `The ${what} adds ${effect}. Drop ALL and add only what it needs from the baseline set.`,
                `add:${name}`,
              ),
            );
          });
        }
        if (!options.requireDropAll) continue;
        const drop = childAt(pod.object, c.node, 'securityContext', 'capabilities', 'drop');
        if (Array.isArray(drop?.value) && drop.value.some((x) => normalise(x) === 'ALL')) continue;
        const capabilities = childAt(pod.object, c.node, 'securityContext', 'capabilities');
        const sc = childAt(pod.object, c.node, 'securityContext');
        const [node, anchor] = drop
          ? [drop, 'key' as const]
          : capabilities && isMap(capabilities.value)
            ? [capabilities, 'key' as const]
            : sc && isMap(sc.value)
              ? [sc, 'key' as const]
              : [c.node, 'start' as const];
        findings.push(
          containerFinding(
            c,
            node,
            `The ${what} does not drop ALL capabilities, so it keeps the runtime's default set (NET_RAW, ` +
              'SETUID, DAC_OVERRIDE, ...). Set securityContext.capabilities.drop: ["ALL"] and add back only what it needs.',
            'drop:ALL',
            anchor,
          ),
        );
      }
    }
    return findings;
  },
});
