import { composeServices, describeService, serviceFinding, serviceSetting } from '../../parsers/compose.js';
import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import { isMovingTag, movingTagPhrase, parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';

/**
 * `compose.image-tag`: Compose services whose `image` has no tag or one that names no version (`latest`,
 * `dind`, `postgresql-latest`: see isMovingTag), and no digest,
 * as k8s.image-tag judges Kubernetes containers. A service with `build:` is left alone: its `image`
 * names what Compose builds from the project's own sources, not what it pulls. Images taken from a
 * variable (`${TAG}`) are not judged. A name that no registry serves (see isLocalOnlyImage) is reported
 * at low confidence: it was built or tagged on the host.
 */
export const composeImageTag = defineEvaluator<Record<string, never>>({
  kind: 'compose.image-tag',
  summary:
    'Docker Compose services pulling an image with no tag or one that names no version ("latest", "dind"), and no digest.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const service of composeServices(workspace)) {
      if (serviceSetting(service, 'build') !== undefined) continue;
      const image = serviceSetting(service, 'image');
      if (typeof image?.value !== 'string' || image.value.includes('$')) continue;
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
      findings.push(
        serviceFinding(
          service,
          image,
          `The image "${ref.raw}" of the ${describeService(service)} ${problem}`,
          'what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.',
          ['image', ref.raw],
        ),
      );
    }
    return findings;
  },
});
