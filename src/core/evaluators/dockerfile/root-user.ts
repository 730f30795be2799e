import path from 'node:path';
import { inGithubConfig } from '../../confidence.js';
import { locationFromSpan } from '../../location.js';
import { DEV_CONTAINER_IMAGE, isDevContainerImage } from '../../parsers/devcontainer.js';
import { libraryName, officialImageNames } from '../../parsers/docker-hub.js';
import {
  BASE_IMAGE_ONLY,
  baseImageOnly,
  type DockerfileModel,
  dockerfilePaths,
  externalBase,
  finalStage,
  type InstructionText,
  readDockerfile,
  runCommands,
  type Stage,
  stageChain,
} from '../../parsers/dockerfile.js';
import { UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { imageMatcher, parseImageRef } from '../../parsers/image-ref.js';
import { programName, SHELLS } from '../../parsers/shell-commands.js';
import { isWorkflowPath } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { FocusedWorkspace } from '../../workspace/focus.js';
import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import {
  BAKE_FILES,
  builtStages,
  COMPOSE_BUILD_SOURCES,
  STAGE_BUILD_SOURCES,
  type StageBuild,
  stageBuilds,
} from './built-stages.js';
import { developmentEnvironment, toolingMark } from './dev-environment.js';
import { userFix } from './fix-user.js';
import {
  buildsOf,
  everyDockerfile,
  FROM_IMAGE_SOURCES,
  type FromUse,
  fromImages,
  IMAGE_COMMAND_READS,
  namesTag,
  type RepositoryImages,
  repositoryImages,
} from './image-builds.js';
import { LIBRARY_SCRIPT, OFFICIAL_IMAGE_USER, officialImageSource } from './official-image-source.js';

/**
 * The Dockerfiles whose judgement a change to build sources alone may alter (`Evaluator.affectedBy`):
 * on either tree, those the builds of the changed files name (the stage they target, whether they
 * publish), and of the build sources beside them (a changed `.env` interpolates the compose file of
 * its folder). Only those files are read, not every build of the tree. A changed Dockerfile (another
 * may be built FROM its image) or action metadata (which names a container action's Dockerfile) may
 * alter any: every Dockerfile.
 */
async function builtBy(
  changed: readonly string[],
  head: Workspace,
  base: Workspace,
): Promise<string[] | undefined> {
  const direct = pathMatcher(['**/action.yml', '**/action.yaml', ...FROM_IMAGE_SOURCES]);
  if (changed.some((f) => direct(f))) return everyDockerfile(changed, head, base);
  const isSource = pathMatcher(STAGE_BUILD_SOURCES);
  // A workflow's builds are its own text's: the workflows beside it change nothing of them (unless
  // its name makes it a compose or Bake file too, which files beside it may override).
  const merged = pathMatcher([...COMPOSE_BUILD_SOURCES, ...BAKE_FILES]);
  const folders = new Set(
    changed.filter((f) => !isWorkflowPath(f) || merged(f)).map((f) => path.posix.dirname(f)),
  );
  const files = new Set<string>();
  for (const tree of [head.tree(), base.tree()]) {
    const near = changed.filter((f) => isSource(f));
    if (folders.size > 0) {
      near.push(...tree.files.filter((f) => folders.has(path.posix.dirname(f)) && isSource(f)));
    }
    const view = new FocusedWorkspace(tree, near);
    for (const b of repositoryImages(view).builds) for (const d of b.dockerfiles) files.add(d);
    for (const d of (await stageBuilds(view)).keys()) files.add(d);
  }
  return [...files];
}

/** Image patterns, as the nonRootImages option and the Kubernetes rules match them. */
export { imageMatcher };

/** `root`, `0`, and either with a group (`root:root`, `0:0`, `root:app`). */
const ROOT_USER = /^(root|0)(:.*)?$/;

/**
 * Whether a USER names root: as written, or through an ARG or ENV whose value in force at the USER
 * is root (`ARG RUN_AS=root` ... `USER ${RUN_AS}`). A variable without a known value is not judged.
 */
export function runsAsRoot(user: InstructionText): boolean {
  const value = user.resolved ?? user.value;
  return !value.includes(UNRESOLVED) && !value.includes('$') && ROOT_USER.test(value);
}

/** The user the final image runs as: the last USER of the final stage or of a stage it builds on. */
export interface EffectiveUser {
  /** Undefined when no stage in the chain sets USER. */
  user?: InstructionText;
  /** The stage that holds `user` (or the final stage, when there is none). */
  stage: Stage;
}

/** Options of `dockerfile.root-user`. */
export interface RootUserOptions {
  nonRootImages: string[];
}

/**
 * Images that run as a non-root user unless told otherwise, from their publishers' documentation:
 * distroless and other `nonroot` tags, Chainguard images (but wolfi-base), .NET chiseled images, Red
 * Hat's language images, and vendors' images that set USER (Bitnami, nginx-unprivileged, Grafana,
 * Keycloak, Jenkins, Elastic, SonarQube, Prometheus and Alertmanager).
 */
export const NON_ROOT_IMAGES = [
  '*:*nonroot*',
  'cgr.dev/chainguard/*',
  '!cgr.dev/chainguard/wolfi-base*',
  'mcr.microsoft.com/dotnet/*:*chiseled*',
  'registry.access.redhat.com/ubi*/nodejs-*',
  'registry.access.redhat.com/ubi*/python-*',
  'registry.access.redhat.com/ubi*/openjdk-*',
  'registry.access.redhat.com/ubi*/php-*',
  'registry.access.redhat.com/ubi*/ruby-*',
  'bitnami/*',
  'docker.io/bitnami/*',
  '!*bitnami/minideb*',
  'nginxinc/nginx-unprivileged*',
  'grafana/grafana*',
  'quay.io/keycloak/keycloak*',
  'jenkins/jenkins*',
  'docker.elastic.co/*',
  'sonarqube*',
  // Prometheus and Alertmanager images end with `USER nobody` (their repositories' Dockerfiles).
  'prom/prometheus*',
  'quay.io/prometheus/prometheus*',
  'prom/alertmanager*',
  'quay.io/prometheus/alertmanager*',
  // AWS Lambda base images: Lambda runs a function's image as a least-privileged user of its own
  // whatever the image's default (its documentation on container images).
  'public.ecr.aws/lambda/*',
  'amazon/aws-lambda-*',
  // Windows Nano Server runs as ContainerUser, an unprivileged account, unless USER says otherwise
  // (Server Core and Windows images run as ContainerAdministrator and are not listed).
  'mcr.microsoft.com/windows/nanoserver*',
];

/**
 * Whether the stage the chain of `stage` ends at is built FROM an earlier stage chosen by a variable
 * with no value in the file (`FROM binaries-$TARGETOS`, `FROM out-${VARIANT}`), and every earlier
 * stage whose name fits that pattern is built FROM scratch with no CMD or ENTRYPOINT along its chain:
 * whichever the build picks, the image carries files only. No stage fitting it: false.
 */
function chosenStagesCarryFiles(model: DockerfileModel, stage: Stage): boolean {
  const last = stageChain(model, stage).at(-1)!;
  const image = last.from.image;
  if (!image?.includes('$')) return false;
  const parts = image.toLowerCase().split(/\$(?:\{[^}]*\}|\w+)/);
  const pattern = new RegExp(
    `^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/:@]+')}$`,
  );
  const chosen = model.stages.filter(
    (s) => s.index < last.index && s.from.name !== undefined && pattern.test(s.from.name.toLowerCase()),
  );
  return (
    chosen.length > 0 &&
    chosen.every((s) => externalBase(model, s) === 'scratch' && !stageChain(model, s).some((c) => c.command))
  );
}

