import {
  type ComposeService,
  describeService,
  serviceEntries,
  serviceFinding,
} from '../../parsers/compose.js';
import { isMap } from '../../parsers/k8s.js';
import type { RawFinding, Severity } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { canonicalHostPath } from './mounts.js';
import { unprivilegedServices } from './privileged.js';

/** A kind of host device that gives a container power over the host, and what that power is. */
interface DeviceClass {
  test: (path: string) => boolean;
  /** What the container reaches, after "raw access to". */
  what: string;
  /** What it can do with write access, and with read access only. */
  write: string;
  read: string;
}

const DISK =
  /^\/dev\/(?:(?:sd|hd|vd|xvd)[a-z]+\d*|nvme\d+(?:n\d+(?:p\d+)?)?|mmcblk\d+(?:p\d+)?|dm-\d+|md\d+|nbd\d+|loop\d+|sg\d+)$/;

/**
 * The devices reported; every other one (GPUs `/dev/dri`, sound, cameras, serial adapters, USB buses,
 * `/dev/net/tun`, `/dev/fuse`, `/dev/kvm`, `/dev/kmsg`) is what an application of that kind needs and
 * reaches nothing beyond itself.
 */
const CLASSES: DeviceClass[] = [
  {
    test: (p) => p === '/dev',
    what: 'every device of the host',
    write: "its disks and memory among them: it can change any file of the host's disks",
    read: "its disks and memory among them: it can read any file of the host's disks, past every permission",
  },
  {
    test: (p) => /^\/dev\/(?:mem|kmem|port)$/.test(p),
    what: "the host's physical memory or I/O ports",
    write: 'it can read and patch the running kernel',
    read: "it can read the kernel's and other processes' memory",
  },
  {
    test: (p) => p === '/dev/cpu' || p.startsWith('/dev/cpu/'),
    what: "the host CPUs' model-specific registers",
    write: "it can turn off the kernel's protections",
    read: "it can read the host CPUs' state",
  },
  {
    test: (p) => DISK.test(p) || p.startsWith('/dev/mapper/') || p.startsWith('/dev/disk/'),
    what: 'a disk of the host',
    write: 'it can change any file on it, past every permission, and so take over the host',
    read: 'it can read any file on it, past every permission',
  },
];

/**
 * The host path of a `devices:` entry: `HOST[:CONTAINER[:PERMISSIONS]]`, or a long-syntax entry's
 * `source` and `permissions`. A CDI name (`nvidia.com/gpu=all`) and a variable are not judged.
 */
function hostDevice(entry: unknown): { path: string; readOnly: boolean } | undefined {
  let source: unknown;
  let permissions: unknown;
  if (typeof entry === 'string') [source, , permissions] = entry.split(':');
  else if (isMap(entry)) ({ source, permissions } = entry);
  if (typeof source !== 'string' || source.includes('$')) return undefined;
  const path = canonicalHostPath(source.trim());
  if (path === undefined) return undefined;
  // `m` alone lets it create the node, but neither read nor write it.
  if (typeof permissions === 'string' && !/[rw]/.test(permissions)) return undefined;
  const readOnly = typeof permissions === 'string' && !permissions.includes('w');
  return { path, readOnly };
}

/**
 * A `device_cgroup_rules` entry (`TYPE MAJOR:MINOR ACCESS`) that lets the container open devices that
 * give power over the host. Docker keeps CAP_MKNOD by default, so the container can create the node
 * itself: the rule alone is the access. Block devices are disks; character major 1 is memory
 * (`/dev/mem` 1:1, `/dev/kmem` 1:2, `/dev/port` 1:4); `a` is every device.
 */
function cgroupRule(rule: string): { what: string; readOnly: boolean } | undefined {
  const m = /^\s*([abc])\s+(\*|\d+):(\*|\d+)\s+([rwm]+)\s*$/.exec(rule);
  if (!m) return undefined;
  const [, type, major, minor, access] = m as unknown as [string, string, string, string, string];
  if (!/[rw]/.test(access)) return undefined;
  const readOnly = !access.includes('w');
  if (type === 'a') return { what: 'every device of the host', readOnly };
  if (type === 'b') return { what: 'every block device (disk) of that kind', readOnly };
  if (major === '*' || (major === '1' && ['*', '1', '2', '4'].includes(minor)))
    return { what: "the host's memory devices", readOnly };
  return undefined;
}

/** Medium when the access is read-only: the host's data is exposed, but not its control. */
function severityOf(readOnly: boolean): Severity {
  return readOnly ? 'medium' : 'high';
}

/**
 * `compose.devices`: Compose services given host devices that reach past the container: all of `/dev`,
 * memory (`/dev/mem`, `/dev/kmem`, `/dev/port`), CPU registers, and disks (`/dev/sda`, `/dev/nvme0n1`,
 * `/dev/mapper/*`, ...), whether by `devices:` or by a `device_cgroup_rules` entry that allows them.
 * High, or medium when only read access is given. A privileged service has every device:
 * `compose.privileged` reports it.
 */
export const composeDevices = defineEvaluator<Record<string, never>>({
  kind: 'compose.devices',
  summary:
    'Docker Compose services given host disks, memory or all of /dev (devices: or device_cgroup_rules).',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const service of unprivilegedServices(workspace)) {
      findings.push(...deviceFindings(service), ...cgroupFindings(service));
    }
    return findings;
  },
});

function deviceFindings(service: ComposeService): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const node of serviceEntries(service, 'devices')) {
    const device = hostDevice(node.value);
    const cls = device && CLASSES.find((c) => c.test(device.path));
    if (!device || !cls) continue;
    const access = device.readOnly ? 'read access' : 'raw access';
    findings.push({
      ...serviceFinding(
        service,
        node,
        `The ${describeService(service)} is given the host device ${device.path}`,
        `${access} to ${cls.what}: ${device.readOnly ? cls.read : cls.write}.`,
        ['devices', device.path],
      ),
      severity: severityOf(device.readOnly),
    });
  }
  return findings;
}

function cgroupFindings(service: ComposeService): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const node of serviceEntries(service, 'device_cgroup_rules')) {
    const rule = node.value;
    if (typeof rule !== 'string') continue;
    const allowed = cgroupRule(rule);
    if (!allowed) continue;
    const access = allowed.readOnly ? 'read' : 'read and write';
    findings.push({
      ...serviceFinding(
        service,
        node,
        `The ${describeService(service)} allows the device rule "${rule.trim()}"`,
        `it may ${access} ${allowed.what}, and can create the device node itself (CAP_MKNOD is in Docker's default set).`,
        ['device_cgroup_rules', rule.trim()],
      ),
      severity: severityOf(allowed.readOnly),
    });
  }
  return findings;
}
