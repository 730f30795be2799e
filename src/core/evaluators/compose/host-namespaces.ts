import { composeServices, describeService, serviceFinding, serviceSetting } from '../../parsers/compose.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

type Namespace = 'network' | 'pid' | 'ipc' | 'userns' | 'uts';

interface Options {
  namespaces: Namespace[];
}

const FIELDS: Record<Namespace, { field: string; effect: string }> = {
  network: {
    field: 'network_mode',
    effect:
      "it uses the host's network stack: its ports bypass Docker's port mapping and firewall rules, and it reaches services bound to the host's localhost",
  },
  pid: {
    field: 'pid',
    effect: 'it sees every process on the host and, as root, can inspect or signal them',
  },
  ipc: {
    field: 'ipc',
    effect: "it shares the host's IPC namespace and can read other processes' shared memory",
  },
  userns: {
    field: 'userns_mode',
    effect:
      "it opts out of the daemon's user-namespace remapping, so root in the container is root on the host",
  },
  uts: {
    field: 'uts',
    effect: "it shares the host's hostname and domain name, which it can change with the right capability",
  },
};

/**
 * `compose.host-namespaces`: Compose services that share a namespace of the Docker host
 * (`network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host`), which removes the isolation
 * between the container and the host. A value written with variables is read as Compose interpolates
 * it (`${NET_MODE:-host}`, or the project's `.env` setting NET_MODE: see compose.ts).
 */
export const composeHostNamespaces = defineEvaluator<Options>({
  kind: 'compose.host-namespaces',
  summary:
    'Docker Compose services that share a host namespace (network_mode, pid, ipc or userns_mode: host).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      namespaces: {
        type: 'array',
        items: { enum: ['network', 'pid', 'ipc', 'userns', 'uts'] },
        uniqueItems: true,
        default: ['network', 'pid', 'ipc', 'userns'],
        description: 'Host namespaces a service must not share.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    for (const service of composeServices(workspace)) {
      for (const ns of options.namespaces) {
        const { field, effect } = FIELDS[ns];
        const node = serviceSetting(service, field);
        // `host`, as written or as Compose interpolates it (see compose.ts).
        if (typeof node?.value !== 'string' || node.value.trim() !== 'host') continue;
        findings.push(
          serviceFinding(service, node, `The ${describeService(service)} sets ${field}: host`, `${effect}.`, [
            field,
          ]),
        );
      }
    }
    return findings;
  },
});
