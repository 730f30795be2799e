import path from 'node:path/posix';
import {
  COMPOSE_FILES,
  interpolationsAt,
  readComposeServices,
  serviceSetting,
} from '../../parsers/compose.js';
import { type DockerfileModel, referencedStage, type Stage } from '../../parsers/dockerfile.js';
import { UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { loadHclParser } from '../../parsers/terraform-hcl.js';
import { type HclBody, type HclValue, parseHcl } from '../../parsers/terraform-syntax.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  type BuildTarget,
  CLOUD_BUILD_SOURCES,
  cloudBuilds,
  IMAGE_BUILD_SOURCES,
  repositoryImages,
} from './image-builds.js';

/**
 * Which stages of a Dockerfile the repository builds as images. A build builds the last stage unless
 * it names another (`docker build --target release`, build-push-action's `target:`, a compose
 * service's `build.target`, a Bake target's `target`), and a Dockerfile's last stage is often a
 * utility stage (`FROM scratch AS export`) that no build publishes while the published image is a
 * named stage before it. The builds are those of the scripts and workflows (image-builds.ts), of the
 * Cloud Build configurations, of the compose files and of the Bake files.
 *
 * The files read are the repository's, which a pull request can change: a build with a target only
 * adds the stage it names; the last stage stops being judged only when some build is found and every
 * build names another stage of the file by a literal name, which is then judged in its place.
 */

/** Bake files, by the names `docker buildx bake` looks for (`docker-bake.hcl`, `docker-bake.override.json`). */
export const BAKE_FILES: readonly string[] = ['**/docker-bake*.hcl', '**/docker-bake*.json'];

/** Compose files (a superset of their names: see compose.ts) and the `.env` beside them they are interpolated with. */
export const COMPOSE_BUILD_SOURCES: readonly string[] = ['**/*compose*.{yml,yaml}', '**/.env'];

/** Every file whose builds say which stage of a Dockerfile is built; rules that read them name these globs. */
export const STAGE_BUILD_SOURCES: readonly string[] = [
  ...IMAGE_BUILD_SOURCES,
  ...CLOUD_BUILD_SOURCES,
  ...COMPOSE_BUILD_SOURCES,
  ...BAKE_FILES,
];

/** A build of one of the repository's Dockerfiles, and the stage it names, if any. */
export interface StageBuild {
  /** The file that builds it (a script, a workflow, a compose or Bake file). */
  source: string;
  dockerfile: string;
  target?: BuildTarget & {
    /**
     * Written with a variable that the builder's environment may set (`${TARGET:-release}`): the
     * stage its default names is built, and any other may be.
     */
    variable?: boolean;
  };
  /**
   * The build arguments and named build contexts it sets (a Bake target's `args` and `contexts`,
   * build-push-action's `build-args` and `build-contexts`): a value not known in full holds
   * {@link UNRESOLVED} where it is not.
   */
  args?: Readonly<Record<string, string>>;
  contexts?: Readonly<Record<string, string>>;
}

/** A stage the repository builds as an image, and for a stage other than the last, the build that names it. */
export interface BuiltStage {
  stage: Stage;
  build?: StageBuild;
}

/**
 * The stages of a Dockerfile that are built as images, in file order: each stage a build names as its
 * target, and the last stage when some build names no target, or names one that is not known (a
 * variable, or no stage of the file), or when no build is found at all (as if built by default).
 */
export function builtStages(model: DockerfileModel, builds: readonly StageBuild[]): BuiltStage[] {
  const last = model.stages.at(-1);
  if (!last) return [];
  let lastBuilt = builds.length === 0;
  const named = new Map<Stage, StageBuild>();
  for (const build of builds) {
    const stage = build.target && targetStage(model, build.target.stage);
    if (!stage || stage === last || build.target?.variable) lastBuilt = true;
    if (stage && stage !== last && !named.has(stage)) named.set(stage, build);
  }
  return model.stages
    .filter((s) => named.has(s) || (s === last && lastBuilt))
    .map((stage) => (stage === last ? { stage } : { stage, build: named.get(stage)! }));
}