/**
 * Flags Dockerfiles whose final stage runs as root: no USER at all (reported at the final FROM), or
 * a last USER of `root`/`0` (reported at that USER). The stages the repository's builds name as their
 * target are judged the same way, and the final stage only when some build builds it, or no build is
 * found (see built-stages.ts). A stage built FROM an earlier stage inherits its
 * user, so the chain is followed. A USER set from a variable is judged by the variable's value in force
 * there (an ARG default, an ENV), and not judged without one; nor is the default user of
 * an external base image, which would need the image itself. The image of a development container
 * (under `.devcontainer/`, or built by a devcontainer.json) is a developer's workspace, not a deployed
 * image: it is left out, and the rule's scope says so.
 */
export const dockerfileRootUser = defineEvaluator<RootUserOptions>({
  kind: 'dockerfile.root-user',
  scope: 'file',
  // A Dockerfile named as a container action's image (in an action.yml above it) may keep root.
  // The repository's build scripts and other Dockerfiles tell a base, builder or tool image (see
  // image-builds.ts); its builds (scripts, workflows, Cloud Build, compose and Bake files) tell
  // which stages are built (see built-stages.ts).
  // An official image's source repository is told by its library script (see official-image-source.ts).
  readsOtherFiles: [
    '**/action.yml',
    '**/action.yaml',
    ...STAGE_BUILD_SOURCES,
    ...FROM_IMAGE_SOURCES,
    LIBRARY_SCRIPT,
  ],
  affectedBy: builtBy,
  // A workflow or Makefile tells it something only when it names a container engine.
  screenedReads: IMAGE_COMMAND_READS,
  fix: 'adds USER 10001 before the final CMD/ENTRYPOINT of the stage (at its end when build steps follow them)',
  summary:
    'Dockerfiles whose final stage, or a stage a build targets, sets no USER (on a base image not known to run as non-root) or switches to root.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      nonRootImages: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: NON_ROOT_IMAGES,
        description:
          'Base images whose default user is not root, as `repository:tag` patterns (`*` matches any ' +
          'characters, `!` excludes): a final stage on one of them that sets no USER is not reported.',
      },
    },
  },
  async evaluate({ options, workspace }) {
    const nonRoot = imageMatcher(options.nonRootImages);
    const findings: RawFinding[] = [];
    const uses = new ImageUses(workspace);
    let builds: ReadonlyMap<string, StageBuild[]> | undefined;
    for (const file of dockerfilePaths(workspace)) {
      if (isDevContainerImage(file)) {
        workspace.leaveOut(file, DEV_CONTAINER_IMAGE);
        continue;
      }
      const model = readDockerfile(workspace, file);
      const final = model && finalStage(model);
      if (!model || !final) continue;
      // Only a Dockerfile of several stages has a stage for a build to choose: the repository's
      // builds are read for it, once.
      if (model.stages.length > 1) builds ??= await stageBuilds(workspace.tree());
      const built = builds ? builtStages(model, builds.get(file) ?? []) : [{ stage: final }];
      for (const { stage, build } of built) {
        // A target with no CMD or ENTRYPOINT in its chain is built for what its RUN steps check or
        // make (a lint, a vendoring check, a binary to export), not run as a container.
        if (build && !stageChain(model, stage).some((s) => s.command)) continue;
        const finding = judgeStage(workspace, model, stage, build, nonRoot, uses);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
});

/**
 * The finding of a stage built as an image, when it runs as root: the final stage (no `build`), or a
 * stage a build names as its target, whose message names the stage and the build and whose key holds
 * the stage's name (the final stage's key and message are those it always had).
 */
function judgeStage(
  workspace: Workspace,
  model: DockerfileModel,
  judged: Stage,
  build: StageBuild | undefined,
  nonRoot: (image: string) => boolean,
  uses: ImageUses,
): RawFinding | undefined {
  const file = model.path;
  const { user, stage } = effectiveUser(model, judged);
  const image = judged.from.image ?? '';
  const name = judged.from.name ?? String(judged.index);
  const builtWith = build?.target && `built with ${build.target.written} by ${build.source}`;
  const subject = builtWith ? `The stage "${name}"` : 'The final stage';
  const from = builtWith ? `(FROM ${image}; ${builtWith})` : `(FROM ${image})`;
  const key = (k: string) => (builtWith ? `stage:${name.toLowerCase()}:${k}` : k);
  // GitHub runs a Docker container action's image as root and asks its Dockerfile to set no USER:
  // the message says so. The confidence stays, but under .github/: an action.yml that a pull
  // request adds beside a Dockerfile deployed elsewhere would otherwise quiet that Dockerfile's
  // finding, while .github/ holds the repository's CI configuration and no deployed image.
  const action = containerAction(workspace, file);
  const actionNote = action ? ` ${ACTION_NOTE[action]}` : '';
  if (!user) {
    const base = externalBase(model, stage);
    if (base !== undefined && nonRoot(base)) return undefined;
    // An image FROM scratch without a CMD or ENTRYPOINT starts no process of its own: it carries
    // files (exported by `docker build --output`, copied into other images), or its runner names
    // the command; only then does anything run in it, as root.
    const scratch = base === 'scratch';
    const chain = stageChain(model, judged);
    const filesOnly =
      !chain.some((s) => s.command) &&
      (scratch || (base === undefined && chosenStagesCarryFiles(model, judged)));
    const pinOnly = !filesOnly && baseImageOnly(model);
    const message = filesOnly
      ? `${subject} ${from} sets no USER and no CMD or ENTRYPOINT: if the image only ` +
        'carries files (exported with docker build --output, or copied into other images), nothing ' +
        'runs in it; a command run from it runs as root.'
      : scratch
        ? `${subject} ${from} sets no USER: an image built from scratch has no default ` +
          `user, so its command runs as root (uid 0) unless what runs it sets a user.${actionNote}`
        : `${subject} ${from} sets no USER, so the container runs as root unless the base ` +
          `image sets another default user.${actionNote}`;
    // Why the image likely runs no service as root: a version pin, an entrypoint that drops root,
    // a stage named for development or tests, or an image that is no deployed service (see
    // notDeployed).
    const note = pinOnly
      ? BASE_IMAGE_ONLY
      : filesOnly
        ? undefined
        : (dropsRoot(chain, base) ??
          (builtWith ? developmentStage(name) : undefined) ??
          notDeployed(workspace, file, chain, base, uses) ??
          (officialImageSource(workspace) ? OFFICIAL_IMAGE_USER : undefined));
    return {
      message: note ? `${message.slice(0, -1)} (${note}).` : message,
      location: locationFromSpan(file, judged.from.span),
      key: key('no-user'),
      // Another base image may set a user of its own, which only the image can tell; scratch has
      // none, but what runs it may (AWS Lambda runs images as a user of its own; a WebAssembly
      // runtime has no users). A container action's image under .github/ keeps root as GitHub asks.
      confidence: filesOnly || note || (action && inGithubConfig(file)) ? 'low' : 'medium',
      ...fixOf(workspace, model, base, builtWith ? judged : undefined),
    };
  }
  if (!runsAsRoot(user)) return undefined;
  const inherited = stage === judged ? '' : ` (inherited from stage "${stage.from.name ?? stage.index}")`;
  const via =
    user.resolved !== undefined && user.resolved !== user.value ? `, which is "${user.resolved}"` : '';
  const what = builtWith ? `${subject} (${builtWith})` : subject;
  const message = `${what} runs as root: its last USER is "${user.value}"${via}${inherited}.${actionNote}`;
  // A USER root on a base image that runs as root already, after no USER of another user
  // (written for a linter: hadolint's DL3002 asks for the user to be said), changes nothing:
  // the image is judged as one without a USER line, whose entrypoint may still drop root.
  const chain = stageChain(model, judged);
  const base = externalBase(model, stage);
  const restates =
    base !== undefined && knownRootImage(base) && chain.every((s) => s.users.every(runsAsRoot));
  const note = restates
    ? (dropsRoot(chain, base) ?? notDeployed(workspace, file, chain, base, uses))
    : undefined;
  return {
    message: note
      ? `${message.slice(0, -1)} (on a base image that runs as root already, so it changes nothing; ${note}).`
      : message,
    location: locationFromSpan(file, user.span),
    key: key(`user:${user.value}`),
    ...(note ? { confidence: 'low' as const } : {}),
    ...fixOf(workspace, model, externalBase(model, judged), builtWith ? judged : undefined),
  };
}

/** Words of a stage's name that mark a development or test image (`dev`, `test-runner`). */
const DEVELOPMENT_STAGE_WORDS = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'local',
  'test',
  'tests',
  'testing',
  'tilt',
]);

