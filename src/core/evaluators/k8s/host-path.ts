import {
  childAt,
  containersOf,
  describeObject,
  isMap,
  K8S_GLOBS,
  type K8sObject,
  type PodSpec,
  WORKLOAD_KINDS,
} from '../../parsers/k8s.js';
import { SCRIPT_FILES } from '../../parsers/shell-commands.js';
import type { RawFinding } from '../../types.js';
import { defineScreen } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { parseYaml } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { examinedPods, findingAt, kustomizePatchFiles, ownFindings, patchedBy } from './shared.js';

interface Options {
  /** Host paths that may be mounted (exact match), e.g. for a node agent reviewed on its own. */
  allow: string[];
}

/** How the containers of a pod mount a volume: read-only by every mount, writable by one, or not at all. */
type MountUse = 'read-only' | 'writable' | 'unmounted';

/**
 * How the containers of a pod (its init, regular and ephemeral containers) mount each volume, by
 * name. Undefined when that cannot be told: a container's `volumeMounts` that is not a list, or a
 * mount whose name is not written out (a template), may mount any volume read-write.
 */
function mountUses(pod: PodSpec): ((volume: string) => MountUse) | undefined {
  const uses = new Map<string, MountUse>();
  for (const c of containersOf(pod)) {
    const mounts = c.node.value.volumeMounts;
    if (mounts === undefined || mounts === null) continue;
    if (!Array.isArray(mounts)) return undefined;
    for (const mount of mounts) {
      if (!isMap(mount)) continue;
      if (typeof mount.name !== 'string' || mount.name.includes('{{')) return undefined;
      const use: MountUse = mount.readOnly === true ? 'read-only' : 'writable';
      if (uses.get(mount.name) !== 'writable') uses.set(mount.name, use);
    }
  }
  return (volume) => uses.get(volume) ?? 'unmounted';
}

/** The files that may add a mount to a workload: manifests, patches, scripts and workflows that write `volumeMounts`. */
const MOUNT_FILES = [...K8S_GLOBS, ...SCRIPT_FILES, '**/*.tf', '**/*.jsonnet', '**/*.libsonnet'];
const WRITES_MOUNTS = /\bvolumeMounts\b/;
const MOUNTS_SCREEN = defineScreen('k8s-volume-mounts', (_file, text) => WRITES_MOUNTS.test(text));
const WORKLOADS = new Set(WORKLOAD_KINDS);

/** `name` as a word of its own (not part of a longer name). */
function nameWord(name: string): RegExp {
  return new RegExp(`(?<![\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`);
}

/**
 * What of the repository may mount the volume `volume` of the workload `object` although none of its
 * containers does, or undefined: a kustomize patch that may change the workload (by its target or the
 * object it names, as kustomize builds it) and writes mounts, volumes or the volume's name; or another
 * file that writes `volumeMounts` with the volume's name (a patch another tool applies, a `kubectl
 * patch` of a script, a copy of the workload), except the other workloads' manifests, whose mounts are
 * their own, and the kustomizations and their patch files, whose patches are read by their targets.
 */
function mountedElsewhere(ws: Workspace, object: K8sObject, volume: string): string | undefined {
  const named = nameWord(volume);
  const patch = patchedBy(ws, object, (text) => /\bvolume(?:Mount)?s\b/.test(text) || named.test(text));
  if (patch !== undefined) return `a patch of ${patch}`;
  const judged = kustomizePatchFiles(ws);
  for (const file of ws.screenedGlob(MOUNT_FILES, MOUNTS_SCREEN)) {
    if (judged.has(file)) continue;
    const text = ws.text(file);
    if (text === undefined || !named.test(text)) continue;
    // A templated file (`{{ }}`, a chart's or a substitution's) is not meant to parse as it stands: read
    // here without reporting it as unparsable, as the manifests' reader does.
    const yaml = /\.(?:ya?ml|json)$/.test(file);
    const parsed = !yaml ? undefined : text.includes('{{') ? parseYaml(text) : ws.yaml(file);
    if (!parsed?.ok) return file;
    const other = parsed.documents.some((d) => {
      const doc = d.value;
      if (isMap(doc) && typeof doc.kind === 'string' && WORKLOADS.has(doc.kind)) {
        // A workload's own mounts; another file's object of the same kind and name may be its patch.
        const meta = isMap(doc.metadata) ? doc.metadata : {};
        if (file === object.path || doc.kind !== object.kind || meta.name !== object.name) return false;
      }
      const written = JSON.stringify(doc) ?? '';
      return WRITES_MOUNTS.test(written) && named.test(written);
    });
    if (other) return file;
  }
  return undefined;
}

