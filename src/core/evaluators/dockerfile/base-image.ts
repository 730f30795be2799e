import { locationFromSpan } from '../../location.js';
import { isLocalOnlyImage, NO_REGISTRY_SERVES } from '../../parsers/docker-hub.js';
import {
  type DockerfileModel,
  dockerfilePaths,
  globalArgValues,
  readDockerfile,
  referencedStage,
  type Stage,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { isMovingTag, movingTagPhrase, nameHoldsVersion, parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { NodeSpan } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { neededStages, STAGE_BUILD_SOURCES, stageBuilds } from './built-stages.js';
import { developmentEnvironmentNote, toolingImageNote } from './dev-environment.js';
import {
  buildsTagging,
  everyDockerfile,
  IMAGE_COMMAND_READS,
  type ImageBuild,
  publishes,
  type RepositoryImages,
  repositoryImages,
} from './image-builds.js';

export interface BaseImageOptions {
  /** What to do with a base image whose tag depends on an ARG without a default. */
  unresolved: 'skip' | 'report';
}

/** How a stage's base image is pinned, after ARG defaults are substituted. */
export type BaseImageVerdict =
  | { kind: 'pinned' | 'stage' | 'scratch' }
  /**
   * `local`: no registry pull can give this name (see {@link isLocalOnlyImage}), or (`build`) a build
   * of the repository tags it; it is built or tagged here.
   */
  /** `latest`: a tag that names no version (see {@link isMovingTag}), `tag`. */
  | { kind: 'latest'; resolved: string; local: boolean; tag: string; build?: ImageBuild }
  | { kind: 'untagged'; resolved: string; local: boolean; build?: ImageBuild }
  | { kind: 'unresolved'; names: string[] }
  | { kind: 'template' };

/**
 * Flags stages built FROM an image with no tag or a tag that names no version (`latest`, `dind`,
 * `stable`, `postgresql-latest`) and no digest: each build may get a different image; and so the
 * images COPY --from copies files out of (see {@link describeCopiedImage}). `scratch` and
 * earlier stages need no pin; ARG defaults are substituted first. A template placeholder, an image
 * built or tagged here, a development environment's image, and a Dockerfile whose path marks a
 * development or build-tool image that no build here publishes (see dev-environment.ts) are reported
 * at low confidence.
 */
export const dockerfileBaseImage = defineEvaluator<BaseImageOptions>({
  kind: 'dockerfile.base-image',
  scope: 'file',
  // The repository's build scripts tell an image it builds itself (see image-builds.ts), and its
  // builds (Bake files among them) the build arguments and contexts they give a FROM.
  readsOtherFiles: STAGE_BUILD_SOURCES,
  affectedBy: everyDockerfile,
  // A workflow or Makefile tells them something only when it names a container engine.
  screenedReads: IMAGE_COMMAND_READS,
  summary:
    'Dockerfile stages whose base image, or an image COPY --from or RUN --mount takes files from, has no tag or one that names no version ("latest", "dind"), and no digest.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      unresolved: {
        enum: ['skip', 'report'],
        default: 'skip',
        description: 'Report base images whose version comes from an ARG without a default.',
      },
    },
  },
  async evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    const images = lazyImages(workspace);
    const own = ownImages(workspace, images);
    // Whether a build of the repository publishes the image of a Dockerfile, asked only when a
    // finding's Dockerfile has a path that marks a development or build-tool image.
    const published = (file: string) => publishes(images(), file, workspace);
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      const vars = globalArgValues(model);
      const repeated = repeatedFroms(model);
      // Why the file's images matter less (a development environment, or a development or tool image
      // no build publishes), read once a finding needs it.
      let environment: { note: string | undefined } | undefined;
      const environmentNote = () => {
        environment ??= {
          note: developmentEnvironmentNote(workspace, model) ?? toolingImageNote(file, published),
        };
        return environment.note;
      };
      // The stages a build runs, read once a stage other than the last has a finding.
      let needed: Set<Stage> | undefined;
      /** What a finding says of a stage no build builds and no stage a build runs needs, if so. */
      const unbuilt = async (stage: Stage): Promise<string | undefined> => {
        if (!needed && stage !== model.stages.at(-1)) {
          const builds = await stageBuilds(workspace.tree());
          needed = neededStages(model, builds.get(file) ?? [], workspace.text(file) ?? '');
        }
        return needed && !needed.has(stage)
          ? `no build found here builds the stage${stage.from.name ? ` "${stage.from.name}"` : ''}, and no stage that is built needs it`
          : undefined;
      };
      for (const stage of model.stages) {
        // The images its COPY --from and RUN --mount from= take files from, judged as a base image is.
        for (const taken of imagesTaken(stage)) {
          const described = describeCopiedImage(model, stage, taken.from, vars, own, taken.by);
          if (!described) continue;
          const unused = await unbuilt(stage);
          const instruction = taken.by === 'copy' ? 'COPY' : 'RUN';
          const note = environmentNote() ?? (unused && `${unused}: BuildKit never runs this ${instruction}`);
          findings.push({
            message: note ? `${described.slice(0, -1)} (${note}).` : described,
            location: locationFromSpan(file, taken.span ?? stage.from.span),
            key: takenKey(taken),
            ...(note ? { confidence: 'low' as const } : {}),
          });
        }
        // One finding for the FROM lines that take their image from the same ARG: one edit fixes them.
        const repeats = repeated.get(stage);
        if (repeated.has(stage) && !repeats) continue;
        let verdict = judgeBaseImage(model, stage, vars);
        if ((verdict?.kind === 'latest' || verdict?.kind === 'untagged') && !verdict.local) {
          const build = own(verdict.resolved);
          if (build) verdict = { ...verdict, local: true, build };
        }
        let described = verdict && describe(verdict, stage, options.unresolved === 'report');
        if (!verdict || !described) continue;
        // The defaults name what a plain `docker build` pulls; when every build found here gives the
        // FROM another image, none of them unpinned, that is a guess about builds not seen here.
        const otherwise =
          (verdict.kind === 'latest' || verdict.kind === 'untagged') && !verdict.local
            ? await buildsSetOtherwise(workspace, model, file, stage)
            : undefined;
        if (otherwise) {
          described =
            `${described} Every build of this Dockerfile found here gives it another image ` +
            `(${otherwise.join('; ')}), so only a build without their arguments uses the default.`;
        }
        // What the template will be rendered with is not in this file, and a local image is pinned by
        // whatever builds or tags it: guesses, reported as such. A development environment's image,
        // or a development or tool image no build publishes, changes a developer's workspace, not
        // what the project ships.
        const guess = verdict.kind === 'template' || ('local' in verdict && verdict.local);
        // A stage no build builds and no stage a build runs needs: BuildKit never pulls its image.
        const unbuiltStage = await unbuilt(stage);
        const unused =
          unbuiltStage && !repeats
            ? `${unbuiltStage} (FROM, COPY --from, RUN --mount from=): BuildKit never pulls its image`
            : undefined;
        const note = guess ? undefined : (environmentNote() ?? unused);
        const message = note ? `${described.slice(0, -1)} (${note}).` : described;
        const span = stage.from.imageSpan ?? stage.from.span;
        findings.push({
          message: repeats ? `${message}${repeatsNote(repeats)}` : message,
          location: locationFromSpan(file, span),
          key: stage.from.image ?? '',
          ...(guess || note || otherwise ? { confidence: 'low' as const } : {}),
        });
      }
    }
    return findings;
  },
});