/**
 * Why a stage a build targets is likely no deployed image, when its name marks a development or test
 * stage (`target: development`, `--target test`): the image a compose file brings up for developers,
 * or the one CI runs the tests in. Not `debug`: a debug variant of a deployed image is deployed.
 */
function developmentStage(name: string): string | undefined {
  const word = name
    .toLowerCase()
    .split(/[._-]+/)
    .find((w) => DEVELOPMENT_STAGE_WORDS.has(w));
  return (
    word &&
    `its name marks a development or test stage (${word}), which developers or CI run rather than deploy`
  );
}

/** Official images whose entrypoint hands the server to a user of its own with gosu. */
const GOSU_ENTRYPOINT_IMAGES = [
  'redis',
  'postgres',
  'mysql',
  'mariadb',
  'mongo',
  'rabbitmq',
  'cassandra',
  'couchdb',
  'zookeeper',
  'elasticsearch',
  'logstash',
  'kibana',
];

/**
 * Official images whose entrypoint or server starts as root and switches to a user of its own
 * (nginx and httpd workers, the databases' `gosu` step): a USER 10001 before their CMD would stop
 * them (their data and cache directories belong to that user), so the fix leaves them to a person.
 */
const DROPS_PRIVILEGES = imageMatcher(
  ['nginx', 'httpd', ...GOSU_ENTRYPOINT_IMAGES, 'wordpress']
    .flatMap((n) => [n, `${n}:*`, `${n}@*`, `*/${n}`, `*/${n}:*`, `*/${n}@*`])
    .concat(['php:*apache*', 'php:*fpm*', '*/php:*apache*', '*/php:*fpm*'])
    // Jenkins' SSH build agent: sshd starts as root and logs the controller in as the jenkins user.
    .concat(['jenkins/ssh-agent*', 'jenkins/ssh-slave*']),
);

