import { externalBase, finalStage, readDockerfile } from '../../parsers/dockerfile.js';
import { UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { containersOf, describeContainer, describeObject, type K8sNode } from '../../parsers/k8s.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { targetStage } from '../dockerfile/built-stages.js';
import { buildsTagging, cloudBuilds, repositoryImages } from '../dockerfile/image-builds.js';
import {
  ENTRYPOINT_DROPS,
  effectiveUser,
  imageMatcher,
  NON_ROOT_IMAGES,
  runsAsRoot,
} from '../dockerfile/root-user.js';
import { defineEvaluator } from '../types.js';
import {
  ABSENT,
  containerFinding,
  containerSetting,
  examinedPods,
  examineObjects,
  findingAt,
  isWindowsPod,
  k8sBoolean,
  missingSettingAt,
  NO_OPTIONS,
  ownFindings,
  podSetting,
} from './shared.js';

/** Images whose default user is not root (the list dockerfile-root-user trusts by default). */
const NON_ROOT_IMAGE = imageMatcher(NON_ROOT_IMAGES);

/**
 * Flags containers that may run as root: `runAsUser: 0`, or neither `runAsNonRoot: true` nor a
 * non-zero `runAsUser` at container or pod level (the container's setting wins). Without them the
 * image's USER decides, and most images run as root; an image whose publisher sets a non-root user
 * (dockerfile-root-user's list) is reported at low confidence, as is one the repository builds from a
 * Dockerfile whose final stage runs as non-root (see builtAsNonRoot). Windows pods are skipped: they use
 * `windowsOptions.runAsUserName`, not Linux user ids.
 */
export const k8sRunAsRoot = defineEvaluator<Record<string, never>>({
  kind: 'k8s.run-as-root',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  revision: 5,
  summary:
    'Kubernetes containers that run as UID 0, or set neither runAsNonRoot: true nor a non-zero runAsUser ' +
    '(container or pod securityContext).',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const pods = examinedPods(workspace);
    for (const pod of pods) {
      if (isWindowsPod(pod)) continue;
      // A pod-level value shared by several containers is one mistake, reported once.
      const reported = new Set<string>();
      const once = (node: K8sNode, make: () => RawFinding) => {
        if (reported.has(node.pointer)) return;
        reported.add(node.pointer);
        findings.push(make());
      };
      for (const c of containersOf(pod)) {
        const user = containerSetting(c, 'runAsUser') ?? podSetting(pod, 'runAsUser');
        // A pod-level setting is about every container that does not override it.
        const what = (node: K8sNode) =>
          node.pointer.startsWith(`${c.node.pointer}/`)
            ? `The ${describeContainer(c)}`
            : `${describeObject(pod.object)} (pod securityContext, inherited by its containers)`;
        if (user?.value === 0) {
          once(user, () =>
            findingAt(
              pod,
              user,
              `${what(user)} runs as root (runAsUser: 0). Use a non-zero user id and set runAsNonRoot: true.`,
              [user.pointer, 'runAsUser'],
            ),
          );
          continue;
        }
        if (typeof user?.value === 'number' && user.value > 0) continue;
        const nonRoot = containerSetting(c, 'runAsNonRoot') ?? podSetting(pod, 'runAsNonRoot');
        if (k8sBoolean(pod.object, nonRoot) === true) continue;
        if (nonRoot) {
          once(nonRoot, () =>
            findingAt(
              pod,
              nonRoot,
              `${what(nonRoot)} sets runAsNonRoot to ${JSON.stringify(nonRoot.value)} and no non-zero runAsUser, ` +
                "so it runs as root whenever the image's user is root.",
              [nonRoot.pointer, 'runAsNonRoot'],
            ),
          );
          continue;
        }
        const at = missingSettingAt(c);
        const image = typeof c.node.value.image === 'string' ? c.node.value.image : '';
        const nonRootImage = image !== '' && NON_ROOT_IMAGE(image);
        // Its `command:` would replace the image's entrypoint, which hands the server to its own user.
        const dropsRoot =
          !nonRootImage && image !== '' && c.node.value.command === undefined && ENTRYPOINT_DROPS(image);
        const builtNonRoot =
          !nonRootImage && !dropsRoot && image !== '' ? builtAsNonRoot(workspace, image) : undefined;
        findings.push(
          containerFinding(
            c,
            at.node,
            `The ${describeContainer(c)} sets neither runAsNonRoot: true nor a non-zero runAsUser (in its own or the pod's ` +
              "securityContext), so it runs as root whenever the image's user is root" +
              (nonRootImage
                ? ` (its image, ${image}, is one whose publisher sets a non-root user: only a change of image or tag would make it root).`
                : dropsRoot
                  ? ` (the entrypoint of its image, ${image}, starts as root and hands the server to a user of its own).`
                  : builtNonRoot
                    ? ` (its image, ${image}, is built by this repository: ${builtNonRoot}; only a change of that ` +
                      'Dockerfile would make it root).'
                    : '.'),
            'runAsNonRoot',
            at.anchor,
            { ...ABSENT, openShiftDefault: "a non-root user id from its project's range" },
          ),
        );
        // The image's USER decides, which only the image can tell; a known non-root image is low (as
        // is a CI fixture, already).
        const last = findings[findings.length - 1]!;
        if (last.confidence !== 'low') {
          last.confidence = nonRootImage || dropsRoot || builtNonRoot ? 'low' : 'medium';
        }
      }
    }
    // The build scripts and Dockerfiles read for an image only decide how a container is judged: the
    // rule examined the manifests that hold pods.
    examineObjects(workspace, pods);
    return ownFindings(findings);
  },
});