/** Judges one stage's base image; undefined for a FROM without an image (Docker rejects it). */
export function judgeBaseImage(
  model: DockerfileModel,
  stage: Stage,
  vars: ReadonlyMap<string, string | null> = globalArgValues(model),
): BaseImageVerdict | undefined {
  const written = stage.from.image;
  if (!written) return undefined;
  if (TEMPLATE_START.test(written)) return { kind: 'template' };
  const { text, unresolved } = expandVariables(written, vars, model.escapeChar);
  return judgeImageText(model, stage, text, unresolved);
}

/** {@link judgeBaseImage} of a FROM's image once its variables are substituted (`text`). */
function judgeImageText(
  model: DockerfileModel,
  stage: Stage,
  text: string,
  unresolved: string[],
): BaseImageVerdict {
  const partial = text.includes(UNRESOLVED);
  if (!partial) {
    if (text.toLowerCase() === 'scratch') return { kind: 'scratch' };
    if (referencedStage(model, stage, text)) return { kind: 'stage' };
  }
  const ref = parseImageRef(text);
  if (!ref) return { kind: 'unresolved', names: unresolved };
  if (ref.digest !== undefined) return { kind: 'pinned' };
  const local = !partial && isLocalOnlyImage(ref);
  if (ref.tag !== undefined) {
    if (ref.tag.includes(UNRESOLVED)) return { kind: 'unresolved', names: unresolved };
    // `static-debian12:latest` moves within Debian 12 only, as its `:nonroot` does: a channel of the
    // version the name holds, not the newest release of the image.
    if (ref.tag === 'latest' && !partial && !local && nameHoldsVersion(ref.repository)) {
      return { kind: 'pinned' };
    }
    return isMovingTag(ref.tag, ref.repository)
      ? { kind: 'latest', resolved: text, local, tag: ref.tag }
      : { kind: 'pinned' };
  }
  // Without a tag, an unknown value in the last name component may itself carry the tag.
  const last = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
  if (last.includes(UNRESOLVED)) return { kind: 'unresolved', names: unresolved };
  return { kind: 'untagged', resolved: text, local };
}