/**
 * Official images whose entrypoint starts as root and hands the server to a user of its own with
 * gosu (the databases, the message brokers, Elasticsearch, Logstash and Kibana), and LinuxServer.io's
 * (s6-overlay): a container left to that entrypoint does not serve as root. Not nginx or httpd,
 * whose master process stays root.
 */
export const ENTRYPOINT_DROPS = imageMatcher(
  GOSU_ENTRYPOINT_IMAGES.flatMap((n) => [
    n,
    `${n}:*`,
    `${n}@*`,
    `library/${n}:*`,
    `docker.io/library/${n}:*`,
    // The official image through a registry mirror or pull-through cache (mirror.gcr.io/postgres,
    // public.ecr.aws/docker/library/redis).
    `*/library/${n}:*`,
    `mirror.gcr.io/${n}:*`,
  ])
    // LinuxServer.io images start s6-overlay as root, which runs the application as the user abc.
    .concat(['linuxserver/*', 'lscr.io/linuxserver/*', 'ghcr.io/linuxserver/*']),
);

/** The shell a stage chain's last CMD starts bare (`bash`, `/bin/sh -l`), when it is one. */
function shellCommand(chain: readonly Stage[]): string | undefined {
  // An ENTRYPOINT resets the CMD of the stages and image below it.
  const cmd = chain.find((s) => s.cmd || s.entrypoint)?.cmd;
  const program = cmd?.[0] ? programName(cmd[0]) : '';
  if (!SHELLS.has(program) || program === 'busybox') return undefined;
  return cmd!.slice(1).every((w) => /^-[il]$|^--login$/.test(w)) ? program : undefined;
}

