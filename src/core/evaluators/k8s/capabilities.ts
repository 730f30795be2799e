import { type Container, childAt, containersOf, describeContainer, isMap } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  ABSENT,
  containerFinding,
  containerSetting,
  examinedPods,
  isPrivileged,
  isWindowsPod,
  k8sBoolean,
  ownFindings,
  podSetting,
} from './shared.js';

/** Options of `k8s.capabilities`: one of the two audits, or both. */
export interface CapabilitiesOptions {
  /** Capabilities a container must not add (`ALL` included). Empty: adds are not checked. */
  forbiddenAdd: string[];
  /** Report containers that do not drop ALL. */
  requireDropAll: boolean;
}

/** `cap_sys_admin` and `CAP_SYS_ADMIN` are how people write `SYS_ADMIN`. */
function normalise(cap: unknown): string {
  return typeof cap === 'string' ? cap.trim().toUpperCase().replace(/^CAP_/, '') : '';
}

/**
 * Why a container's added capabilities reach none of its processes, or undefined: it runs as a non-root
 * user (a non-zero `runAsUser`, or `runAsNonRoot: true` without one, container or pod level) and sets
 * `allowPrivilegeEscalation: false`. Kubernetes sets no ambient capabilities, so a non-root process
 * gets an added capability only from a file capability of the program it runs, which no_new_privs
 * (what allowPrivilegeEscalation: false sets) does not honour.
 */
function unusedCapabilities(c: Container): string | undefined {
  if (k8sBoolean(c.pod.object, containerSetting(c, 'allowPrivilegeEscalation')) !== false) return undefined;
  const user = containerSetting(c, 'runAsUser') ?? podSetting(c.pod, 'runAsUser');
  if (user !== undefined) {
    return typeof user.value === 'number' && user.value > 0 ? `runAsUser: ${user.value}` : undefined;
  }
  const nonRoot = containerSetting(c, 'runAsNonRoot') ?? podSetting(c.pod, 'runAsNonRoot');
  return k8sBoolean(c.pod.object, nonRoot) === true ? 'runAsNonRoot: true' : undefined;
}

/**
 * `k8s.capabilities`: Linux capabilities of containers. With `forbiddenAdd`, each listed capability
 * a container adds is reported at its entry (`CAP_` prefix and case ignored); with `requireDropAll`, a
 * container that does not drop ALL keeps the runtime's default set (NET_RAW among them). Windows pods
 * have no Linux capabilities.
 */
export const k8sCapabilities = defineEvaluator<CapabilitiesOptions>({
  kind: 'k8s.capabilities',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  // 3: also the pod specs of other kinds (a Knative Service, a Tekton Task, an Argo Workflows template).
  revision: 5,
  summary:
    'Kubernetes containers that add listed Linux capabilities (forbiddenAdd), or (requireDropAll) do not drop ALL.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      forbiddenAdd: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'Capabilities a container must not add (without the CAP_ prefix; ALL for all). Empty: adds are not checked.',
      },
      requireDropAll: {
        type: 'boolean',
        default: false,
        description: 'Report containers whose securityContext.capabilities.drop does not include ALL.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const forbidden = new Set(options.forbiddenAdd.map(normalise));
    const findings: RawFinding[] = [];
    for (const pod of examinedPods(workspace, true)) {
      if (isWindowsPod(pod)) continue;
      for (const c of containersOf(pod, ['initContainers', 'containers'])) {
        // A privileged container has every capability, whatever it adds or drops: k8s.privileged reports it.
        if (isPrivileged(c)) continue;
        const what = describeContainer(c);
        const add = childAt(pod.object, c.node, 'securityContext', 'capabilities', 'add');
        if (forbidden.size > 0 && Array.isArray(add?.value)) {
          const inert = unusedCapabilities(c);
          add.value.forEach((cap, i) => {
            const name = normalise(cap);
            if (!forbidden.has(name)) return;
            const node = childAt(pod.object, add, i);
            if (!node) return;
            const effect =
              name === 'ALL'
                ? 'every capability, which amounts to root on the node for many kernel paths'
                : `${name}, a capability that breaks the container's isolation (the baseline Pod Security Standard forbids it)`;
            const finding = inert
              ? {
                  ...containerFinding(
                    c,
                    node,
                    `The ${what} adds ${name === 'ALL' ? 'every capability' : name}, which the baseline Pod Security ` +
                      `Standard forbids, but no process of it can use it: it runs as a non-root user (${inert}) with ` +
                      'allowPrivilegeEscalation: false, so neither its user nor a file capability of its binaries ' +
                      'grants it. Remove it from capabilities.add, where it only makes the pod fail baseline admission.',
                    `add:${name}`,
                  ),
                  severity: 'low' as const,
                }
              : containerFinding(
                  c,
                  node,
                  `The ${what} adds ${effect}. Drop ALL and add only what it needs from the baseline set.`,
                  `add:${name}`,
                );
            findings.push(finding);
          });
        }
        // What a pod spec of another kind leaves out may be set by the operator that runs it: only
        // what it adds is judged there.
        if (!options.requireDropAll || pod.nested) continue;
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
            { ...ABSENT, openShiftDefault: 'no capabilities (it drops ALL)' },
          ),
        );
      }
    }
    return ownFindings(findings);
  },
});