/**
 * What a finding says of the image a `COPY --from` copies files out of, when that image has no tag or
 * one that names no version, and no digest (`COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/`):
 * a build takes whatever the tag points to then, as it would for a base image. Undefined for a stage
 * (by name or index), a value its ARG defaults leave open, a template, an image built or tagged here
 * or one no registry serves, and a pinned one.
 */
export function describeCopiedImage(
  model: DockerfileModel,
  stage: Stage,
  from: string,
  vars: ReadonlyMap<string, string | null>,
  own: (image: string) => ImageBuild | undefined,
  by: TakenImage['by'] = 'copy',
): string | undefined {
  const copied = copiedImage(model, stage, from, vars);
  if (!copied) return undefined;
  // Judged as a FROM of that image is (scratch, a digest, a version tag and a channel of a version in
  // the name pin it); a local image is pinned by what builds or tags it, so is one built here.
  const { text, verdict } = copied;
  if ((verdict.kind !== 'latest' && verdict.kind !== 'untagged') || verdict.local || own(text)) {
    return undefined;
  }
  const tag =
    verdict.kind === 'untagged'
      ? 'has no tag or digest, so it means "latest", which is'
      : `${movingTagPhrase(verdict.tag)}${verdict.tag === 'latest' ? ', which is' : ': like "latest", it is'}`;
  return (
    `Image ${takenPhrase(stage, from, text, by)}, ${tag} re-pointed whenever a new image is published, so two ` +
    `builds can ${by === 'copy' ? 'copy' : 'mount'} different files (often a tool the build then runs). ` +
    'Pin a version tag or a @sha256 digest.'
  );
}

/** An image a stage takes files from: a COPY's `--from`, or the `from=` of a RUN's `--mount`. */
export interface TakenImage {
  from: string;
  span: NodeSpan | undefined;
  by: 'copy' | 'mount';
}

/** The images (and stages) a stage takes files from, as written, in the order of their instructions' kinds. */
export function imagesTaken(stage: Stage): TakenImage[] {
  return [
    ...stage.copiesFrom.map((from, i) => ({ from, span: stage.copiesFromSpans[i], by: 'copy' as const })),
    ...stage.mountsFrom.map((from, i) => ({ from, span: stage.mountsFromSpans[i], by: 'mount' as const })),
  ];
}

/** A finding's key for an image a stage takes files from (`COPY --from=uv:latest`). */
export function takenKey(taken: TakenImage): string {
  return taken.by === 'copy' ? `COPY --from=${taken.from}` : `RUN --mount from=${taken.from}`;
}

/**
 * How a finding names an image a stage takes files from: `"uv:${V}" (with ARG defaults: "uv:0.5"),
 * which COPY --from in stage "build" copies files out of`, or `..., which a RUN --mount in stage
 * "build" mounts`.
 */
export function takenPhrase(stage: Stage, from: string, resolved: string, by: TakenImage['by']): string {
  const image = resolved === from ? `"${from}"` : `"${from}" (with ARG defaults: "${resolved}")`;
  const where = stage.from.name ? ` in stage "${stage.from.name}"` : '';
  return by === 'copy'
    ? `${image}, which COPY --from${where} copies files out of`
    : `${image}, which a RUN --mount${where} mounts`;
}

