import { describeService, serviceEntries, serviceFinding } from '../../parsers/compose.js';
import type { RawFinding, Severity } from '../../types.js';
import { NO_OPTIONS } from '../k8s/shared.js';
import { defineEvaluator } from '../types.js';
import { isDockerSocket } from './docker-socket.js';
import { bindMount, canonicalHostPath } from './mounts.js';
import { unprivilegedServices } from './privileged.js';

/**
 * A sensitive host path, what it holds, and what a service mounting it can do: with write access and
 * with read-only access. A grade left out means that access is not reported (reading /etc/passwd).
 */
interface SensitivePath {
  test: (path: string) => boolean;
  what: string;
  write?: { severity: Severity; effect: string };
  read?: { severity: Severity; effect: string };
}

/** `path` or anything under it. */
const under =
  (...roots: string[]) =>
  (p: string) =>
    roots.some((r) => p === r || p.startsWith(`${r}/`));

/** A home directory: `~` (or `$HOME`), `/home/<user>`, and `/Users/<user>` of a Mac running Docker Desktop. */
const HOME = '(?:~|/home/[^/]+|/Users/[^/]+)';
const CREDENTIAL_DIRS = String.raw`(?:\.ssh|\.aws|\.kube|\.docker|\.gnupg|\.azure|\.config/gcloud)`;
const HOME_CREDENTIALS = new RegExp(`^${HOME}/${CREDENTIAL_DIRS}(?:/|$)`);
const HOME_DIR = new RegExp(`^${HOME}$`);

/** Files of /etc that hold secrets: read access exposes them. */
const ETC_SECRETS = under('/etc/shadow', '/etc/gshadow', '/etc/ssh', '/etc/kubernetes', '/etc/docker');
/** Files of /etc that decide who is root and what root runs: write access takes the host over. */
const ETC_CONTROL = under(
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/pam.d',
  '/etc/crontab',
  '/etc/cron.d',
  '/etc/systemd',
  '/etc/ld.so.preload',
  '/etc/passwd',
  '/etc/group',
  '/etc/profile.d',
);

/** Where the host's programs and libraries are, under `/` and under `/usr`. */
const PROGRAM_DIRS = ['/bin', '/sbin', '/lib', '/lib64'];

const TAKE_OVER = 'and so take over the host';

/** Checked in order; the first that matches grades the mount. */
const SENSITIVE: SensitivePath[] = [
  {
    test: (p) => p === '/',
    what: "the host's whole filesystem",
    write: { severity: 'high', effect: `it can change any file of the host, ${TAKE_OVER}` },
    read: {
      severity: 'medium',
      effect: "it can read every file of the host: password hashes, keys, other containers' data",
    },
  },
  {
    test: (p) => p === '/etc',
    what: "the host's configuration",
    write: { severity: 'high', effect: `it can add users, services and scheduled jobs, ${TAKE_OVER}` },
    read: { severity: 'medium', effect: "it can read the host's password hashes and SSH host keys" },
  },
  {
    test: ETC_SECRETS,
    what: 'credentials of the host',
    write: { severity: 'high', effect: `it can replace them, ${TAKE_OVER}` },
    read: { severity: 'medium', effect: 'it can read them' },
  },
  {
    test: ETC_CONTROL,
    what: 'settings that decide who is root on the host and what root runs',
    write: { severity: 'high', effect: `it can change them, ${TAKE_OVER}` },
  },
  {
    test: under('/root'),
    what: "the home of the host's root user",
    write: { severity: 'high', effect: `it can plant keys or start-up files that root runs, ${TAKE_OVER}` },
    read: { severity: 'medium', effect: "it can read root's keys and credentials" },
  },
  {
    // Build, signing and release containers are given these on purpose (a key to sign with, a
    // registry login to push with): the finding is that they can be replaced too, which read-only
    // prevents. What the container reads is what it was given them for.
    test: (p) => HOME_CREDENTIALS.test(p),
    what: 'credentials kept in a home directory of the host',
    write: {
      severity: 'medium',
      effect:
        'it can replace them as well as use them (mount them read-only, ":ro", if it only signs or pushes with them)',
    },
    read: { severity: 'low', effect: 'it can read them (what a container that signs or pushes needs)' },
  },
  {
    test: (p) => p === '/home' || p === '/Users' || HOME_DIR.test(p),
    what: 'home directories of the host',
    write: { severity: 'high', effect: 'it can plant keys or start-up files that their owners run' },
    read: { severity: 'medium', effect: "it can read their owners' keys and credentials" },
  },
  {
    test: under('/proc'),
    what: "the host's /proc",
    write: { severity: 'high', effect: 'it can change kernel settings and reach every process of the host' },
    read: {
      severity: 'low',
      effect: 'it can read the state of every process of the host, as monitoring agents do',
    },
  },
  {
    test: under('/sys'),
    what: "the host's /sys",
    write: { severity: 'high', effect: 'it can change kernel and device settings of the host' },
    read: { severity: 'low', effect: 'it can read kernel and device state, as monitoring agents do' },
  },
  {
    test: (p) => p === '/dev',
    what: "the host's /dev",
    write: {
      severity: 'medium',
      effect:
        "it sees every device node of the host and shares its /dev/shm; Docker's device rules still decide which devices it may open",
    },
    read: {
      severity: 'medium',
      effect: "it sees every device node of the host; Docker's device rules still decide which it may open",
    },
  },
  {
    test: under('/boot'),
    what: "the host's boot files",
    write: { severity: 'high', effect: `it can replace the kernel the host boots, ${TAKE_OVER}` },
    read: { severity: 'low', effect: "it can read the host's kernel and boot configuration" },
  },
  {
    test: under('/var/lib/docker/containers'),
    what: "the containers' logs and settings",
    write: { severity: 'high', effect: `it can change how every container is run, ${TAKE_OVER}` },
    read: {
      severity: 'low',
      effect:
        "it can read every container's logs and settings, environment variables included, as log shippers do",
    },
  },
  {
    test: under('/var/lib/docker', '/var/lib/containerd', '/var/lib/kubelet'),
    what: "the container runtime's storage",
    write: {
      severity: 'high',
      effect: `it can change any container, image or volume of the host, ${TAKE_OVER}`,
    },
    read: { severity: 'medium', effect: "it can read every container's files and volumes" },
  },
  {
    test: (p) =>
      p === '/run' ||
      p === '/var/run' ||
      under('/run/containerd', '/var/run/containerd', '/run/docker', '/var/run/docker')(p),
    what: "a directory holding the container runtime's socket",
    write: {
      severity: 'high',
      effect: 'whoever runs code in it can drive the Docker daemon (root, unless it runs rootless)',
    },
    read: {
      severity: 'high',
      effect:
        'whoever runs code in it can drive the Docker daemon (root, unless it runs rootless): a read-only mount does not stop a socket being used',
    },
  },
  {
    // Not all of /usr: /usr/src and /usr/share hold sources and data, and are mounted for those.
    test: (p) =>
      p === '/usr' ||
      under(
        ...PROGRAM_DIRS.flatMap((d) => [d, `/usr${d}`]),
        '/usr/libexec',
        '/usr/local/bin',
        '/usr/local/sbin',
      )(p),
    what: "the host's programs and libraries",
    write: { severity: 'high', effect: `it can replace what root runs on the host, ${TAKE_OVER}` },
  },
];