/**
 * The stages a build of the Dockerfile runs: those the repository's builds build ({@link builtStages})
 * and every stage they need, by `FROM <stage>`, `COPY --from=<stage>` (its name or index) or a RUN
 * mount's `from=<stage>` (read anywhere in the file: a stage any mount names counts as needed).
 * BuildKit, Docker's builder since 23.0, builds no other stage. A reference written with a variable
 * may name any stage: then every stage is taken as needed.
 */
export function neededStages(
  model: DockerfileModel,
  builds: readonly StageBuild[],
  text: string,
): Set<Stage> {
  const all = new Set(model.stages);
  const byName = (ref: string): Stage | undefined => {
    if (/^\d+$/.test(ref)) return model.stages[Number(ref)];
    const wanted = ref.toLowerCase();
    return model.stages.find((s) => s.from.name?.toLowerCase() === wanted);
  };
  const needed = new Set<Stage>();
  const work: Stage[] = builtStages(model, builds).map((b) => b.stage);
  for (const m of text.matchAll(/--mount=\S*?\bfrom=["']?([^,\s"']+)/gi)) {
    if (m[1]!.includes('$')) return all;
    const stage = byName(m[1]!);
    if (stage) work.push(stage);
  }
  while (work.length > 0) {
    const stage = work.pop()!;
    if (needed.has(stage)) continue;
    needed.add(stage);
    const image = stage.from.image ?? '';
    if (image.includes('$')) return all;
    const parent = referencedStage(model, stage, image);
    if (parent) work.push(parent);
    for (const ref of stage.copiesFrom) {
      if (ref.includes('$')) return all;
      const from = byName(ref);
      if (from) work.push(from);
    }
  }
  return needed;
}

/**
 * The stage a build's target names (Docker compares stage names case-insensitively), or undefined
 * when the target holds a variable or names no stage of the file.
 */
export function targetStage(model: DockerfileModel, target: string): Stage | undefined {
  if (target === '' || /[$`{}%]/.test(target)) return undefined;
  const wanted = target.toLowerCase();
  return model.stages.find((s) => s.from.name?.toLowerCase() === wanted);
}

/**
 * The builds of the repository's Dockerfiles, by Dockerfile (computed once per tree, and only when
 * a Dockerfile has stages to choose from): those of its scripts and workflows, Cloud Build
 * configurations, compose files and Bake files.
 */
export async function stageBuilds(workspace: Workspace): Promise<ReadonlyMap<string, StageBuild[]>> {
  const bake = workspace.glob(BAKE_FILES);
  const parser = bake.some((f) => f.endsWith('.hcl')) ? await loadHclParser() : undefined;
  return workspace.memo('dockerfile-stage-builds', '', () => {
    const out = new Map<string, StageBuild[]>();
    const add = (build: StageBuild) => {
      const list = out.get(build.dockerfile);
      if (list) list.push(build);
      else out.set(build.dockerfile, [build]);
    };
    for (const build of [...repositoryImages(workspace).builds, ...cloudBuilds(workspace)]) {
      const dockerfile = build.dockerfiles[0];
      if (dockerfile === undefined) continue;
      add({
        source: build.source,
        dockerfile,
        ...(build.target ? { target: build.target } : {}),
        ...(build.args ? { args: build.args } : {}),
        ...(build.contexts ? { contexts: build.contexts } : {}),
      });
    }
    for (const file of workspace.filesWhere(COMPOSE_FILES)) {
      // Only a compose file that builds is parsed (most name images only).
      if (!workspace.text(file)?.includes('build')) continue;
      for (const build of composeBuilds(workspace, file)) add(build);
    }
    for (const file of bake) {
      const builds = workspace.memo('bake-builds', file, () => bakeBuilds(workspace, file, parser));
      for (const build of builds) add(build);
    }
    return out;
  });
}

/** The one Dockerfile of the tree a build's context and Dockerfile name, when they name one. */
function dockerfileAt(
  workspace: Workspace,
  bases: readonly string[],
  context: unknown,
  dockerfile: unknown,
): string | undefined {
  const ctx = context === undefined ? '.' : context;
  const file = dockerfile === undefined || dockerfile === '' ? 'Dockerfile' : dockerfile;
  if (typeof ctx !== 'string' || typeof file !== 'string') return undefined;
  // A remote context (a Git URL, `target:other`), a variable left in, an absolute path: not known.
  if (/^[a-z][\w+.-]*:|[$`{}]/i.test(ctx) || /[$`{}]/.test(file) || path.isAbsolute(file)) return undefined;
  for (const base of bases) {
    const at = path.normalize(path.join(base, ctx.trim(), file.trim()));
    if (!at.startsWith('..') && !path.isAbsolute(at) && workspace.has(at)) return at;
  }
  return undefined;
}

/**
 * The builds of a compose file's services: `build: <context>` or `build: {context, dockerfile,
 * target}`, as Compose reads them (interpolated, through merge keys), the context taken from the
 * compose file's folder and the Dockerfile from the context.
 */
function composeBuilds(workspace: Workspace, file: string): StageBuild[] {
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const out: StageBuild[] = [];
  for (const service of readComposeServices(workspace, file)) {
    const node = serviceSetting(service, 'build');
    const build = node?.value;
    const settings = typeof build === 'string' ? { context: build } : record(build);
    if (!node || !settings) continue;
    const dockerfile = dockerfileAt(workspace, [dir], settings.context, settings.dockerfile);
    if (dockerfile === undefined) continue;
    const stage = typeof settings.target === 'string' ? settings.target.trim() : '';
    const variable = interpolationsAt(service, `${node.pointer}/target`).length > 0;
    const args = composeMap(settings.args);
    const contexts = composeMap(settings.additional_contexts);
    out.push({
      source: file,
      dockerfile,
      ...(stage !== '' || variable
        ? { target: { stage, written: `build.target: ${stage}`, ...(variable ? { variable } : {}) } }
        : {}),
      ...(args ? { args } : {}),
      ...(contexts ? { contexts } : {}),
    });
  }
  return out;
}

/**
 * A compose build's `args` or `additional_contexts`, a map or a list of `NAME=value`: a name given
 * no value takes it from the environment Compose runs in, which is not known here.
 */
function composeMap(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const entries = Array.isArray(value)
    ? value.map((item) => {
        const text = String(item);
        const eq = text.indexOf('=');
        return eq === -1 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
      })
    : Object.entries(record(value) ?? {});
  for (const [name, v] of entries) {
    if (typeof name !== 'string' || name === '') continue;
    // A variable Compose could not interpolate stays unknown.
    out[name] =
      typeof v === 'string' || typeof v === 'number'
        ? String(v).replace(/\$(?:\{[^}]*\}|\w+)/g, UNRESOLVED)
        : UNRESOLVED;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The builds of a Bake file's `target` blocks (HCL or JSON): each with its `context`, `dockerfile`
 * (from the context) and `target`, taken from the targets it `inherits` when it sets none. A value
 * written with a variable or a function is not known: a target stage so written names no stage.
 */
function bakeBuilds(
  workspace: Workspace,
  file: string,
  parser: Awaited<ReturnType<typeof loadHclParser>> | undefined,
): StageBuild[] {
  const content = workspace.read(file);
  if (content.kind !== 'text') return [];
  const targets = new Map<string, Record<string, unknown>>();
  if (file.endsWith('.json')) {
    let json: unknown;
    try {
      json = JSON.parse(content.text);
    } catch {
      return [];
    }
    for (const [name, value] of Object.entries(record(record(json)?.target) ?? {})) {
      const body = record(value);
      if (body) targets.set(name, body);
    }
  } else if (parser) {
    const parsed = parseHcl(parser, content.text, content.lines);
    if (!parsed.ok) return [];
    for (const block of parsed.body.blocks) {
      if (block.type === 'target' && block.labels.length === 1) {
        targets.set(block.labels[0]!, hclAttributes(block.body));
      }
    }
  }
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const out: StageBuild[] = [];
  for (const name of targets.keys()) {
    const setting = (key: string) => inherited(targets, name, key, 0);
    const dockerfile = dockerfileAt(workspace, [dir, ''], setting('context'), setting('dockerfile'));
    if (dockerfile === undefined) continue;
    const target = setting('target');
    const stage = typeof target === 'string' ? target.trim() : '';
    // A target written with a variable or a function (`target = "${TARGET}"`) may be any stage.
    const variable = target !== undefined && typeof target !== 'string';
    const args = inheritedMap(targets, name, 'args', 0);
    const contexts = inheritedMap(targets, name, 'contexts', 0);
    out.push({
      source: file,
      dockerfile,
      ...(stage !== '' || variable
        ? { target: { stage, written: `target = "${stage}"`, ...(variable ? { variable } : {}) } }
        : {}),
      ...(args ? { args } : {}),
      ...(contexts ? { contexts } : {}),
    });
  }
  return out;
}

/** Bound on the chain of `inherits` followed for one setting. */
const MAX_INHERITS = 10;

/**
 * A Bake target's setting: its own, else that of the last target it inherits from that has it (a
 * later one overrides an earlier one). A value that cannot be known is `null`.
 */
function inherited(
  targets: ReadonlyMap<string, Record<string, unknown>>,
  name: string,
  key: string,
  depth: number,
): unknown {
  const body = targets.get(name);
  if (!body) return undefined;
  if (Object.hasOwn(body, key)) return body[key];
  const parents = body.inherits;
  if (depth >= MAX_INHERITS || !Array.isArray(parents)) return undefined;
  for (const parent of [...parents].reverse()) {
    if (typeof parent !== 'string' || parent === name) continue;
    const value = inherited(targets, parent, key, depth + 1);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * A map setting of a Bake target (`args`, `contexts`): those of the targets it inherits from, in
 * order, then its own, a later key overriding an earlier one, as Bake merges them. Only entries whose
 * value is text are kept (see {@link hclAttributes}); undefined when none sets one.
 */
function inheritedMap(
  targets: ReadonlyMap<string, Record<string, unknown>>,
  name: string,
  key: string,
  depth: number,
): Record<string, string> | undefined {
  const body = targets.get(name);
  if (!body) return undefined;
  const out: Record<string, string> = {};
  const parents = body.inherits;
  if (depth < MAX_INHERITS && Array.isArray(parents)) {
    for (const parent of parents) {
      if (typeof parent !== 'string' || parent === name) continue;
      Object.assign(out, inheritedMap(targets, parent, key, depth + 1));
    }
  }
  for (const [k, v] of Object.entries(record(body[key]) ?? {})) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * An HCL body's attributes as plain values: literal strings and lists of them, and objects of text
 * (`args = { BASE = "acme/base:1.2" }`), where a template's interpolations stand as
 * {@link UNRESOLVED} (`"target:base-${arch}"`); anything else `null`.
 */
function hclAttributes(body: HclBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const plain = (value: HclValue): unknown =>
    value.kind === 'string'
      ? value.value
      : value.kind === 'tuple'
        ? value.items.map((item) => (item.kind === 'string' ? item.value : null))
        : value.kind === 'object'
          ? Object.fromEntries(
              value.entries.flatMap((e) => {
                const text = entryText(e.value);
                return e.key === undefined || text === undefined ? [] : [[e.key, text]];
              }),
            )
          : null;
  for (const attribute of body.attributes) out[attribute.name] = plain(attribute.value);
  return out;
}

/** The text of an object's value: a string, or a quoted template with its interpolations unknown. */
function entryText(value: HclValue): string | undefined {
  if (value.kind === 'string') return value.value;
  if (value.kind !== 'template' || !/^"[^"]*"$/.test(value.text)) return undefined;
  return value.text.slice(1, -1).replace(/\$\{[^}]*\}/g, UNRESOLVED);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
