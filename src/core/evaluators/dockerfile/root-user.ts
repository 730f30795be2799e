import { locationFromSpan } from '../../location.js';
import {
  type DockerfileModel,
  dockerfilePaths,
  finalStage,
  globalArgValues,
  type InstructionText,
  readDockerfile,
  referencedStage,
  type Stage,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/** `root`, `0`, and either with a group (`root:root`, `0:0`, `root:app`). */
const ROOT_USER = /^(root|0)(:.*)?$/;

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
 * Keycloak, Jenkins, Elastic, SonarQube).
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
];

/**
 * Flags Dockerfiles whose final stage runs as root: no USER at all (reported at the final FROM), or
 * a last USER of `root`/`0` (reported at that USER). A stage built FROM an earlier stage inherits its
 * user, so the chain is followed. A USER set from a variable is not judged; nor is the default user of
 * an external base image, which would need the image itself.
 */
export const dockerfileRootUser = defineEvaluator<RootUserOptions>({
  kind: 'dockerfile.root-user',
  scope: 'file',
  summary:
    'Dockerfiles whose final stage sets no USER (on a base image not known to run as non-root) or switches to root.',
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
  evaluate({ options, workspace }) {
    const nonRoot = imageMatcher(options.nonRootImages);
    const findings: RawFinding[] = [];
    for (const file of dockerfilePaths(workspace)) {
      const model = readDockerfile(workspace, file);
      const final = model && finalStage(model);
      if (!model || !final) continue;
      const { user, stage } = effectiveUser(model, final);
      const image = final.from.image ?? '';
      if (!user) {
        const base = externalBase(model, stage);
        if (base !== undefined && nonRoot(base)) continue;
        findings.push({
          message:
            `The final stage (FROM ${image}) sets no USER, so the container runs as root unless the base ` +
            'image sets another default user.',
          location: locationFromSpan(file, final.from.span),
          key: 'no-user',
          // The base image may set a user of its own, which only the image can tell.
          confidence: 'medium',
        });
      } else if (!user.value.includes('$') && ROOT_USER.test(user.value)) {
        const inherited =
          stage === final ? '' : ` (inherited from stage "${stage.from.name ?? stage.index}")`;
        findings.push({
          message: `The final stage runs as root: its last USER is "${user.value}"${inherited}.`,
          location: locationFromSpan(file, user.span),
          key: `user:${user.value}`,
        });
      }
    }
    return findings;
  },
});

/** A matcher of image references (`registry/repository:tag`) by patterns where `*` is any text. */
export function imageMatcher(patterns: readonly string[]): (image: string) => boolean {
  const compile = (p: string) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  const include = patterns.filter((p) => !p.startsWith('!')).map(compile);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => compile(p.slice(1)));
  return (image) => {
    // `nginx:1.27@sha256:...` is judged as `nginx:1.27`; an untagged image is `:latest`.
    const ref = parseImageRef(image);
    if (!ref) return false;
    const name = `${ref.registry ? `${ref.registry}/` : ''}${ref.repository}:${ref.tag ?? 'latest'}`;
    return include.some((re) => re.test(name)) && !exclude.some((re) => re.test(name));
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** The external image at the root of a stage's FROM chain, with ARG defaults substituted. */
function externalBase(model: DockerfileModel, stage: Stage): string | undefined {
  const vars = globalArgValues(model);
  let current: Stage | undefined = stage;
  while (current?.from.image) {
    const { text } = expandVariables(current.from.image, vars, model.escapeChar);
    if (text.includes(UNRESOLVED)) return undefined;
    const earlier = referencedStage(model, current, text);
    if (!earlier) return text;
    current = earlier;
  }
  return undefined;
}

/** Follows FROM references to earlier stages until a stage with a USER (or an external image). */
export function effectiveUser(model: DockerfileModel, final: Stage): EffectiveUser {
  const vars = globalArgValues(model);
  let stage: Stage | undefined = final;
  while (stage) {
    const last = stage.users[stage.users.length - 1];
    if (last) return { user: last, stage };
    const image = stage.from.image;
    if (!image) break;
    const { text } = expandVariables(image, vars, model.escapeChar);
    // referencedStage only looks at earlier stages, so the walk always terminates.
    stage = text.includes(UNRESOLVED) ? undefined : referencedStage(model, stage, text);
  }
  return { stage: final };
}
