import path from 'node:path';
import type { LeftOutKind } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import { parseJsonc } from './jsonc.js';

/**
 * Development containers (containers.dev: VS Code, GitHub Codespaces): a `devcontainer.json` in
 * `.devcontainer/` or a `.devcontainer.json` describes a developer's workspace, built from an image
 * or from a Dockerfile (`build.dockerfile`, formerly `dockerFile`, relative to the devcontainer.json).
 * Such an image is not deployed, and its user is the dev container tooling's to set (`remoteUser`,
 * `containerUser`; the devcontainers base images create a non-root user).
 */

/** How a Dockerfile rule says, in its scope, that it left a development container's image out. */
export const DEV_CONTAINER_IMAGE: LeftOutKind = {
  kind: 'development container image',
  reason:
    "a developer's workspace (VS Code, Codespaces) under .devcontainer/ or built by a devcontainer.json, not a deployed image: the dev container tooling sets its user (remoteUser, containerUser)",
};

/** What a devcontainer.json says of a Dockerfile: the one it builds (a path in the tree), if any. */
export type DevContainerConfig = { dockerfile?: string } | { unreadable: true };

/** The configuration files of a project in `dir`, as the dev container tooling looks for them. */
const CONFIG_NAMES = ['.devcontainer/devcontainer.json', '.devcontainer.json'];

/**
 * The Dockerfile a devcontainer.json builds (parsed once per run); `unreadable` when the file is not
 * JSON with comments holding an object.
 */
export function readDevContainer(workspace: Workspace, file: string): DevContainerConfig {
  return workspace.memo('devcontainer', file, (): DevContainerConfig => {
    const text = workspace.text(file);
    const value = text === undefined ? undefined : parseJsonc(text);
    if (!isRecord(value)) return { unreadable: true };
    const build = isRecord(value.build) ? value.build : undefined;
    const named =
      typeof build?.dockerfile === 'string'
        ? build.dockerfile
        : typeof value.dockerFile === 'string'
          ? value.dockerFile
          : undefined;
    const relative = named?.trim();
    // An absolute path is the host's, not the tree's (joined, it would read as a path in the tree).
    if (!relative || path.posix.isAbsolute(relative)) return {};
    return { dockerfile: path.posix.normalize(path.posix.join(path.posix.dirname(file), relative)) };
  });
}

/** Whether a Dockerfile is a development container's image, and the configurations that could not say. */
export interface DevContainerImage {
  image: boolean;
  /** devcontainer.json files that might build it but are not readable, so it is judged as any other. */
  unreadable: string[];
}

/**
 * Whether a Dockerfile is a development container's image: it lies under a `.devcontainer/`
 * directory, or the devcontainer.json of its directory or of a directory above it builds it. Asks
 * only whether those files exist and what they say, so a pull request's view of the changed files
 * and the whole tree answer alike (a `.devcontainer/<name>/devcontainer.json` that builds a
 * Dockerfile outside `.devcontainer/` is not looked for: finding it would take a listing of the tree).
 */
export function devContainerImage(workspace: Workspace, file: string): DevContainerImage {
  if (file.split('/').slice(0, -1).includes('.devcontainer')) return { image: true, unreadable: [] };
  const unreadable: string[] = [];
  let dir = path.posix.dirname(file);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const at = dir === '.' ? name : `${dir}/${name}`;
      if (!workspace.has(at)) continue;
      const config = readDevContainer(workspace, at);
      if ('unreadable' in config) unreadable.push(at);
      else if (config.dockerfile === file) return { image: true, unreadable: [] };
    }
    if (dir === '.') return { image: false, unreadable };
    dir = path.posix.dirname(dir);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
