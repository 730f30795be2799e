import { composeServices, describeService, serviceEntries, serviceFinding } from '../../parsers/compose.js';
import type { RawFinding } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { bindMount } from './mounts.js';

/**
 * `/var/run/docker.sock`, `/run/docker.sock`, `/run/user/${UID}/docker.sock`, `//var/run/docker.sock`.
 * A source written with variables is judged as Compose interpolates it (`${DOCKER_SOCK:-/var/run/docker.sock}`
 * is the default unless the deployer sets DOCKER_SOCK: see compose.ts).
 */
export function isDockerSocket(source: string): boolean {
  const path = source
    .trim()
    .replace(/\/{2,}/g, '/')
    .replace(/\/$/, '');
  return path.startsWith('/') && path.endsWith('/docker.sock');
}

/**
 * `compose.docker-socket`: Compose services that mount the Docker daemon's socket. Whoever talks to
 * the socket drives the daemon, root unless it runs rootless: they can start a privileged container with the
 * host's root filesystem mounted. A read-only mount (`:ro`) changes nothing: it only stops the socket
 * file from being replaced, and the API behind it is still reachable.
 */
export const composeDockerSocket = defineEvaluator<Record<string, never>>({
  kind: 'compose.docker-socket',
  summary: "Docker Compose services that mount the Docker daemon's socket (short or long volume syntax).",
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const service of composeServices(workspace)) {
      for (const node of serviceEntries(service, 'volumes')) {
        const source = bindMount(node.value)?.source;
        if (source === undefined || !isDockerSocket(source)) continue;
        findings.push(
          serviceFinding(
            service,
            node,
            `The ${describeService(service)} mounts the Docker socket ${source.trim()}`,
            'whoever runs code in it drives the Docker daemon (root, unless it runs rootless) and can start a privileged ' +
              "container with the host's filesystem; a read-only mount does not help, as the API is still reachable. " +
              'If it only reads container state, mount a socket proxy that allows just those API calls.',
            ['docker.sock', source.trim()],
          ),
        );
      }
    }
    return findings;
  },
});