/** `~`, `$HOME` and `${HOME}` at the start of a source: the home of whoever runs Compose. */
const HOME_PREFIX = /^(?:~|\$HOME|\$\{HOME\})(?=\/|$)/;

/**
 * The host path a bind source names, canonical, with a home prefix written `~`. Undefined for a
 * relative path (the project's own files) and for a source that depends on another variable.
 */
export function hostPath(source: string): string | undefined {
  const home = HOME_PREFIX.exec(source);
  const rest = home ? source.slice(home[0].length) : source;
  if (rest.includes('$')) return undefined;
  if (!home) return canonicalHostPath(rest);
  const path = canonicalHostPath(`/${rest}`);
  return path === undefined || path === '/' ? '~' : `~${path}`;
}

/**
 * `compose.host-mounts`: Compose services that bind-mount a sensitive path of the host (short or long
 * volume syntax): `/`, `/etc` and its credentials and root-deciding files, `/root`, home directories
 * and the credentials in them, `/proc`, `/sys`, `/dev`, `/boot`, the container runtime's storage and
 * socket directories, and the host's programs. Graded by what the mount allows: taking the host over
 * is high, reading its secrets medium, and reading /proc, /sys, /boot or container logs read-only,
 * as monitoring agents and log shippers do, low. The Docker socket itself is reported by
 * `compose.docker-socket`, and a privileged service, which can mount any of these itself, by
 * `compose.privileged`.
 */
export const composeHostMounts = defineEvaluator<Record<string, never>>({
  kind: 'compose.host-mounts',
  summary:
    'Docker Compose services that bind-mount sensitive host paths (/, /etc, /root, homes, /proc, /sys, /var/lib/docker, ...).',
  schema: NO_OPTIONS,
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    for (const service of unprivilegedServices(workspace)) {
      for (const node of serviceEntries(service, 'volumes')) {
        const mount = bindMount(node.value);
        const path = mount && hostPath(mount.source);
        if (!mount || path === undefined || isDockerSocket(path)) continue;
        const sensitive = SENSITIVE.find((s) => s.test(path));
        const grade = sensitive && (mount.readOnly ? sensitive.read : sensitive.write);
        if (!sensitive || !grade) continue;
        const how = mount.readOnly ? 'read-only' : 'read-write';
        findings.push({
          ...serviceFinding(
            service,
            node,
            `The ${describeService(service)} mounts ${path} (${sensitive.what}) ${how}`,
            `${grade.effect}.`,
            ['volumes', path],
          ),
          severity: grade.severity,
        });
      }
    }
    return findings;
  },
});
