import type { LeftOutKind } from '../types.js';

/**
 * Development containers (containers.dev: VS Code, GitHub Codespaces): the files under a
 * `.devcontainer/` directory describe a developer's workspace. An image built from a Dockerfile
 * there is not deployed, and its user is the dev container tooling's to set (`remoteUser`,
 * `containerUser`; the devcontainers base images create a non-root user).
 *
 * A Dockerfile elsewhere that a devcontainer.json builds is not taken for one: the deployed image is
 * often that same Dockerfile (the dev container builds it, or one of its stages, too), and a pull
 * request that pointed a devcontainer.json at it would hide its own finding.
 */

/** How a Dockerfile rule says, in its scope, that it left a development container's image out. */
export const DEV_CONTAINER_IMAGE: LeftOutKind = {
  kind: 'development container image',
  reason:
    "a developer's workspace (VS Code, Codespaces) under .devcontainer/, not a deployed image: the dev container tooling sets its user (remoteUser, containerUser)",
};

/** Whether a Dockerfile is a development container's image: it lies under a `.devcontainer/` directory. */
export function isDevContainerImage(file: string): boolean {
  return file.split('/').slice(0, -1).includes('.devcontainer');
}
