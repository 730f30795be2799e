import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { BAKE_FILES, COMPOSE_BUILD_SOURCES } from './built-stages.js';
import {
  CLOUD_BUILD_SOURCES,
  everyDockerfile,
  FROM_IMAGE_SOURCES,
  IMAGE_BUILD_SOURCES,
  namesEngine,
  SHELL_SCRIPTS,
} from './image-builds.js';
import { LIBRARY_SCRIPT } from './official-image-source.js';

let screened: ((file: string) => boolean) | undefined;
let otherwise: ((file: string) => boolean) | undefined;

/**
 * Whether the Dockerfile rules that read the repository's builds read this file for its image
 * commands alone, and so only when it names a container engine: a workflow, a Makefile, a GitLab CI
 * or Cloud Build file, a package.json. A shell script is read for its variables too, by the scripts
 * that source it whatever it names; compose, Bake and `.env` files, the official-image library script
 * and Dockerfiles are read whole.
 */
function readOnlyForImageCommands(file: string): boolean {
  screened ??= pathMatcher([
    ...IMAGE_BUILD_SOURCES.filter((g) => !SHELL_SCRIPTS.includes(g)),
    ...CLOUD_BUILD_SOURCES,
  ]);
  otherwise ??= pathMatcher([
    ...SHELL_SCRIPTS,
    ...COMPOSE_BUILD_SOURCES,
    ...BAKE_FILES,
    LIBRARY_SCRIPT,
    `**/${LIBRARY_SCRIPT}`,
    ...FROM_IMAGE_SOURCES,
  ]);
  return screened(file) && !otherwise(file);
}

/**
 * `Evaluator.affectedBy` of the rules that judge a Dockerfile's base image by the repository's
 * builds (an image built here, a build that publishes the Dockerfile, the stage a build targets):
 * every Dockerfile of either tree when a changed file may tell them something else on the head than
 * on the base, none when every changed file is one they read only for its image commands
 * ({@link readOnlyForImageCommands}) and it names no container engine on either tree (a workflow
 * that runs the tests, edited): such a file gives them nothing to read on both.
 */
export function dockerfilesToldBy(changed: readonly string[], head: Workspace, base: Workspace): string[] {
  const tells = changed.some(
    (f) => !readOnlyForImageCommands(f) || namesEngine(head, f) || namesEngine(base, f),
  );
  return tells ? everyDockerfile(changed, head, base) : [];
}
