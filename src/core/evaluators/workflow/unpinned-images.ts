import { locationFromSpan } from '../../location.js';
import { hasSha256Digest, parseImageRef } from '../../parsers/image-ref.js';
import { type Located, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { aliasNote, globMatcher } from './shared.js';

export interface UnpinnedImagesOptions {
  /** Globs on the image name without tag or digest (`postgres`, `ghcr.io/acme/*`) that may use tags. */
  allow: string[];
}

/**
 * Container images a workflow runs: a job's `container:` (every step runs inside it, with the job's
 * token), its `services:`, and a Docker action's `runs.image: docker://...`. A tag can be re-pointed
 * to a different image; only `@sha256:<digest>` names fixed content. Images computed by an expression
 * (`${{ matrix.image }}`) are not judged: their value is not known here. `docker://` steps are
 * references in `uses:` and are reported by workflow-unpinned-action.
 */
export const workflowUnpinnedImages = defineEvaluator<UnpinnedImagesOptions>({
  kind: 'workflow.unpinned-images',
  scope: 'file',
  summary: 'Job container, service and Docker action images referenced by tag instead of a sha256 digest.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'Globs on the image name without tag (e.g. "postgres", "ghcr.io/acme/*") that may use tags.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const allowed = globMatcher(options.allow ?? []);
    const findings: RawFinding[] = [];
    // Its subjects are the images jobs and Docker actions pull: a file that names none had nothing to judge.
    const subjects = new Set<string>();
    const check = (path: string, image: Located<string> | undefined, what: string, key: string) => {
      if (!image) return;
      subjects.add(path);
      if (image.value.includes('${{')) return;
      const raw = image.value.trim().replace(/^docker:\/\//, '');
      const ref = parseImageRef(raw);
      if (!ref || hasSha256Digest(ref)) return;
      const name = [ref.registry, ref.repository].filter(Boolean).join('/');
      if (allowed(name) || allowed(ref.repository)) return;
      const by = ref.digest
        ? `a malformed digest ("${ref.digest}")`
        : ref.tag
          ? `tag "${ref.tag}"`
          : 'name only (the "latest" tag)';
      findings.push({
        message:
          `Image "${ref.raw}" (${what})${aliasNote(image)} is pulled by ${by}; a tag can be moved to a different image at any time. ` +
          'Pin it by digest (image@sha256:<digest>) and let Dependabot or Renovate update it.',
        location: locationFromSpan(path, image.span),
        key: `${key}:${ref.raw}`,
      });
    };
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        check(workflow.path, job.container?.image, `the container of job "${job.id}"`, `${job.id}/container`);
        for (const service of job.services) {
          check(
            workflow.path,
            service.image,
            `service "${service.id}" of job "${job.id}"`,
            `${job.id}/service/${service.id}`,
          );
        }
      },
      action(action) {
        if (action.image?.value.trim().startsWith('docker://')) {
          check(action.path, action.image, 'the image of this Docker action', 'runs.image');
        }
      },
    });
    workspace.examineOnly(subjects);
    return findings;
  },
});
