import { locationFromSpan } from '../../location.js';
import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import {
  BASE_IMAGE_ONLY,
  baseImageOnly,
  type DockerfileModel,
  dockerfilePaths,
  globalArgValues,
  readDockerfile,
  referencedStage,
  type Stage,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  builtBy,
  copiedImage,
  imagesTaken,
  judgeBaseImage,
  lazyImages,
  ownImages,
  repeatedFroms,
  repeatsNote,
  takenKey,
  takenPhrase,
} from './base-image.js';
import { developmentEnvironmentNote, toolingImageNote } from './dev-environment.js';
import { everyDockerfile, IMAGE_BUILD_SOURCES, IMAGE_COMMAND_READS, publishes } from './image-builds.js';
import {
  isOfficialImage,
  LIBRARY_SCRIPT,
  OFFICIAL_IMAGE_PARENT,
  officialImageSource,
} from './official-image-source.js';

/**
 * `dockerfile.base-image-digest`: stages built FROM an external image that carries a version tag but
 * no `@sha256:` digest, and the images COPY --from or a RUN --mount takes files from, judged alike.
 * A tag can be re-pushed, so only a digest names the exact image that was reviewed. Untagged and `latest` images are left to `dockerfile.base-image` (one finding per line);
 * `scratch`, earlier stages and versions that depend on an ARG without a default are not judged. An
 * image a build of the repository tags (the project's own, see image-builds.ts), a development stage
 * no other stage builds on, a Dockerfile whose path marks a development or build-tool image that no
 * build here publishes (see toolingImageNote),
 * a development environment's image (see dev-environment.ts), a Docker
 * Official Image's parent in the image's source repository (see official-image-source.ts) and a
 * Dockerfile of one FROM line are reported at low confidence.
 */
export const dockerfileBaseImageDigest = defineEvaluator<Record<string, never>>({
  kind: 'dockerfile.base-image-digest',
  scope: 'file',
  // The repository's build scripts tell an image it builds itself (see image-builds.ts), and the
  // script of an official image's source repository tells one (see official-image-source.ts).
  readsOtherFiles: [...IMAGE_BUILD_SOURCES, LIBRARY_SCRIPT],
  affectedBy: everyDockerfile,
  // A workflow or Makefile tells them something only when it names a container engine.
  screenedReads: IMAGE_COMMAND_READS,
  summary:
    'Dockerfile stages whose external base image, or an image COPY --from or RUN --mount takes files from, has a tag but no @sha256 digest.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const images = lazyImages(workspace);
    const own = ownImages(workspace, images);
    // Whether a build of the repository publishes the image of a Dockerfile, asked only when a
    // Dockerfile's path marks a development or build-tool image.
    const published = (file: string) => publishes(images(), file, workspace);
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      const vars = globalArgValues(model);
      const repeated = repeatedFroms(model);
      // Why the pins of the whole file matter less: it is a version pin, or a development environment.
      const fileNote = baseImageOnly(model)
        ? BASE_IMAGE_ONLY
        : (developmentEnvironmentNote(workspace, model) ?? toolingImageNote(file, published));
      for (const stage of model.stages) {
        // The images its COPY --from and RUN --mount from= take files from, pulled as a base image
        // is: one with a version tag and no digest. Moving tags are dockerfile.base-image's; images
        // built or tagged here, or that no registry serves, have no digest to add.
        for (const taken of imagesTaken(stage)) {
          const copied = copiedImage(model, stage, taken.from, vars);
          const ref = copied?.verdict.kind === 'pinned' ? parseImageRef(copied.text) : undefined;
          if (!copied || !ref || ref.digest !== undefined || isLocalOnlyImage(ref) || own(copied.text))
            continue;
          const message =
            `Image ${takenPhrase(stage, taken.from, copied.text, taken.by)}, is pinned by tag only: a tag ` +
            `can be re-pushed, so rebuilds may ${taken.by === 'copy' ? 'copy' : 'mount'} different files. ` +
            'Add its digest (`image:tag@sha256:...`) and let Dependabot or Renovate update it.';
          const parent = isOfficialImage(copied.text) && officialImageSource(workspace);
          const note = (parent ? OFFICIAL_IMAGE_PARENT : fileNote) ?? developmentStage(model, stage);
          const location = locationFromSpan(file, taken.span ?? stage.from.span);
          const key = takenKey(taken);
          findings.push(
            note
              ? { message: `${message.slice(0, -1)} (${note}).`, location, key, confidence: 'low' }
              : { message, location, key },
          );
        }
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
        const build = own(resolved);
        if (build) {
          // Re-tagged at each build of its own: a digest pinned here would be stale after the next one.
          findings.push({
            message:
              `Base image ${shown} is pinned by tag only, but ${builtBy(build)}: its tag moves with each ` +
              'of those builds, and a digest pinned here would be stale after the next. Pin by digest the ' +
              `base images of the Dockerfile it is built from.${repeats ? repeatsNote(repeats) : ''}`,
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
        // Why the pin matters less: the image is an official image's parent in its source repository,
        // the file is a version pin or a development environment's image, or the stage is a
        // development one.
        const parent = isOfficialImage(resolved) && officialImageSource(workspace);
        const note = (parent ? OFFICIAL_IMAGE_PARENT : fileNote) ?? developmentStage(model, stage);
        findings.push(
          note
            ? { message: `${message.slice(0, -1)} (${note}).`, location, key: written, confidence: 'low' }
            : { message, location, key: written },
        );
      }
    }
    return findings;
  },
});

/** Words of a stage's name (`controller-dev`, `devel`, `tilt`) that mark a development stage. */
const DEVELOPMENT_STAGE_WORDS = new Set(['dev', 'devel', 'development', 'tilt']);

/**
 * Why a stage's base matters less, when it is a development stage: its name says so
 * (`workflow-controller-dev`, the target a Tilt or Skaffold loop builds on a developer's machine) and
 * no later stage builds FROM it, so no image built from another stage contains it.
 */
function developmentStage(model: DockerfileModel, stage: Stage): string | undefined {
  const name = stage.from.name;
  const word = name
    ?.toLowerCase()
    .split(/[._-]+/)
    .find((w) => DEVELOPMENT_STAGE_WORDS.has(w));
  if (!name || !word) return undefined;
  const vars = globalArgValues(model);
  const builtOn = model.stages.some((s) => {
    if (s.index <= stage.index || !s.from.image) return false;
    const { text } = expandVariables(s.from.image, vars, model.escapeChar);
    return referencedStage(model, s, text) === stage;
  });
  return builtOn
    ? undefined
    : `the stage "${name}" is named as a development stage (${word}) and no other stage is built FROM it: an image for a developer's loop (Tilt, Skaffold), not one the project ships`;
}
