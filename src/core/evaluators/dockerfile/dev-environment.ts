import { devEnvironmentMark } from '../../parsers/devcontainer.js';
import { type DockerfileModel, externalBase, finalStage } from '../../parsers/dockerfile.js';
import { imageMatcher } from '../../parsers/image-ref.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * The images of development environments, one definition for the Dockerfile rules: a developer's
 * workspace (VS Code dev containers, Codespaces, CodeSandbox, Gitpod, Coder, Google Cloud
 * Workstations), not an image the project ships. A Dockerfile is one when its path says so (under
 * `.devcontainer/`, `.codesandbox/` or `.gitpod/`, or `.gitpod.Dockerfile`: see devcontainer.ts),
 * when its final image is built on a cloud development environment's image, or when it installs
 * Cloud Workstations' startup scripts. The path, the FROM line and the file are the repository's,
 * which a pull request can write: the rules lower their findings on it, and dockerfile-root-user
 * leaves out only the development container folders, whose user the tooling sets.
 */

/**
 * Base images of cloud development environments: Google Cloud Workstations' predefined images, the
 * dev container images (Codespaces), Gitpod's and Coder's workspace images. The platform starts a
 * developer's session in them as a user of its own.
 */
const CLOUD_DEVELOPMENT_IMAGES = imageMatcher([
  '*/cloud-workstations-images/predefined/*',
  'mcr.microsoft.com/devcontainers/*',
  'mcr.microsoft.com/vscode/devcontainers/*',
  'gitpod/workspace-*',
  'codercom/*',
]);

/** Where Cloud Workstations runs the startup scripts of a workstation image, as root, before the session. */
const WORKSTATION_STARTUP = '/etc/workstation-startup.d';

/**
 * What marks the Dockerfile as a development environment's image, when something does: its path,
 * the base image of its final stage (`base`, ARG defaults substituted), or its workstation startup
 * scripts. Said as the start of a reason (`its base image, X, is a cloud development environment's`).
 */
export function developmentEnvironment(
  workspace: Workspace,
  file: string,
  base: string | undefined,
): string | undefined {
  const mark = devEnvironmentMark(file);
  if (mark?.endsWith('/')) return `its path, under ${mark}, marks a development environment's image`;
  if (mark) return `its name, ${mark}, marks a development environment's image`;
  if (base !== undefined && CLOUD_DEVELOPMENT_IMAGES(base)) {
    return `its base image, ${base}, is a cloud development environment's`;
  }
  if (workspace.text(file)?.includes(WORKSTATION_STARTUP)) {
    return `it installs startup scripts in ${WORKSTATION_STARTUP}, as a Cloud Workstations image does`;
  }
  return undefined;
}

/**
 * Why a pinning rule's finding in a Dockerfile matters less, when the Dockerfile builds a development
 * environment's image: a rebuild with another base image changes a developer's workspace, not
 * anything the project ships.
 */
export function developmentEnvironmentNote(workspace: Workspace, model: DockerfileModel): string | undefined {
  const final = finalStage(model);
  const what = developmentEnvironment(workspace, model.path, final && externalBase(model, final));
  return what && `${what}: a developer's workspace, not an image the project ships`;
}

/**
 * Words of a Dockerfile's own name that mark a development or build-tool image: Tilt's development
 * loop (`tilt.dockerfile`), a development variant (`Dockerfile.dev`, `Dockerfile.local`), the image a
 * Makefile runs its build in (`Dockerfile.make`), a toolchain image (`Dockerfile.tools`). Not `debug`
 * or `build`: a debug variant of a deployed image, or the image a build publishes, is deployed.
 */
const TOOLING_NAME_WORDS = new Set([
  'tilt',
  'dev',
  'devel',
  'development',
  'local',
  'make',
  'tools',
  'tooling',
  'toolchain',
]);

/**
 * Folders of development and tooling images: `hack/` (the Kubernetes projects' folder of developer
 * scripts), `tools/`, `scripts/`, and development environments (`dev/`, `tilt/`). Not `build/`, where
 * many projects keep the Dockerfile they publish.
 */
const TOOLING_DIRS = new Set(['hack', 'tools', 'tooling', 'scripts', 'dev', 'development', 'tilt']);

/** The word of a Dockerfile's name (`Dockerfile.ci`) that marks the image a CI job runs in. */
const CI_NAME_WORD = 'ci';

/** CI configuration folders, where the image a CI job runs in is kept. */
const CI_DIRS = new Set(['.ci', 'ci', '.gitlab', '.buildkite']);

/**
 * What in a Dockerfile's path marks a development or tooling image (a word of its name, a folder),
 * and, with `ci`, the image a CI job runs in (`Dockerfile.ci`, `.ci/`). The path is the repository's,
 * which a pull request can write: the rules lower their findings on it, never drop them.
 */
export function toolingMark(file: string, ci = true): string | undefined {
  const parts = file.split('/');
  const word = parts
    .at(-1)!
    .toLowerCase()
    .split(/[._-]+/)
    .find((w) => TOOLING_NAME_WORDS.has(w) || (ci && w === CI_NAME_WORD));
  if (word) return word;
  const dir = parts
    .slice(0, -1)
    .find((d) => TOOLING_DIRS.has(d.toLowerCase()) || (ci && CI_DIRS.has(d.toLowerCase())));
  return dir ? `${dir}/` : undefined;
}

/**
 * Why a pinning rule's finding in a Dockerfile matters less, when its path marks a development or
 * build-tool image (see {@link toolingMark}; not a CI job's image, which runs with the CI's secrets)
 * and no build of the repository publishes it (pushes it, or tags a name that is pushed): a rebuild
 * with another base image changes a developer's loop or a tool run on the checkout, not anything the
 * project ships.
 */
export function toolingImageNote(file: string, published: (file: string) => boolean): string | undefined {
  const mark = toolingMark(file, false);
  if (!mark || published(file)) return undefined;
  const what = mark.endsWith('/')
    ? `its folder, ${mark},`
    : `its name, ${file.slice(file.lastIndexOf('/') + 1)},`;
  return `${what} marks a development or build-tool image (${mark.replace(/\/$/, '')}) that no build of the repository publishes: an image for a developer's loop or a tool run on the checkout, not one the project ships`;
}