/** Official distribution images whose command is a shell, by the shell: a container of them starts one. */
const SHELL_IMAGES = new Map([
  ['alpine', 'sh'],
  ['busybox', 'sh'],
  ['debian', 'bash'],
  ['ubuntu', 'bash'],
  ['fedora', 'bash'],
  ['photon', 'bash'],
  ['amazonlinux', 'bash'],
  ['rockylinux', 'bash'],
  ['almalinux', 'bash'],
  ['oraclelinux', 'bash'],
  ['centos', 'bash'],
  ['archlinux', 'bash'],
]);

/** Commands that install, upgrade or clean up packages, and the shell's own housekeeping around them. */
const PACKAGE_COMMANDS = new Set([
  'apk',
  'apt-get',
  'apt',
  'aptitude',
  'dnf',
  'yum',
  'microdnf',
  'tdnf',
  'zypper',
  'pacman',
  'update-ca-certificates',
  'set',
  'rm',
  'true',
  ':',
]);

/**
 * The shell a stage chain inherits as its command: no stage sets a CMD or an ENTRYPOINT, the base is
 * a distribution image whose command is a shell, and the stages only install packages on it (no
 * COPY or ADD, no RUN but a package manager's): a toolbox that jobs and people run commands in.
 */
function inheritedShell(chain: readonly Stage[], base: string | undefined): string | undefined {
  if (base === undefined || chain.some((s) => s.command || s.copies > 0)) return undefined;
  const ref = parseImageRef(base);
  const shell = ref && SHELL_IMAGES.get(libraryName(ref)?.toLowerCase() ?? '');
  const packagesOnly = chain.every((s) =>
    s.runs.every((r) => r.form === 'shell' && runCommands(r).every((c) => PACKAGE_COMMANDS.has(c.name))),
  );
  return shell && packagesOnly ? shell : undefined;
}

/**
 * Images that run as root unless a Dockerfile says otherwise: Docker Official Images (by any registry
 * that mirrors them), and the distribution and runtime bases of Microsoft, Google (distroless), Red
 * Hat and Chainguard (wolfi-base). Those not known to run as non-root keep root.
 */
const KNOWN_ROOT_IMAGES = imageMatcher([
  '*/library/*',
  'mirror.gcr.io/*',
  'mcr.microsoft.com/*',
  'gcr.io/distroless/*',
  'registry.access.redhat.com/*',
  'registry.redhat.io/*',
  'quay.io/centos/*',
  'public.ecr.aws/amazonlinux/*',
  'cgr.dev/chainguard/wolfi-base*',
]);