/**
 * The image a `COPY --from` or `--mount ...,from=` value names, with its ARG defaults substituted, and how it is pinned as
 * a FROM of it would be ({@link judgeImageText}). Undefined for a stage (by name or index, any case),
 * a template, and a value the defaults leave open.
 */
export function copiedImage(
  model: DockerfileModel,
  stage: Stage,
  from: string,
  vars: ReadonlyMap<string, string | null>,
): { text: string; verdict: BaseImageVerdict } | undefined {
  const namesStage = (text: string) =>
    /^\d+$/.test(text) || model.stages.some((s) => s.from.name?.toLowerCase() === text.toLowerCase());
  if (namesStage(from) || TEMPLATE_START.test(from)) return undefined;
  const { text } = expandVariables(from, vars, model.escapeChar);
  if (text.includes(UNRESOLVED) || namesStage(text)) return undefined;
  return { text, verdict: judgeImageText(model, stage, text, []) };
}

/**
 * How each build of the repository found for a Dockerfile sets a FROM whose image its ARG defaults
 * leave unpinned, when every one of them sets it otherwise: a build argument for the ARG (a Bake
 * target's `args`, build-push-action's `build-args`), or a named build context the image (so
 * replaced) names (`contexts = { base = "target:base" }`: a target, a folder, a URL, built or read
 * by the build; `docker-image://<ref>` is judged as that image). Undefined when some build leaves it
 * unpinned, or no build is found: the defaults are what a plain `docker build` uses.
 */
export async function buildsSetOtherwise(
  workspace: Workspace,
  model: DockerfileModel,
  file: string,
  stage: Stage,
): Promise<string[] | undefined> {
  const written = stage.from.image;
  if (!written) return undefined;
  const builds = (await stageBuilds(workspace.tree())).get(file) ?? [];
  if (builds.length === 0) return undefined;
  const how: string[] = [];
  for (const build of builds) {
    if (!build.args && !build.contexts) return undefined;
    const vars = globalArgValues(model, build.args);
    const { text, unresolved } = expandVariables(written, vars, model.escapeChar);
    const context = build.contexts && Object.hasOwn(build.contexts, text) ? build.contexts[text] : undefined;
    const image = context === undefined ? undefined : /^docker-image:\/\/(.+)$/.exec(context)?.[1];
    if (context !== undefined && image === undefined) {
      how.push(`${build.source}: the build context "${text}" (${context.split(UNRESOLVED).join('?')})`);
      continue;
    }
    const verdict = judgeImageText(model, stage, image ?? text, image === undefined ? unresolved : []);
    if (verdict.kind === 'latest' || verdict.kind === 'untagged') return undefined;
    const shown = `"${(image ?? text).split(UNRESOLVED).join('?')}"`;
    how.push(`${build.source}: ${verdict.kind === 'unresolved' ? `${shown}, chosen when it runs` : shown}`);
  }
  return how;
}

/**
 * The build of the repository that tags an image, when one does (see image-builds.ts): looked up in
 * the whole tree's scripts, read once per evaluation and only when a FROM line needs it.
 */
export function ownImages(
  workspace: Workspace,
  images: () => RepositoryImages = lazyImages(workspace),
): (image: string) => ImageBuild | undefined {
  return (image) => buildsTagging(images(), image)[0];
}

/** What the repository's scripts do with images (see image-builds.ts), read on the first call only. */
export function lazyImages(workspace: Workspace): () => RepositoryImages {
  let images: RepositoryImages | undefined;
  return () => {
    images ??= repositoryImages(workspace.tree());
    return images;
  };
}

/** What a finding on an image the repository builds itself says of where it is built. */
export function builtBy(build: ImageBuild): string {
  const dockerfile = build.dockerfiles[0];
  return (
    `the repository builds and tags it itself (${build.source}:${build.line}` +
    `${dockerfile ? `, from ${dockerfile}` : ''}), so it is the project's own image, not a third party's`
  );
}

/**
 * The FROM lines that repeat the variables of an earlier one (`FROM ${BUILD_FROM}` in every stage):
 * a FROM sees only the ARGs declared before the first FROM, so they name the same image, and one edit
 * of the ARG default pins them all. The first such stage maps to the lines of the later ones, which
 * map to undefined (they are covered by it); a FROM written without a variable is its own edit and is
 * not in the map.
 */
