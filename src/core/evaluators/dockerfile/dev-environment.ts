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