function knownRootImage(image: string): boolean {
  const ref = parseImageRef(image);
  const name = ref && libraryName(ref);
  return (name !== undefined && officialImageNames().has(name.toLowerCase())) || KNOWN_ROOT_IMAGES(image);
}

/** A RUN that creates a user (`useradd -u 2000 app`, `adduser -D app`). */
const CREATES_USER = /(?<![\w-])(?:useradd|adduser)(?![\w-])/;

/**
 * Why an image without USER is likely no deployed service running as root, when it is: it is a cloud
 * development environment's image; it is a base image, with no command of its own, that other
 * Dockerfiles build on (they decide the user, and may switch to the one it creates); the repository's
 * scripts only create containers of it to copy files out; its path marks a development or tooling
 * image; the repository's scripts run it only as a throw-away tool on the checkout; its command is a
 * bare shell (a toolbox or CI job image that people and jobs run commands in), written or inherited;
 * or it only adds files and settings (no RUN) to a base image not known to run as root, whose own user
 * (which only that image shows) it keeps, like a repository's image built on another of its images
 * that sets one. After the base and builder images, none is, when the image creates a user of its own
 * and never switches to it: a forgotten USER line, whatever the image is for.
 */
function notDeployed(
  workspace: Workspace,
  file: string,
  chain: readonly Stage[],
  base: string | undefined,
  uses: ImageUses,
): string | undefined {
  const environment = developmentEnvironment(workspace, file, base);
  if (environment) {
    return `${environment}: a developer's workspace, whose platform starts the session as a user of its own, not a deployed service`;
  }
  const command = chain.some((s) => s.command);
  const built = command ? undefined : (uses.baseOf(file) ?? uses.copiedFrom(file));
  if (built) return built;
  if (chain.some((s) => s.runs.some((r) => CREATES_USER.test(r.value)))) return undefined;
  const mark = toolingMark(file);
  if (mark) {
    return `its path marks a development or build-tool image (${mark}), run by developers or CI rather than deployed`;
  }
  const tool = uses.toolRun(file) ?? uses.discardedOnly(file);
  if (tool) return tool;
  const output = buildsIntoVolume(chain);
  if (output) {
    return `its command ends by copying what it built into a volume it declares (${output}), and then exits: a one-shot builder whose output the host collects from the mounted volume, not a deployed service`;
  }
  const shell = shellCommand(chain);
  if (shell) {
    return `its command is a bare shell (${shell}): a toolbox or CI job image that people and jobs run commands in, not a service`;
  }
  const inherited = inheritedShell(chain, base);
  if (inherited) {
    return `it sets no command, so it keeps the bare shell (${inherited}) of its base image, ${base}, and only installs packages: a toolbox or CI job image that people and jobs run commands in, not a service`;
  }
  if (
    base !== undefined &&
    base !== 'scratch' &&
    !knownRootImage(base) &&
    chain.every((s) => s.runs.length === 0)
  ) {
    return `it runs nothing in its base image, ${base}, which is not one known to run as root, and only adds files and settings: the user is the base image's`;
  }
  return undefined;
}

/** Programs that copy files to the place their last argument names. */
const COPIERS = new Set(['cp', 'mv', 'rsync', 'install']);

/**
 * The volume a one-shot builder image hands its output to, when it is one: its command (a CMD, with no
 * ENTRYPOINT along the chain) ends by copying files into a path the image declares as a VOLUME
 * (`VOLUME /output`, `CMD make && cp *.rpm /output/`), so a container of it builds, copies into the
 * volume mounted there and exits. What the command does is the image's own behaviour, not a name: a
 * service image given such a command would not serve.
 */
function buildsIntoVolume(chain: readonly Stage[]): string | undefined {
  if (chain.some((s) => s.entrypoint)) return undefined;
  const cmd = chain.find((s) => s.cmd)?.cmd;
  const volumes = chain
    .flatMap((s) => s.volumes)
    .map((v) => v.replace(/\/+$/, ''))
    .filter((v) => v.startsWith('/') && !v.includes('$'));
  if (!cmd?.[0] || volumes.length === 0) return undefined;
  // The script a shell is given with -c, or the command's own words.
  const c = cmd.indexOf('-c');
  const script = SHELLS.has(programName(cmd[0])) ? (c > 0 ? cmd[c + 1] : undefined) : cmd.join(' ');
  const last = script
    ?.split(/&&|\|\||;|\n/)
    .at(-1)
    ?.trim()
    .split(/\s+/);
  if (!last?.[0] || last.length < 3 || !COPIERS.has(programName(last[0]))) return undefined;
  const target = last.at(-1)!.replace(/\/+$/, '');
  return volumes.find((v) => target === v || target.startsWith(`${v}/`));
}