/**
 * How the repository builds `image` to run as a non-root user, when it provably does: every build of
 * its scripts, workflows and Cloud Build configurations that tags the image's name (a tag of
 * variables, `:$COMMIT_SHA`, names every tag of it) builds a Dockerfile of the repository whose final
 * stage (or the stage it names with `--target`) sets a USER that is not root, or sets none on a base image whose publisher sets a non-root
 * user. Undefined when no build tags it, or any such build's Dockerfile is unknown or may run as
 * root. A name alone links nothing. Once per image and run.
 */
function builtAsNonRoot(workspace: Workspace, image: string): string | undefined {
  return workspace.memo('k8s-image-built-non-root', image, () => {
    const builds = [...repositoryImages(workspace).builds, ...cloudBuilds(workspace)];
    const tagging = buildsTagging({ builds, runs: [], creates: [], pushes: [] }, image);
    if (tagging.length === 0) return undefined;
    const said: string[] = [];
    for (const build of tagging) {
      const dockerfile = build.dockerfiles[0];
      const model = dockerfile === undefined ? undefined : readDockerfile(workspace, dockerfile);
      const final = model && finalStage(model);
      if (!model || !final) return undefined;
      // A build of a target builds that stage; one of a target not known (a variable, no such stage) tells nothing.
      const built = build.target ? targetStage(model, build.target.stage) : final;
      if (!built) return undefined;
      const { user, stage } = effectiveUser(model, built);
      let how: string;
      if (user) {
        const value = user.resolved ?? user.value;
        if (runsAsRoot(user) || value.includes('$') || value.includes(UNRESOLVED)) return undefined;
        how = `USER ${value}`;
      } else {
        const base = externalBase(model, stage);
        if (base === undefined || !NON_ROOT_IMAGE(base)) return undefined;
        how = `a non-root base image, ${base}`;
      }
      said.push(
        `${build.source}:${build.line} builds it from ${dockerfile}, whose ${built === final ? 'final stage' : `stage "${built.from.name}" (${build.target!.written})`} runs with ${how}`,
      );
    }
    return [...new Set(said)].join('; ');
  });
}
