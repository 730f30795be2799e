import { locationFromSpan } from '../../location.js';
import { dockerfilePaths, readDockerfile } from '../../parsers/dockerfile.js';
import { UNRESOLVED } from '../../parsers/dockerfile-words.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/** Options of `dockerfile.exposed-ports`. */
export interface ExposedPortsOptions {
  ports: number[];
  message?: string;
}

/**
 * `dockerfile.exposed-ports`: EXPOSE of any of `ports` (default 22, SSH), as a single port, with a
 * protocol (`22/tcp`) or inside a range (`20-25`), after substituting the ARG and ENV values in force
 * (`EXPOSE ${SSH_PORT}` with `ARG SSH_PORT=22`). Ports that stay unresolved are not judged.
 */
export const dockerfileExposedPorts = defineEvaluator<ExposedPortsOptions>({
  kind: 'dockerfile.exposed-ports',
  scope: 'file',
  summary: 'Dockerfile EXPOSE instructions that publish one of the listed ports (default: 22, SSH).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ports: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'integer', minimum: 1, maximum: 65535 },
        default: [22],
        description: 'Ports that must not be exposed.',
      },
      message: { type: 'string', minLength: 1, description: 'Why these ports must not be exposed.' },
    },
  },
  evaluate({ options, workspace }) {
    const forbidden = new Set(options.ports);
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      for (const stage of model.stages) {
        for (const word of stage.exposes) {
          if (word.resolved.includes(UNRESOLVED)) continue;
          const port = exposedPort(word.resolved, forbidden);
          if (port === undefined) continue;
          const via = word.resolved === word.written ? '' : ` (${word.written})`;
          findings.push({
            message:
              `EXPOSE ${word.resolved}${via} publishes port ${port}` +
              (options.message ? `: ${options.message}` : '.'),
            location: locationFromSpan(file, word.span),
            key: `${port}:${word.written}`,
          });
        }
      }
    }
    return findings;
  },
});

/** The first forbidden port an EXPOSE word covers (`22`, `22/tcp`, `20-25/udp`), if any. */
export function exposedPort(word: string, forbidden: ReadonlySet<number>): number | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(?:tcp|udp|sctp))?$/i.exec(word.trim());
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  for (const p of forbidden) if (p >= low && p <= high) return p;
  return undefined;
}
