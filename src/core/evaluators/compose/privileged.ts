import {
  type ComposeService,
  composeServices,
  describeService,
  serviceFinding,
  serviceSetting,
} from '../../parsers/compose.js';
import { composeBoolean } from '../../parsers/yaml-boolean.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';

/**
 * `privileged: true`, or a value Compose reads as true (`yes`, `on`, `y`, quoted or not: see
 * {@link composeBoolean}). A value written with variables is read as Compose interpolates it
 * (`${PRIVILEGED:-true}`, or `${PRIVILEGED}` with the project's `.env` setting it: see compose.ts).
 */
export function isPrivileged(value: unknown): boolean {
  return composeBoolean(value) === true;
}

/**
 * The services that do not run privileged: a privileged one has every capability, device and host
 * path it could ask for and runs unconfined, which `compose.privileged` reports once, so the rules
 * about those settings judge the others. The files examined are every service's, as for
 * {@link composeServices}.
 */
export function unprivilegedServices(workspace: Workspace): ComposeService[] {
  return composeServices(workspace).filter((s) => !isPrivileged(serviceSetting(s, 'privileged')?.value));
}

/**
 * `compose.privileged`: Compose services with `privileged: true`. Such a container gets every Linux
 * capability and the host's devices, and runs without the seccomp and AppArmor profiles: code running
 * in it is root on the Docker host.
 */
export const composePrivileged = defineEvaluator<Record<string, never>>({
  kind: 'compose.privileged',
  summary: 'Docker Compose services that run privileged.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const service of composeServices(workspace)) {
      const node = serviceSetting(service, 'privileged');
      if (!node || !isPrivileged(node.value)) continue;
      findings.push(
        serviceFinding(
          service,
          node,
          `The ${describeService(service)} runs privileged`,
          "it gets every capability and the host's devices, so whoever runs code in it controls the Docker host.",
          ['privileged'],
        ),
      );
    }
    return findings;
  },
});
