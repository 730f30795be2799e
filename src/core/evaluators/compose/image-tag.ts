import {
  type ComposeService,
  composeServices,
  describeService,
  nodeInterpolations,
  serviceFinding,
  serviceSetting,
} from '../../parsers/compose.js';
import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import { type ImageRef, isMovingTag, movingTagPhrase, parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';

/**
 * `compose.image-tag`: Compose services whose `image` has no tag or one that names no version (`latest`,
 * `dind`, `postgresql-latest`: see isMovingTag), and no digest,
 * as k8s.image-tag judges Kubernetes containers. A service with `build:` is left alone: its `image`
 * names what Compose builds from the project's own sources, not what it pulls, and so does another
 * service of the same file that names that image (the workers of an application built once). An image written with
 * variables is judged as Compose interpolates it (`app:${TAG:-latest}` is `app:latest` unless the
 * deployer sets TAG; the project's `.env` sets them too), except one that names a variable set nowhere
 * in the repository with no default (`app:${TAG}`): the deployer gives it. A name that no registry serves (see isLocalOnlyImage) is reported
 * at low confidence: it was built or tagged on the host. So is an image of a service that is likely
 * no deployment (see notDeployedService: a compose file under `.devcontainer/` is a developer's
 * workspace), and the project's own published image (see ownImage) in a compose file not named for
 * production: a template the project ships for its users, whose moving tag is its newest release; so is
 * an image of the repository's owner in GitHub's container registry there (a first-party component).
 */
export const composeImageTag = defineEvaluator<Record<string, never>>({
  kind: 'compose.image-tag',
  summary:
    'Docker Compose services pulling an image with no tag or one that names no version ("latest", "dind"), and no digest.',
  schema: NO_OPTIONS,
  evaluate({ workspace, repository }) {
    const findings: RawFinding[] = [];
    const services = composeServices(workspace);
    // The images the files' services build (`build:` with `image:`), by file: Compose tags what it
    // builds with that name, and another service of the file naming it runs the project's own build.
    const built = new Set<string>();
    for (const s of services) {
      const image = serviceSetting(s, 'image')?.value;
      if (typeof image === 'string' && serviceSetting(s, 'build') !== undefined)
        built.add(`${s.path}\u0000${image.trim()}`);
    }
    for (const service of services) {
      if (serviceSetting(service, 'build') !== undefined) continue;
      const image = serviceSetting(service, 'image');
      if (typeof image?.value === 'string' && built.has(`${service.path}\u0000${image.value.trim()}`))
        continue;
      // A variable set nowhere in the repository with no default is the deployer's to give.
      if (typeof image?.value !== 'string' || image.value.includes('$')) continue;
      if (nodeInterpolations(service, image).some((i) => i.uses.some((u) => u.from === 'unset'))) continue;
      const ref = parseImageRef(image.value);
      if (!ref || ref.digest !== undefined) continue;
      if (ref.tag !== undefined && !isMovingTag(ref.tag, ref.repository)) continue;
      if (isLocalOnlyImage(ref)) {
        // Docker Hub has no such image: Compose runs what was built or tagged on the host.
        const tag = ref.tag !== undefined ? movingTagPhrase(ref.tag) : 'has no tag';
        findings.push({
          ...serviceFinding(
            service,
            image,
            `The image "${ref.raw}" of the ${describeService(service)} ${tag}, but ${NO_REGISTRY_SERVES}`,
            "it is built or tagged on the host (by another service's `build:` or a script), or misspelt. " +
              'Pinning applies to what builds it: check that its base images are pinned.',
            ['image', ref.raw],
          ),
          confidence: 'low',
        });
        continue;
      }
      const problem = ref.tag !== undefined ? movingTagPhrase(ref.tag) : 'has no tag, which means "latest"';
      const finding = serviceFinding(
        service,
        image,
        `The image "${ref.raw}" of the ${describeService(service)} ${problem}`,
        'what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.',
        ['image', ref.raw],
      );
      const why = finding.confidence === 'low' ? undefined : lesser(service, ref, repository);
      findings.push(
        why ? { ...finding, message: `${finding.message} (${why}.)`, confidence: 'low' } : finding,
      );
    }
    return findings;
  },
});

/** Words of a compose file's name that make it the project's own production stack. */
const PRODUCTION_WORDS = new Set(['prod', 'production', 'live']);

/** The registries where a repository's own image is published under its `owner/name`. */
const OWN_REGISTRIES = new Set([undefined, 'docker.io', 'index.docker.io', 'ghcr.io', 'quay.io']);

/**
 * Why a moving tag matters less for this service, besides its being likely no deployment (see
 * notDeployedService): its image is the project's own published image (see {@link ownImage}) in
 * a compose file not named for production: a template the project ships for its users, whose
 * `latest` is the project's newest release, which `docker compose pull` takes on purpose. Third-party
 * images of the same file are judged as usual.
 */
function lesser(service: ComposeService, ref: ImageRef, repository: string | undefined): string | undefined {
  const words = service.path
    .slice(service.path.lastIndexOf('/') + 1)
    .toLowerCase()
    .split(/[.\-_]+/);
  if (words.some((w) => PRODUCTION_WORDS.has(w))) return undefined;
  if (ownImage(ref, repository)) {
    return (
      `it is this repository's own published image, in a compose file it ships for its users: its tag is the ` +
      "project's newest release, which `docker compose pull` updates to on purpose"
    );
  }
  const owner = sameOwnerImage(ref, repository);
  if (owner === undefined) return undefined;
  return (
    `it is an image of this repository's own owner (${owner}) in the GitHub container registry, where only that ` +
    'owner can push, in a compose file not named for production: a first-party component the project moves on ' +
    'purpose (a release that pins it should give the tag)'
  );
}

/**
 * The owner of the checked repository when the image lives in that owner's namespace of GitHub's
 * container registry (`ghcr.io/<owner>/...`), where only the owner can push; undefined otherwise (a
 * Docker Hub or Quay namespace of the same name may belong to anyone).
 */
function sameOwnerImage(ref: ImageRef, repository: string | undefined): string | undefined {
  if (!repository || ref.registry?.toLowerCase() !== 'ghcr.io') return undefined;
  const owner = repository.split('/')[0];
  return owner && ref.repository.toLowerCase().split('/')[0] === owner ? owner : undefined;
}

/**
 * Whether the image is the checked repository's own: `owner/name` as the run names the repository
 * (never the tree, which a change controls), on Docker Hub, GHCR (or an image below it there) or Quay.
 */
function ownImage(ref: ImageRef, repository: string | undefined): boolean {
  if (!repository || !OWN_REGISTRIES.has(ref.registry?.toLowerCase())) return false;
  const name = ref.repository.toLowerCase();
  return (
    name === repository || (ref.registry?.toLowerCase() === 'ghcr.io' && name.startsWith(`${repository}/`))
  );
}