export function repeatedFroms(model: DockerfileModel): Map<Stage, number[] | undefined> {
  const out = new Map<Stage, number[] | undefined>();
  const first = new Map<string, Stage>();
  for (const stage of model.stages) {
    const written = stage.from.image;
    if (!written?.includes('$')) continue;
    const lead = first.get(written);
    if (!lead) {
      first.set(written, stage);
      continue;
    }
    out.set(lead, [...(out.get(lead) ?? []), stage.from.span.start.line]);
    out.set(stage, undefined);
  }
  return out;
}

/** What a finding on the first of {@link repeatedFroms} adds about the later ones. */
export function repeatsNote(lines: readonly number[]): string {
  if (lines.length === 1) {
    return ` The FROM line ${lines[0]} takes the same image from the same ARG: this finding covers it, and pinning the ARG default pins both.`;
  }
  const list = `${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
  return ` The FROM lines ${list} take the same image from the same ARG: this finding covers them, and pinning the ARG default pins them all.`;
}

/**
 * A FROM whose image is a template placeholder (`FROM {{ base_image }}` in a Jinja, Go-template or
 * ERB file that renders Dockerfiles): the image is chosen when the template is rendered.
 */
const TEMPLATE_START = /^(?:\{\{|\{%|<%)/;

function describe(verdict: BaseImageVerdict, stage: Stage, reportUnresolved: boolean): string | undefined {
  const written = stage.from.image ?? '';
  const where = stage.from.name ? ` of stage "${stage.from.name}"` : '';
  const image = (resolved: string) =>
    resolved === written
      ? `"${written}"`
      : `"${written}" (with ARG defaults: "${resolved.split(UNRESOLVED).join('?')}")`;
  if ((verdict.kind === 'latest' || verdict.kind === 'untagged') && verdict.build) {
    const tag = verdict.kind === 'latest' ? movingTagPhrase(verdict.tag) : 'has no tag';
    return (
      `Base image ${image(verdict.resolved)}${where} ${tag}, but ${builtBy(verdict.build)}. Pinning applies ` +
      'to what builds it: check that the base images of the Dockerfile it is built from are pinned.'
    );
  }
  if ((verdict.kind === 'latest' || verdict.kind === 'untagged') && verdict.local) {
    const tag = verdict.kind === 'latest' ? movingTagPhrase(verdict.tag) : 'has no tag';
    return (
      `Base image ${image(verdict.resolved)}${where} ${tag}, but ${NO_REGISTRY_SERVES}, so it is built or ` +
      'tagged locally (or misspelt). Pinning applies to what builds or tags it: check that its ' +
      'base images and the image it is tagged from are pinned.'
    );
  }
  switch (verdict.kind) {
    case 'latest':
      return (
        `Base image ${image(verdict.resolved)}${where} ${movingTagPhrase(verdict.tag)}` +
        `${verdict.tag === 'latest' ? ', which' : ': like "latest", it'} is re-pointed whenever a new image is ` +
        'published, so two builds can get different images. Pin a version tag or a @sha256 digest.'
      );
    case 'untagged':
      return (
        `Base image ${image(verdict.resolved)}${where} has no tag or digest, so it means "latest", which is ` +
        're-pointed whenever a new image is published. Pin a version tag or a @sha256 digest.'
      );
    case 'template':
      return (
        `Base image${where} is a template placeholder ("${written} ..."), filled in when this file is rendered, so ` +
        'its tag cannot be checked here: check the FROM lines of the rendered Dockerfiles, or pin the images ' +
        "in the template's values."
      );
    case 'unresolved': {
      if (!reportUnresolved) return undefined;
      // Only plain names are ARGs; anything else is a substitution form that is not evaluated here.
      const names = [...new Set(verdict.names.filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)))];
      const cause =
        names.length > 0
          ? `ARG ${names.join(', ')} ha${names.length > 1 ? 've' : 's'} no default before the first FROM`
          : 'it uses a variable substitution that is not evaluated statically';
      return (
        `Base image "${written}"${where} cannot be checked: ${cause}, so its version is chosen at build time. ` +
        'Give the ARG a pinned default.'
      );
    }
    default:
      return undefined;
  }
}
