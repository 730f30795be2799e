import type { LeftOutKind } from '../types.js';

/**
 * Development containers (containers.dev: VS Code, GitHub Codespaces): the files under a
 * `.devcontainer/` directory describe a developer's workspace. An image built from a Dockerfile
 * there is not deployed, and its user is the dev container tooling's to set (`remoteUser`,
 * `containerUser`; the devcontainers base images create a non-root user). So are the cloud
 * development environments' images: CodeSandbox's `.codesandbox/Dockerfile` and Gitpod's
 * `.gitpod.Dockerfile` (or a Dockerfile under `.gitpod/`).
 *
 * A Dockerfile elsewhere that a devcontainer.json builds is not taken for one: the deployed image is
 * often that same Dockerfile (the dev container builds it, or one of its stages, too), and a pull
 * request that pointed a devcontainer.json at it would hide its own finding.
 */

/** How a Dockerfile rule says, in its scope, that it left a development container's image out. */
export const DEV_CONTAINER_IMAGE: LeftOutKind = {
  kind: 'development container image',
  reason:
    "a developer's workspace (VS Code, Codespaces) under .devcontainer/, or a CodeSandbox or Gitpod environment (.codesandbox/, .gitpod), not a deployed image: the development tooling sets its user (remoteUser, containerUser)",
};

/** The directories whose Dockerfiles build development environments. */
const DEV_ENVIRONMENT_DIRS = new Set(['.devcontainer', '.codesandbox', '.gitpod']);

/**
 * Whether a Dockerfile is a development environment's image: it lies under a `.devcontainer/`,
 * `.codesandbox/` or `.gitpod/` directory, or is Gitpod's `.gitpod.Dockerfile`.
 */
export function isDevContainerImage(file: string): boolean {
  return devEnvironmentMark(file) !== undefined;
}

/** What in a Dockerfile's path marks a development environment's image (`.devcontainer/`), if anything. */
export function devEnvironmentMark(file: string): string | undefined {
  const parts = file.split('/');
  if (parts.at(-1) === '.gitpod.Dockerfile') return '.gitpod.Dockerfile';
  const dir = parts.slice(0, -1).find((p) => DEV_ENVIRONMENT_DIRS.has(p));
  return dir === undefined ? undefined : `${dir}/`;
}
