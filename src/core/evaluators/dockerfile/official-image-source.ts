import { libraryName, officialImageNames } from '../../parsers/docker-hub.js';
import { parseImageRef } from '../../parsers/image-ref.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * The source repository of a Docker Official Image. The official-images program builds such an image
 * from the library manifest the repository's `generate-stackbrew-library.sh` prints (its `GitRepo:`,
 * `Directory:` and commit fields), FROM other official images only, and rebuilds it whenever one of
 * those parents is updated; it does not accept a FROM pinned by digest, which would defeat those
 * rebuilds (docker-library/official-images, "What are Official Images?"). The script is the
 * repository's, which a pull request can write: rules lower their findings on it, never drop them.
 */

/** The script at the root of an official image's source repository that prints its library manifest. */
export const LIBRARY_SCRIPT = 'generate-stackbrew-library.sh';

/** A line of a library manifest that the script prints: the repository the build checks out. */
const MANIFEST_FIELD = /^\s*GitRepo:/m;

/** Whether the repository is the source of a Docker Official Image (read once per tree). */
export function officialImageSource(workspace: Workspace): boolean {
  const tree = workspace.tree();
  return tree.memo('official-image-source', LIBRARY_SCRIPT, (file) => {
    const text = tree.has(file) ? tree.text(file) : undefined;
    return text !== undefined && MANIFEST_FIELD.test(text);
  });
}

/** Whether an image reference (ARG defaults substituted) names a Docker Official Image. */
export function isOfficialImage(image: string): boolean {
  const ref = parseImageRef(image);
  const name = ref && libraryName(ref);
  return name !== undefined && name !== '' && officialImageNames().has(name.toLowerCase());
}

/** What the repository is, said at the start of the reasons below. */
const SOURCE =
  `the repository is the source of a Docker Official Image, whose library manifest its ${LIBRARY_SCRIPT} ` +
  'prints: the official-images program builds it FROM other official images';

/** Why a tag-only FROM of an official image is expected in such a repository. */
export const OFFICIAL_IMAGE_PARENT = `${SOURCE}, rebuilds it whenever this parent is updated, and does not accept a FROM pinned by digest`;

/** Why a Dockerfile built only FROM official images in such a repository gets its parents' fixes without an updater. */
export const OFFICIAL_IMAGE_REBUILT = `${SOURCE} and rebuilds it whenever one of them is updated, so their fixes reach it without an update here`;

/**
 * Why an official image's Dockerfile that sets no USER is expected in its source repository: the
 * image is a base that others build FROM, or run with a user of their choosing.
 */
export const OFFICIAL_IMAGE_USER = `${SOURCE}: a base image that images built FROM it, or whoever runs it, give the user to run as`;
