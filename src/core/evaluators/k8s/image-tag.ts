import { parseImageRef } from '../../parsers/image-ref.js';
import { childAt, describeContainer } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { containerFinding, eachContainer, NO_OPTIONS } from './shared.js';

/**
 * Flags container images with no tag or the `latest` tag and no digest: the version that runs
 * changes whenever the tag is re-pointed and a pod restarts, without a change to the manifest.
 * Images filled in by a templating step (`${TAG}`, `{{ .Values.tag }}`) are not judged.
 */
export const k8sImageTag = defineEvaluator<Record<string, never>>({
  kind: 'k8s.image-tag',
  summary: 'Kubernetes container images with no tag or the "latest" tag, and no digest.',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    eachContainer(workspace, (c) => {
      const image = childAt(c.pod.object, c.node, 'image');
      if (typeof image?.value !== 'string' || /\$|\{\{/.test(image.value)) return;
      const ref = parseImageRef(image.value);
      if (!ref || ref.digest !== undefined) return;
      if (ref.tag !== undefined && ref.tag !== 'latest') return;
      const problem = ref.tag === 'latest' ? 'uses the "latest" tag' : 'has no tag, which means "latest"';
      findings.push(
        containerFinding(
          c,
          image,
          `Image "${ref.raw}" of the ${describeContainer(c)} ${problem}: what runs changes whenever the tag is ` +
            're-pointed and a pod restarts. Pin a version tag or a @sha256 digest.',
          `image:${ref.raw}`,
        ),
      );
    });
    return findings;
  },
});