/** A RUN that installs or fetches a tool for dropping root at start (`apk add gosu`, `su-exec`). */
const DROPPERS = /(?<![\w-])(?:gosu|su-exec|setpriv|s6-setuidgid)(?![\w-])/;

/**
 * What drops root once the container starts: the base image's own entrypoint (kept when no stage
 * sets another), or gosu and its kin installed for an entrypoint script to use.
 */
function dropsRoot(chain: readonly Stage[], base: string | undefined): string | undefined {
  if (base !== undefined && ENTRYPOINT_DROPS(base) && !chain.some((s) => s.entrypoint)) {
    return `its base image's entrypoint starts as root and switches to its own user`;
  }
  return chain.some((s) => s.runs.some((r) => DROPPERS.test(r.value)))
    ? 'the image installs a tool (gosu, su-exec, setpriv) that an entrypoint uses to switch to another user at start'
    : undefined;
}

/**
 * How the repository's own scripts use the images built from its Dockerfiles (see image-builds.ts),
 * read from the whole tree once per evaluation and only when a finding needs it.
 */
class ImageUses {
  private images: RepositoryImages | undefined;
  private froms: Map<string, FromUse[]> | undefined;

  constructor(private readonly workspace: Workspace) {}

  private all(): RepositoryImages {
    this.images ??= repositoryImages(this.workspace.tree());
    return this.images;
  }

  /**
   * Why the Dockerfile is a base or builder image, when it is: its name says so (`Dockerfile.base`,
   * `base.Dockerfile`), or a build here tags its image with a name another Dockerfile of the
   * repository is built FROM (a base image), or only copies files out of (`COPY --from`, from the
   * image or from a stage built FROM it that nothing else builds on: a builder image, which no
   * container runs as a service). (The caller has checked that it has no command of its own.)
   */
  baseOf(file: string): string | undefined {
    const name = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
    if (name.split(/[._-]+/).includes('base')) {
      return 'its name marks a base image, with no command of its own: the images built on it decide the user they run as';
    }
    const tags = buildsOf(this.all(), file, this.workspace).flatMap((b) => b.tags);
    if (tags.length === 0) return undefined;
    this.froms ??= fromImages(this.workspace.tree());
    let copied: [string, string] | undefined;
    for (const [other, uses] of this.froms) {
      if (other === file) continue;
      for (const use of uses) {
        if (!namesTag(use.image, tags)) continue;
        if (!use.copiedOnly) {
          return `it is a base image with no command of its own: the repository builds it as ${use.image}, which ${other} is built FROM, and the images built on it decide the user they run as`;
        }
        copied ??= [use.image, other];
      }
    }
    return copied
      ? `it is a builder image with no command of its own: the repository builds it as ${copied[0]}, which ${copied[1]} only copies files out of with COPY --from, so no container of it runs as a service`
      : undefined;
  }

  /**
   * Why no container of the image is started, when the repository's scripts only create one to copy
   * the files it built out (`docker create` then `docker cp`): a compile-only builder image.
   */
  copiedFrom(file: string): string | undefined {
    const images = this.all();
    const builds = buildsOf(images, file, this.workspace);
    const tags = builds.flatMap((b) => b.tags);
    if (tags.length === 0 || builds.some((b) => b.pushes)) return undefined;
    if (images.runs.some((r) => namesTag(r.image, tags)) || images.pushes.some((p) => namesTag(p, tags))) {
      return undefined;
    }
    const created = images.creates.some((c) => namesTag(c, tags));
    return created
      ? `the repository's build (${builds[0]!.source}) only creates a container of it to copy the files it built out (docker create): a builder image that no container is started from`
      : undefined;
  }

  /**
   * Why the image is a throw-away tool, when it is: the repository's scripts build it under names
   * they never push, and run it only with `docker run --rm`, with the working directory mounted (a
   * code generator or linter image), or in the foreground with no port published, no restart policy
   * and no volume but the working directory (a filter fed on stdin: `docker run --rm -i acme-jq .`).
   */
  toolRun(file: string): string | undefined {
    const images = this.all();
    const builds = buildsOf(images, file, this.workspace);
    const tags = builds.flatMap((b) => b.tags);
    if (tags.length === 0 || builds.some((b) => b.pushes)) return undefined;
    if (images.pushes.some((p) => namesTag(p, tags))) return undefined;
    const runs = images.runs.filter((r) => namesTag(r.image, tags));
    if (runs.length === 0 || !runs.every((r) => r.removed && (r.mountsWorkdir || !r.lasting)))
      return undefined;
    const how = runs.every((r) => r.mountsWorkdir)
      ? 'on the checkout (docker run --rm with the working directory mounted)'
      : '(docker run --rm in the foreground, with no port published, no restart policy and no volume but the working directory)';
    return `the repository's script ${runs[0]!.source} builds it and runs it only as a throw-away tool ${how}, not as a deployed service`;
  }

