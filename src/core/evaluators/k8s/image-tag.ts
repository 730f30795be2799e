import path from 'node:path';
import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import { type ImageRef, isMovingTag, movingTagPhrase, parseImageRef } from '../../parsers/image-ref.js';
import {
  type Container,
  childAt,
  containersOf,
  describeContainer,
  podSpecOf,
  readK8sObjects,
} from '../../parsers/k8s.js';
import { type KustomizeImage, kustomizationsListing, kustomizeImages } from '../../parsers/k8s-files.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { parseYaml } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { type KustomizeImageEdit, kustomizeImageEdits } from './kustomize-edits.js';
import { containerFinding, eachContainer, NO_OPTIONS, ownFindings, STAGING_NAME_WORD } from './shared.js';

/**
 * Flags container images with no tag or one that names no version (`latest`, `stable`, `main`: see
 * isMovingTag) and no digest: the version that runs
 * changes whenever the tag is re-pointed and a pod restarts, without a change to the manifest.
 * Images filled in by a templating step (`${TAG}`, `{{ .Values.tag }}`, a `{IMAGE}` or `IMAGE_NAME`
 * placeholder that is no valid image name) are not judged, nor images a
 * build tool replaces at deploy time with the image it built: `ko://` import paths, and the artifacts
 * the repository's Skaffold configuration builds (Skaffold deploys them by digest). A name that no
 * registry serves (see isLocalOnlyImage) is reported at low confidence: it was built or loaded locally.
 * A manifest that kustomizations build is judged as their `images:` transformers render it (see
 * kustomizeRenderings); when every chain that leaves it unpinned has its image set by a build script
 * of the repository before it is built (`kustomize edit set image <name>=$(IMG)`, see
 * kustomize-edits.ts), the committed tag is a development placeholder: low confidence, naming the
 * script.
 *
 * A staging copy of a production manifest beside it (see productionOf) is reported at low severity.
 *
 * Not `scope: 'file'`: a finding depends on the Skaffold files, kustomizations and build scripts too. The engine
 * records what the rule reads (their globs and files included), so a change to a `skaffold.yaml` or a
 * `kustomization.yaml` alone evaluates it again.
 */
export const k8sImageTag = defineEvaluator<Record<string, never>>({
  kind: 'k8s.image-tag',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary:
    'Kubernetes container images with no tag or one that names no version ("latest", "stable"), and no digest, as ' +
    'written or as the `images:` of the kustomizations that build the manifest set them (not the images a ' +
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
      // What kustomize renders, when kustomizations build the manifest: judged instead of what is written.
      const renderings = kustomizeRenderings(workspace, c.pod.object.path, ref, c.pod.object.built?.through);
      const unpinned = renderings?.filter((r) => !pinned(r.ref)) ?? [];
      // A chain whose image a build script sets (`kustomize edit set image`) renders what it sets.
      const rendered = unpinned.find((r) => !r.edited) ?? unpinned[0];
      if (renderings && !rendered) return;
      const shown = rendered?.by !== undefined ? rendered.ref : ref;
      const what =
        `Image "${ref.raw}" of the ${describeContainer(c)}` +
        (rendered?.by !== undefined ? `, which the images: of ${rendered.by} make "${shown.raw}",` : '');
      if (isLocalOnlyImage(shown)) {
        // Docker Hub has no such image: the node runs what was built or loaded there (kind, minikube).
        const tag = shown.tag !== undefined ? movingTagPhrase(shown.tag) : 'has no tag';
        findings.push({
          ...containerFinding(
            c,
            image,
            `${what} ${tag}, but ${NO_REGISTRY_SERVES}, so a node ` +
              'runs it only if it was built or loaded there (`kind load`, `minikube image load`), or it is ' +
              'misspelt. Pinning applies to what builds it: check that its base images are pinned.',
            `image:${ref.raw}`,
          ),
          confidence: 'low',
        });
        return;
      }
      const problem =
        shown.tag !== undefined ? movingTagPhrase(shown.tag) : 'has no tag, which means "latest"';
      const finding = containerFinding(
        c,
        image,
        `${what} ${problem}: what runs changes whenever the tag is ` +
          're-pointed and a pod restarts. Pin a version tag or a @sha256 digest.',
        `image:${ref.raw}`,
      );
      const edit = rendered?.edited;
      const production = edit || rendered?.by !== undefined ? undefined : productionOf(workspace, c, shown);
      const standIn = shown.tag === undefined ? undefined : standInTag(shown.tag);
      if (standIn) {
        // `set-by-chartpress`, `linkerdVersionValue`: the committed tag is a stand-in that a release
        // step overwrites.
        finding.message += ` But the tag "${shown.tag}" ${standIn}: check the tag that step writes.`;
        finding.confidence = 'low';
      } else if (production) {
        finding.message +=
          ` But ${production}: a release-test or staging environment runs the newest build of the image on ` +
          "purpose, and the production manifest's tag is judged there.";
        // Certain, and the environment holds real credentials, but it is no production deployment.
        finding.severity = 'low';
      } else if (edit) {
        // Every chain that leaves it unpinned has its image set by a build script before it is built.
        finding.message +=
          ` But ${edit.source}:${edit.line} sets this image in ${edit.kustomization} with \`kustomize edit set ` +
          'image` before the kustomization is built, so the committed tag is a placeholder for a ' +
          'development checkout: check the image that script sets.';
        finding.confidence = 'low';
      }
      findings.push(finding);
    });
    return ownFindings(findings);
  },
});

