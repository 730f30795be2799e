import { locationFromSpan } from '../../location.js';
import {
  type DockerfileModel,
  dockerfilePaths,
  finalStage,
  globalArgValues,
  type InstructionText,
  readDockerfile,
  referencedStage,
  type Stage,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/** `root`, `0`, and either with a group (`root:root`, `0:0`, `root:app`). */
const ROOT_USER = /^(root|0)(:.*)?$/;

/** The user the final image runs as: the last USER of the final stage or of a stage it builds on. */
export interface EffectiveUser {
  /** Undefined when no stage in the chain sets USER. */
  user?: InstructionText;
  /** The stage that holds `user` (or the final stage, when there is none). */
  stage: Stage;
}

/**
 * Flags Dockerfiles whose final stage runs as root: no USER at all (reported at the final FROM), or
 * a last USER of `root`/`0` (reported at that USER). A stage built FROM an earlier stage inherits its
 * user, so the chain is followed. A USER set from a variable is not judged; nor is the default user of
 * an external base image, which would need the image itself.
 */
export const dockerfileRootUser = defineEvaluator<Record<string, never>>({
  kind: 'dockerfile.root-user',
  scope: 'file',
  summary: 'Dockerfiles whose final stage sets no USER or switches to root.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      const final = model && finalStage(model);
      if (!model || !final) continue;
      const { user, stage } = effectiveUser(model, final);
      const image = final.from.image ?? '';
      if (!user) {
        findings.push({
          message:
            `The final stage (FROM ${image}) sets no USER, so the container runs as root unless the base ` +
            'image sets another default user.',
          location: locationFromSpan(file, final.from.span),
          key: 'no-user',
        });
      } else if (!user.value.includes('$') && ROOT_USER.test(user.value)) {
        const inherited =
          stage === final ? '' : ` (inherited from stage "${stage.from.name ?? stage.index}")`;
        findings.push({
          message: `The final stage runs as root: its last USER is "${user.value}"${inherited}.`,
          location: locationFromSpan(file, user.span),
          key: `user:${user.value}`,
        });
      }
    }
    return findings;
  },
});

/** Follows FROM references to earlier stages until a stage with a USER (or an external image). */
export function effectiveUser(model: DockerfileModel, final: Stage): EffectiveUser {
  const vars = globalArgValues(model);
  let stage: Stage | undefined = final;
  while (stage) {
    const last = stage.users[stage.users.length - 1];
    if (last) return { user: last, stage };
    const image = stage.from.image;
    if (!image) break;
    const { text } = expandVariables(image, vars, model.escapeChar);
    // referencedStage only looks at earlier stages, so the walk always terminates.
    stage = text.includes(UNRESOLVED) ? undefined : referencedStage(model, stage, text);
  }
  return { stage: final };
}