  /**
   * Why no container of the image ever runs, when the repository's only builds of it are compile
   * checks that keep nothing (build-push-action with `push` and `load` off, no outputs, no tags).
   */
  discardedOnly(file: string): string | undefined {
    const builds = buildsOf(this.all(), file, this.workspace);
    if (builds.length === 0 || !builds.every((b) => b.discarded)) return undefined;
    return `the repository only builds it as a check (${builds[0]!.source}: push and load off, no tags), which keeps no image to run or publish`;
  }
}

/** Why the image of a Docker container action is not given a USER. */
export const CONTAINER_ACTION =
  'the image of a Docker container action (action.yml runs it): GitHub runs such actions as root, and with another USER the action cannot write to the workspace';

/** The fix of the final stage, or of `stage`, a stage a build targets. */
function fixOf(workspace: Workspace, model: DockerfileModel, base: string | undefined, stage?: Stage) {
  const content = workspace.read(model.path);
  if (content.kind !== 'text') return {};
  if (containerAction(workspace, model.path)) return { unfixable: CONTAINER_ACTION };
  if (base !== undefined && DROPS_PRIVILEGES(base)) {
    return {
      unfixable: `${base.replace(/[:@].*$/, '')} starts as root and switches to its own user; an unprivileged variant of the image, or its own user, is a choice to make by hand`,
    };
  }
  // A fix whose lines hold a secret is withheld by the engine, for every rule (secret-lines.ts).
  return userFix(model, content.text, content.lines, stage);
}

/**
 * Whether the Dockerfile is the image of a Docker container action: an `action.yml` (or `.yaml`) in
 * its directory or one above with `runs.using: docker` and `runs.image` naming this file (relative to
 * the action's directory). GitHub's documentation asks such images to keep the default (root) user.
 */
function containerAction(workspace: Workspace, file: string): ContainerAction | undefined {
  let dir = path.posix.dirname(file);
  for (;;) {
    for (const name of ['action.yml', 'action.yaml']) {
      const at = dir === '.' ? name : `${dir}/${name}`;
      const parsed = workspace.has(at) ? workspace.yaml(at) : undefined;
      if (!parsed?.ok) continue;
      const runs = record(record(parsed.documents[0]?.value)?.runs);
      const image = runs?.image;
      if (String(runs?.using).toLowerCase() !== 'docker' || typeof image !== 'string') continue;
      if (/^docker:\/\//i.test(image.trim())) {
        // A prebuilt image (super-linter's `docker://ghcr.io/...:v8`): the `Dockerfile` beside the
        // action.yml is, nearly always, what that image is built from.
        if (dir === path.posix.dirname(file) && path.posix.basename(file) === 'Dockerfile') return 'beside';
        continue;
      }
      if (path.posix.normalize(path.posix.join(dir, image.trim())) === file) return 'named';
    }
    if (dir === '.') return undefined;
    dir = path.posix.dirname(dir);
  }
}

/** How a Dockerfile is known to be a container action's image: named by `runs.image`, or beside a prebuilt one. */
type ContainerAction = 'named' | 'beside';

const ACTION_NOTE: Record<ContainerAction, string> = {
  named:
    'It is the image of a Docker container action (an action.yml names it): GitHub runs such actions as root and asks their Dockerfile not to set USER, so root is expected unless the image is deployed elsewhere too.',
  beside:
    'It is likely the image of the Docker container action beside it (its action.yml pulls a prebuilt docker:// image): GitHub runs such actions as root and asks their Dockerfile not to set USER, so root is expected unless the image is deployed elsewhere too.',
};

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Follows FROM references to earlier stages until a stage with a USER (or an external image). */
export function effectiveUser(model: DockerfileModel, final: Stage): EffectiveUser {
  for (const stage of stageChain(model, final)) {
    const last = stage.users[stage.users.length - 1];
    if (last) return { user: last, stage };
  }
  return { stage: final };
}
