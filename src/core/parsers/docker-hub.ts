import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import type { ImageRef } from './image-ref.js';

/**
 * Docker Hub's library namespace. A reference without registry or namespace (`FROM node`) means
 * `docker.io/library/node`, and that namespace holds only the Docker Official Images, a short public
 * list (data/docker-official-images.json). A name outside it cannot be pulled as written: Docker finds
 * it only in the local image store, where a build (`docker build -t app`) or a `docker tag` put it, or
 * the name is misspelt. Either way "an unpinned image from a registry" is not what it is.
 */

/** Why a name is judged local, for the messages of every rule that uses {@link isLocalOnlyImage}. */
export const NO_REGISTRY_SERVES =
  'no registry serves it: it names no Docker Hub official image, the only images pulled under a name ' +
  'without registry or namespace';

/** The hosts that Docker treats as Docker Hub. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

let official: ReadonlySet<string> | undefined;

/** The names of the Docker Official Images, current and former (deprecated ones stay pullable). */
export function officialImageNames(): ReadonlySet<string> {
  if (!official) {
    const raw = JSON.parse(readFileSync(packagePath('data', 'docker-official-images.json'), 'utf8')) as {
      current: string[];
      former: string[];
    };
    official = new Set([...raw.current, ...raw.former]);
  }
  return official;
}

/**
 * The name in Docker Hub's library namespace that a reference resolves to (`node` for `node`,
 * `library/node`, `docker.io/node` and `docker.io/library/node`), or undefined for a reference to
 * another registry or namespace.
 */
export function libraryName(ref: ImageRef): string | undefined {
  if (ref.registry !== undefined && !DOCKER_HUB.has(ref.registry.toLowerCase())) return undefined;
  const parts = ref.repository.split('/');
  if (parts.length === 1) return parts[0];
  if (parts.length === 2 && parts[0] === 'library') return parts[1];
  return undefined;
}

/**
 * True when the reference resolves to Docker Hub's library namespace under a name that is no official
 * image there: it can only be an image built or tagged on the machine (or a typo), never a pull.
 */
export function isLocalOnlyImage(ref: ImageRef): boolean {
  const name = libraryName(ref);
  return name !== undefined && name !== '' && !officialImageNames().has(name.toLowerCase());
}
