import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import { type ImageRef, isMovingTag, movingTagPhrase, parseImageRef } from '../../parsers/image-ref.js';
import { childAt, describeContainer } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { parseYaml } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { containerFinding, eachContainer, NO_OPTIONS } from './shared.js';

/**
 * Flags container images with no tag or one that names no version (`latest`, `stable`, `main`: see
 * isMovingTag) and no digest: the version that runs
 * changes whenever the tag is re-pointed and a pod restarts, without a change to the manifest.
 * Images filled in by a templating step (`${TAG}`, `{{ .Values.tag }}`, a `{IMAGE}` or `IMAGE_NAME`
 * placeholder that is no valid image name) are not judged, nor images a
 * build tool replaces at deploy time with the image it built: `ko://` import paths, and the artifacts
 * the repository's Skaffold configuration builds (Skaffold deploys them by digest). A name that no
 * registry serves (see isLocalOnlyImage) is reported at low confidence: it was built or loaded locally.
 *
 * Not `scope: 'file'`: a finding depends on the Skaffold files too. The engine records what the rule
 * reads (the Skaffold glob and files included), so a change to a `skaffold.yaml` alone evaluates it again.
 */
export const k8sImageTag = defineEvaluator<Record<string, never>>({
  kind: 'k8s.image-tag',
  summary:
    'Kubernetes container images with no tag or one that names no version ("latest", "stable"), and no digest (not the images a ' +
    'build tool substitutes at deploy time: Skaffold build artifacts, `ko://` references, and ' +
    'placeholders such as `{IMAGE}` that are no valid image name).',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    eachContainer(workspace, (c) => {
      const image = childAt(c.pod.object, c.node, 'image');
      if (typeof image?.value !== 'string' || /\$|\{\{/.test(image.value)) return;
      const ref = parseImageRef(image.value);
      if (!ref || ref.digest !== undefined) return;
      // A placeholder a build step substitutes (`{IMAGE}`, `IMAGE_NAME`): not a pullable reference.
      if (!VALID_REPOSITORY.test(ref.repository)) return;
      if (ref.tag !== undefined && !isMovingTag(ref.tag, ref.repository)) return;
      // ko resolves `ko://<import path>` to the image it built, by digest (no valid image name as written).
      if (/^ko:\/\//i.test(ref.raw)) return;
      // Read only when there is something to excuse: a tree without candidates does not depend on them.
      if (skaffoldArtifacts(workspace).has(imageName(ref))) return;
      if (isLocalOnlyImage(ref)) {
        // Docker Hub has no such image: the node runs what was built or loaded there (kind, minikube).
        const tag = ref.tag !== undefined ? movingTagPhrase(ref.tag) : 'has no tag';
        findings.push({
          ...containerFinding(
            c,
            image,
            `Image "${ref.raw}" of the ${describeContainer(c)} ${tag}, but ${NO_REGISTRY_SERVES}, so a node ` +
              'runs it only if it was built or loaded there (`kind load`, `minikube image load`), or it is ' +
              'misspelt. Pinning applies to what builds it: check that its base images are pinned.',
            `image:${ref.raw}`,
          ),
          confidence: 'low',
        });
        return;
      }
      const problem = ref.tag !== undefined ? movingTagPhrase(ref.tag) : 'has no tag, which means "latest"';
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

/**
 * The characters of a repository path (the distribution spec allows lowercase letters, digits and
 * the separators `.`, `_`, `-` and `/`). Anything else (braces, capitals, `<image>`) cannot be pulled
 * as written, so the kubelet would refuse it (InvalidImageName): it is a placeholder that a Makefile,
 * `sed` or `envsubst` replaces before the manifest is applied, and which image runs is decided there.
 */
const VALID_REPOSITORY = /^[a-z0-9][a-z0-9._/-]*$/;

/** Skaffold's configuration files, wherever they are (a monorepo may have several, each with `requires`). */
const SKAFFOLD_GLOBS = ['**/skaffold.yaml', '**/skaffold.yml'];

/** `apiVersion: skaffold/v1beta2`, `skaffold/v2beta29`, `skaffold/v3`, `skaffold/v4beta11`, ... */
const SKAFFOLD_API = /^skaffold\/v\d/;

/** A reference without its tag and digest: what Skaffold compares with an artifact's `image`. */
function imageName(ref: ImageRef): string {
  return ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
}

/**
 * The images that the Skaffold configurations of the workspace build (`build.artifacts[].image`, in
 * every document and every profile), by name without tag or digest. Skaffold replaces a manifest's
 * image of the same name with the one it built, tagged and pinned by digest, when it deploys. A file
 * that does not parse declares nothing: Skaffold reports it, and it must not make another rule fail
 * (so it is parsed here, not recorded as an input problem of the tree). Computed once per tree.
 */
function skaffoldArtifacts(workspace: Workspace): ReadonlySet<string> {
  return workspace.memo('k8s-skaffold-artifacts', '', () => {
    const names = new Set<string>();
    for (const file of workspace.glob(SKAFFOLD_GLOBS)) {
      // Bounded by the workspace (size) and the parser (depth, aliases, expanded nodes).
      const text = workspace.text(file);
      const parsed = text === undefined ? undefined : parseYaml(text);
      if (!parsed?.ok) continue;
      for (const doc of parsed.documents) {
        const config = record(doc.value);
        if (typeof config?.apiVersion !== 'string' || !SKAFFOLD_API.test(config.apiVersion)) continue;
        addArtifacts(names, config.build);
        if (!Array.isArray(config.profiles)) continue;
        for (const profile of config.profiles) addArtifacts(names, record(profile)?.build);
      }
    }
    return names;
  });
}

function addArtifacts(names: Set<string>, build: unknown): void {
  const artifacts = record(build)?.artifacts;
  if (!Array.isArray(artifacts)) return;
  for (const artifact of artifacts) {
    const image = record(artifact)?.image;
    const ref = typeof image === 'string' ? parseImageRef(image) : undefined;
    if (ref) names.add(imageName(ref));
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