/**
 * A tag that names the step that replaces it (`set-by-chartpress`, `replaced-by-ci`,
 * `overwritten_by_release`) or says it is a stand-in (`placeholder`, `replace-me`, `to-be-set`): the
 * committed value is no tag anything runs, so a finding on it has low confidence.
 */
const TOOL_SET_TAG =
  /^(?:(?:set|replaced|overwritten|overridden|injected|filled|updated|written)[-_.]?(?:by|in|at|on)[-_.].+|placeholder|replace[-_.]?me|to[-_.]?be[-_.](?:set|replaced|filled))$/i;

/** Words of a tag that name the value it stands for: no channel of a published image is named so. */
const STAND_IN_WORDS = new Set(['version', 'tag']);

/**
 * Why a committed tag is a stand-in that a release or build step replaces, or undefined: it names
 * that step or says it is one ({@link TOOL_SET_TAG}), or one of its words, split at separators and
 * where a capital follows a lower-case letter, names the value it stands for (`linkerdVersionValue`,
 * which a chart's release script rewrites to the version; `app-version`, `image-tag`).
 */
function standInTag(tag: string): string | undefined {
  if (TOOL_SET_TAG.test(tag)) return 'says a release or build step writes the real one';
  const words = tag
    .replace(/([a-z])(?=[A-Z])/g, '$1-')
    .toLowerCase()
    .split(/[-_.]+/);
  if (words.some((w) => STAND_IN_WORDS.has(w))) {
    return 'is named for the value it stands for, which a release or build step writes';
  }
  return undefined;
}

/**
 * A segment of a manifest's file name that marks a copy of another for a pre-production environment:
 * `worker.release.yaml` beside `worker.yaml`, `api.staging.yaml`, `sync.release-raw.yaml` beside
 * `sync-raw.yaml`. Removing it gives the production manifest's name.
 */
const STAGING_FILE_SEGMENT = /\.(?:release|staging|stage|stg|preprod)(?=[.-])/i;

/**
 * Why the container is a staging copy of a production workload, when it is one: its manifest's file
 * name marks a pre-production copy (see {@link STAGING_FILE_SEGMENT}) of a manifest beside it (the
 * name without the mark) whose workloads run the same image, and its workload's name says so too
 * (`-releasetest`, `-staging`) while naming none of those workloads. Such an environment runs the
 * newest build of the project's image on purpose; the production manifest is judged on its own. A
 * release manifest without a production counterpart is judged as written. The file names and the
 * workload name are the repository's, which a pull request can write: the finding is lowered (to low
 * severity), never dropped.
 */
function productionOf(workspace: Workspace, c: Container, ref: ImageRef): string | undefined {
  const object = c.pod.object;
  const file = path.posix.basename(object.path);
  if (!STAGING_FILE_SEGMENT.test(file) || !object.name || !STAGING_NAME_WORD.test(object.name))
    return undefined;
  const counterpart = path.posix.join(
    path.posix.dirname(object.path),
    file.replace(STAGING_FILE_SEGMENT, ''),
  );
  if (counterpart === object.path || !workspace.has(counterpart)) return undefined;
  const name = imageName(ref);
  for (const other of readK8sObjects(workspace, counterpart)) {
    const pod = podSpecOf(other);
    if (!pod || other.name === object.name) continue;
    const same = containersOf(pod).some((o) => {
      const image = o.node.value.image;
      const theirs = typeof image === 'string' ? parseImageRef(image) : undefined;
      return theirs !== undefined && imageName(theirs) === name;
    });
    if (same) {
      return (
        `${object.path} is a staging copy of ${counterpart} (its workload, "${object.name}", is the ` +
        `pre-production copy of "${other.name ?? other.kind}", which runs the same image)`
      );
    }
  }
  return undefined;
}

