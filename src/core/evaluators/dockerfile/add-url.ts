import { locationFromSpan } from '../../location.js';
import { dockerfilePaths, readDockerfile } from '../../parsers/dockerfile.js';
import { UNRESOLVED } from '../../parsers/dockerfile-words.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/** A URL's password is never repeated in a message or key; an unknown variable shows as `?`. */
function withoutPassword(url: string): string {
  return url
    .replace(/\/\/([^/@\s:]*):[^/@\s]*@/, '//$1:…@')
    .split(UNRESOLVED)
    .join('?');
}

/** Remote sources ADD fetches itself: http(s) URLs and git repositories. */
const REMOTE = /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;

/**
 * A raw file of a Git host addressed by a full commit (`https://raw.githubusercontent.com/o/r/<40
 * hex>/path`, `https://github.com/o/r/raw/<40 hex>/path`, `https://gitlab.com/g/p/-/raw/<40 hex>/path`):
 * the commit fixes the content as a git source's `#<sha>` does, though the host serves it, unverified
 * by the build. A lowered finding, not none: the bytes are not checked against a digest.
 */
const COMMIT_RAW_URL =
  /^https:\/\/(?:raw\.githubusercontent\.com\/[^/]+\/[^/]+\/|github\.com\/[^/]+\/[^/]+\/(?:raw|blob)\/|gitlab\.com\/[^#?]+?\/-\/raw\/)[0-9a-f]{40}\//i;

/**
 * `dockerfile.add-url`: `ADD` instructions that download a URL without `--checksum`. The file is
 * fetched at build time from whatever the server returns, unverified. Sources are resolved with the
 * ARG and ENV values in force at the instruction, so `ADD ${URL} /opt/` is judged by its default.
 * A git source is reported unless it names a full commit (`#<40 hex>`), since `--checksum` does not
 * apply to it.
 */
export const dockerfileAddUrl = defineEvaluator<Record<string, never>>({
  kind: 'dockerfile.add-url',
  scope: 'file',
  summary:
    'Dockerfile ADD instructions that fetch a URL without --checksum (or a git ref that is not a commit).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      if (!model) continue;
      for (const stage of model.stages) {
        for (const add of stage.adds) {
          for (const source of add.sources) {
            if (!REMOTE.test(source.resolved)) continue;
            const git = /^(?:git@|git:\/\/|ssh:\/\/)|\.git(?:#|$)/i.test(source.resolved);
            if (git ? /#[0-9a-f]{40}(?::|$)/i.test(source.resolved) : add.flags.has('checksum')) continue;
            const url = withoutPassword(source.resolved);
            const via = source.resolved === source.written ? '' : ` (${withoutPassword(source.written)})`;
            const pinned = !git && COMMIT_RAW_URL.test(source.resolved);
            findings.push({
              message: git
                ? `ADD fetches the git repository ${url}${via} at a branch or tag, which can move: ` +
                  'pin a full commit (`#<sha>`) or clone it in a verified build step.'
                : `ADD downloads ${url}${via} without --checksum, so whatever the server returns ` +
                  'is built in unverified: use `ADD --checksum=sha256:<digest>` or download and verify in a RUN step.' +
                  (pinned
                    ? ' (The URL names a full commit of a Git repository, which fixes the file as a pinned git source does; only the host is trusted to serve it.)'
                    : ''),
              location: locationFromSpan(file, source.span),
              key: withoutPassword(source.written),
              ...(pinned ? { confidence: 'low' as const } : {}),
            });
          }
        }
      }
    }
    return findings;
  },
});