/** Why a hostPath volume that no container mounts is reported low; part of its message. */
const UNMOUNTED_NOTE =
  'no container, init container or ephemeral container of the pod mounts it, so it gives no access as committed: ' +
  'it is dead configuration to remove, and the change that mounts it makes the gap real';

/**
 * Flags `hostPath` volumes. A hostPath mount exposes the node's file system to the pod: the container
 * runtime socket, kubelet credentials or `/` itself are a step away from controlling the node.
 */
export const k8sHostPath = defineEvaluator<Options>({
  kind: 'k8s.host-path',
  // 2: the key holds the object's namespace.
  // 3: objects as kustomizations build them are judged too; base results stored before would miss them.
  // 3: also the pod specs of other kinds (a Knative Service, a JobSet, a Pod in a Crossplane Object).
  revision: 5,
  summary: 'Kubernetes pod specs that mount a hostPath volume.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Host paths that may be mounted (exact match).',
      },
    },
  },
  evaluate({ options, workspace }) {
    const findings: RawFinding[] = [];
    const allowed = new Set(options.allow);
    for (const pod of examinedPods(workspace, true)) {
      const volumes = pod.node.value.volumes;
      if (!Array.isArray(volumes)) continue;
      const useOf = mountUses(pod);
      volumes.forEach((volume, i) => {
        if (!isMap(volume) || !isMap(volume.hostPath)) return;
        const hostPath = typeof volume.hostPath.path === 'string' ? volume.hostPath.path : '';
        if (allowed.has(hostPath)) return;
        const node = childAt(pod.object, pod.node, 'volumes', i, 'hostPath');
        if (!node) return;
        const name = typeof volume.name === 'string' ? ` "${volume.name}"` : '';
        const where = hostPath ? ` of the node's ${JSON.stringify(hostPath)}` : '';
        // A volume without a name cannot be mounted; one whose name or mounts cannot be told (a
        // template) may be mounted read-write.
        const use: MountUse =
          typeof volume.name !== 'string'
            ? 'unmounted'
            : useOf === undefined || volume.name.includes('{{')
              ? 'writable'
              : useOf(volume.name);
        // Mounted by nothing of the manifest, but perhaps by a patch or a command: judged as mounted.
        const elsewhere =
          use === 'unmounted' && typeof volume.name === 'string'
            ? mountedElsewhere(workspace, pod.object, volume.name)
            : undefined;
        if (elsewhere !== undefined) {
          findings.push(
            findingAt(
              pod,
              node,
              `${describeObject(pod.object)} declares volume${name} as a hostPath${where}, which no container of ` +
                `the manifest mounts but ${elsewhere} may: the pod can read or change files of the node it runs on.`,
              ['hostPath', hostPath],
              'key',
            ),
          );
          return;
        }
        if (use === 'unmounted') {
          const finding = findingAt(
            pod,
            node,
            `${describeObject(pod.object)} declares volume${name} as a hostPath${where}, but ${UNMOUNTED_NOTE}.`,
            ['hostPath', hostPath],
            'key',
          );
          findings.push({ ...finding, severity: 'low', confidence: 'low' });
          return;
        }
        findings.push(
          findingAt(
            pod,
            node,
            use === 'read-only'
              ? `${describeObject(pod.object)} mounts volume${name} as a hostPath${where}, read-only in every ` +
                  'container that mounts it: the pod can read files of the node it runs on.'
              : `${describeObject(pod.object)} mounts volume${name} as a hostPath${where}: the pod can read or ` +
                  'change files of the node it runs on.',
            ['hostPath', hostPath],
            'key',
          ),
        );
      });
    }
    return ownFindings(findings);
  },
});
