import { locationFromSpan } from '../../location.js';
import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import {
  BASE_IMAGE_ONLY,
  baseImageOnly,
  dockerfilePaths,
  globalArgValues,
  readDockerfile,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { judgeBaseImage, repeatedFroms, repeatsNote } from './base-image.js';

/**
 * `dockerfile.base-image-digest`: stages built FROM an external image that carries a version tag but
 * no `@sha256:` digest. A tag can be re-pushed, so only a digest names the exact image that was
 * reviewed. Untagged and `latest` images are left to `dockerfile.base-image` (one finding per line);
 * `scratch`, earlier stages and versions that depend on an ARG without a default are not judged.
 */
export const dockerfileBaseImageDigest = defineEvaluator<Record<string, never>>({
  kind: 'dockerfile.base-image-digest',
  scope: 'file',
  summary: 'Dockerfile stages whose external base image has a tag but no @sha256 digest.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      const vars = globalArgValues(model);
      const repeated = repeatedFroms(model);
      for (const stage of model.stages) {
        // One finding for the FROM lines that take their image from the same ARG: one edit fixes them.
        const repeats = repeated.get(stage);
        if (repeated.has(stage) && !repeats) continue;
        if (judgeBaseImage(model, stage, vars)?.kind !== 'pinned') continue;
        const written = stage.from.image ?? '';
        const resolved = expandVariables(written, vars, model.escapeChar).text;
        const ref = parseImageRef(resolved);
        // A digest of any form pins (Docker rejects a malformed one at build time).
        if (!ref || ref.digest !== undefined || resolved.includes(UNRESOLVED)) continue;
        const shown =
          resolved === written ? `"${written}"` : `"${written}" (with ARG defaults: "${resolved}")`;
        const location = locationFromSpan(file, stage.from.imageSpan ?? stage.from.span);
        if (isLocalOnlyImage(ref)) {
          // Built or tagged on the machine: there is no registry digest to add (see docker-hub.ts).
          findings.push({
            message:
              `Base image ${shown} is pinned by tag only, but ${NO_REGISTRY_SERVES}, so it is built or ` +
              'tagged locally (or misspelt) and has no digest to add. Pin by digest the images ' +
              `that build it or that it is tagged from.${repeats ? repeatsNote(repeats) : ''}`,
            location,
            key: written,
            confidence: 'low',
          });
          continue;
        }
        const message =
          `Base image ${shown} is pinned by tag only: a tag can be re-pushed, so rebuilds may get a ` +
          'different image. Add its digest (`image:tag@sha256:...`) and let Dependabot or Renovate update it.' +
          (repeats ? repeatsNote(repeats) : '');
        findings.push(
          baseImageOnly(model)
            ? {
                message: `${message.slice(0, -1)} (${BASE_IMAGE_ONLY}).`,
                location,
                key: written,
                confidence: 'low',
              }
            : { message, location, key: written },
        );
      }
    }
    return findings;
  },
});