/** Whether a reference names one build: a digest, or a tag that is a version (see isMovingTag). */
function pinned(ref: ImageRef): boolean {
  return ref.digest !== undefined || (ref.tag !== undefined && !isMovingTag(ref.tag, ref.repository));
}

/**
 * An image as kustomize renders it through a chain of kustomizations; `by`: the last that changed it;
 * `edited`: the build script that sets it in a kustomization of the chain, when none after changed it.
 */
interface Rendering {
  ref: ImageRef;
  by?: string;
  edited?: KustomizeImageEdit & { kustomization: string };
}

/** Past this many chains of kustomizations above one manifest, its image is judged as written. */
const MAX_RENDERINGS = 64;

/**
 * How kustomize renders the image of a manifest that kustomizations build, once per chain: from a
 * kustomization that lists the file among its resources, through those that list its directory as a
 * base, up to one that nothing includes. Each applies its `images:` transformer in turn, the base's
 * before its overlay's, as kustomize does: an overlay's `newTag: latest` undoes a base's version.
 * Undefined when no kustomization lists the file (it is applied as written), and past
 * {@link MAX_RENDERINGS} chains. The kustomization files are read through the workspace, so the
 * engine records them as inputs of the rule, as it does the Skaffold files. For an object as a
 * kustomization builds it (its image may come from a patch), `through` is the chain that built it:
 * its kustomizations render the image in turn, then those above the outermost.
 */
function kustomizeRenderings(
  workspace: Workspace,
  file: string,
  ref: ImageRef,
  through?: readonly string[],
): Rendering[] | undefined {
  const renderings: Rendering[] = [];
  // Depth-first along the chains; false once there are too many. A cycle (which kustomize refuses
  // to build) ends its chain.
  const edits = kustomizeImageEdits(workspace);
  const step = (kustomization: string, below: Rendering): Rendering => {
    const rendering = applyImages(kustomizeImages(workspace, kustomization), below, kustomization);
    // `kustomize edit set image <name>=...` in this kustomization's directory: its entry for the
    // image, whatever the file holds, is what the build script sets.
    const edit = edits.get(path.posix.dirname(kustomization))?.find((e) => e.name === imageName(below.ref));
    return edit ? { ...rendering, edited: { ...edit, kustomization } } : rendering;
  };
  const walk = (kustomization: string, below: Rendering, seen: ReadonlySet<string>): boolean => {
    const rendering = step(kustomization, below);
    const inChain = new Set(seen).add(kustomization);
    const overlays = kustomizationsListing(workspace, path.posix.dirname(kustomization)).filter(
      (k) => !inChain.has(k),
    );
    if (overlays.length === 0) {
      renderings.push(rendering);
      return renderings.length <= MAX_RENDERINGS;
    }
    return overlays.every((k) => walk(k, rendering, inChain));
  };
  if (through !== undefined && through.length > 0) {
    const below = through.slice(0, -1).reduce((r, k) => step(k, r), { ref } as Rendering);
    return walk(through.at(-1)!, below, new Set(through.slice(0, -1))) ? renderings : undefined;
  }
  const listing = kustomizationsListing(workspace, file);
  if (listing.length === 0 || !listing.every((k) => walk(k, { ref }, new Set()))) return undefined;
  return renderings;
}

/**
 * A kustomization's `images:` entries applied to an image, in order: one whose `name` is the image's
 * name (without tag or digest) sets `newName`, and `newTag` or `digest` (a new tag drops the digest,
 * a digest alone the tag, as kustomize does).
 */
function applyImages(entries: readonly KustomizeImage[], below: Rendering, kustomization: string): Rendering {
  let rendering = below;
  for (const entry of entries) {
    const ref = rendering.ref;
    if (entry.name !== imageName(ref)) continue;
    let tag = ref.tag;
    let digest = ref.digest;
    if (entry.newTag !== undefined) [tag, digest] = [entry.newTag, entry.digest];
    else if (entry.digest !== undefined) [tag, digest] = [undefined, entry.digest];
    const text = `${entry.newName ?? imageName(ref)}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
    const next = parseImageRef(text);
    if (next) rendering = { ref: next, by: kustomization };
  }
  return rendering;
}

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
