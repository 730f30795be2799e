// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files write ${...} literally.
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeCapabilities } from '../../src/core/evaluators/compose/capabilities.js';
import { composeDevices } from '../../src/core/evaluators/compose/devices.js';
import { composeDockerSocket } from '../../src/core/evaluators/compose/docker-socket.js';
import { composeHostMounts } from '../../src/core/evaluators/compose/host-mounts.js';
import { composeHostNamespaces } from '../../src/core/evaluators/compose/host-namespaces.js';
import { composeImageTag } from '../../src/core/evaluators/compose/image-tag.js';
import { composePrivileged } from '../../src/core/evaluators/compose/privileged.js';
import { composeSecurityOpt } from '../../src/core/evaluators/compose/security-opt.js';
import type { Evaluator } from '../../src/core/evaluators/types.js';
import { COMPOSE_FILES } from '../../src/core/parsers/compose.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { at, cleanup, makeTree, run } from './kit.js';

afterAll(cleanup);

const CAPS = {
  forbiddenAdd: ['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH'],
};

interface Case {
  name: string;
  evaluator: Evaluator<never>;
  options?: Record<string, unknown>;
  files: Record<string, string>;
  /** `path:line:column message` of each finding, in order. */
  expected: string[];
  /** The severity of each finding, in order, for an evaluator that grades them. */
  severities?: (string | undefined)[];
  /** The confidence of each finding, in order, for an evaluator that grades it. */
  confidences?: (string | undefined)[];
}

const SOCKET_EFFECT =
  'whoever runs code in it drives the Docker daemon (root, unless it runs rootless) and can start a privileged ' +
  "container with the host's filesystem; a read-only mount does not help, as the API is still reachable. " +
  'If it only reads container state, mount a socket proxy that allows just those API calls.';

const cases: Case[] = [
  {
    name: 'privileged: written, merged from an anchor, and as the string "true"',
    evaluator: composePrivileged as Evaluator<never>,
    files: {
      'compose.yaml': `x-base: &base
  privileged: true
services:
  a:
    image: x
    privileged: true
  b:
    <<: *base
  c:
    privileged: "True"
`,
    },
    expected: [
      `compose.yaml:6:17 The service "a" runs privileged: it gets every capability and the host's devices, so whoever runs code in it controls the Docker host.`,
      `compose.yaml:8:9 The service "b" runs privileged (set in the anchor &base at line 2): it gets every capability and the host's devices, so whoever runs code in it controls the Docker host.`,
      `compose.yaml:10:18 The service "c" runs privileged: it gets every capability and the host's devices, so whoever runs code in it controls the Docker host.`,
    ],
  },
  {
    name: 'privileged: an own key wins over a merge, lists of merges, interpolation, other file names',
    evaluator: composePrivileged as Evaluator<never>,
    files: {
      'docker-compose.dev.yml': `x-a: &a
  privileged: true
x-b: &b
  privileged: false
services:
  own:
    <<: *a
    privileged: false
  first-wins:
    <<: [*b, *a]
  var:
    privileged: \${PRIV:-true}
`,
      'compose/services.yml': 'services:\n  x:\n    privileged: true\n',
      'compose.yaml.j2': 'services:\n  x:\n    privileged: true\n',
    },
    // Compose interpolates the value: without PRIV in the deployer's environment it is true.
    expected: [
      `docker-compose.dev.yml:12:17 The service "var" runs privileged (written "\${PRIV:-true}": PRIV is set nowhere in the repository (the deployer's environment), so this judges the default Compose uses without it): it gets every capability and the host's devices, so whoever runs code in it controls the Docker host. (the compose file is named for the "dev" environment: a developer's, a CI job's or a preview's, not a deployment.)`,
    ],
    confidences: ['low'],
  },
  {
    name: 'host namespaces at each value; service:, container: and interpolation are not the host',
    evaluator: composeHostNamespaces as Evaluator<never>,
    files: {
      'docker-compose.yml': `services:
  a:
    network_mode: host
    pid: host
    ipc: "host"
    userns_mode: host
  b:
    network_mode: "service:a"
    pid: "container:host-agent"
    ipc: private
  c:
    network_mode: \${MODE}
`,
    },
    expected: [
      `docker-compose.yml:3:19 The service "a" sets network_mode: host: it uses the host's network stack: its ports bypass Docker's port mapping and firewall rules, and it reaches services bound to the host's localhost.`,
      `docker-compose.yml:4:10 The service "a" sets pid: host: it sees every process on the host and, as root, can inspect or signal them.`,
      `docker-compose.yml:5:11 The service "a" sets ipc: host: it shares the host's IPC namespace and can read other processes' shared memory.`,
      `docker-compose.yml:6:18 The service "a" sets userns_mode: host: it opts out of the daemon's user-namespace remapping, so root in the container is root on the host.`,
    ],
  },
  {
    name: 'host namespaces: only the configured ones',
    evaluator: composeHostNamespaces as Evaluator<never>,
    options: { namespaces: ['pid'] },
    files: { 'compose.yml': 'services:\n  a:\n    network_mode: host\n    pid: host\n' },
    expected: [
      'compose.yml:4:10 The service "a" sets pid: host: it sees every process on the host and, as root, can inspect or signal them.',
    ],
  },
  {
    name: 'docker socket: short syntax (read-only too), long syntax, run path, from an anchor',
    evaluator: composeDockerSocket as Evaluator<never>,
    files: {
      'compose.yaml': `x-sock: &sock
  volumes:
    - /run/docker.sock:/run/docker.sock
services:
  traefik:
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - ./conf:/conf
  cadvisor:
    volumes:
      - type: bind
        source: /var/run/docker.sock
        target: /var/run/docker.sock
        read_only: true
  agent:
    <<: *sock
  rootless:
    volumes:
      - /run/user/\${UID}/docker.sock:/var/run/docker.sock
`,
    },
    expected: [
      `compose.yaml:7:9 The service "traefik" mounts the Docker socket /var/run/docker.sock: ${SOCKET_EFFECT}`,
      `compose.yaml:11:9 The service "cadvisor" mounts the Docker socket /var/run/docker.sock: ${SOCKET_EFFECT}`,
      `compose.yaml:16:9 The service "agent" mounts the Docker socket /run/docker.sock (set in the anchor &sock at line 3): ${SOCKET_EFFECT}`,
      `compose.yaml:19:9 The service "rootless" mounts the Docker socket /run/user/\${UID}/docker.sock: ${SOCKET_EFFECT}`,
    ],
  },
  {
    name: 'docker socket: named volumes, other binds, tmpfs, interpolated sources, a socket as the target only',
    evaluator: composeDockerSocket as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    volumes:
      - docker.sock:/var/run/docker.sock
      - \${DOCKER_HOST_SOCK}:/var/run/docker.sock
      - /var/run:/host/run:ro
      - /srv/docker.sock.d:/x
      - type: volume
        source: /var/run/docker.sock
        target: /x
      - type: tmpfs
        target: /tmp
      - /var/run/docker.sock
`,
    },
    expected: [],
  },
  {
    name: 'capabilities: each forbidden entry, CAP_ prefix and case ignored, merged from an anchor',
    evaluator: composeCapabilities as Evaluator<never>,
    options: CAPS,
    files: {
      'compose.yaml': `x-net: &net
  cap_add: [NET_ADMIN]
services:
  vpn:
    <<: *net
  debug:
    cap_add:
      - CAP_SYS_PTRACE
      - chown
      - all
`,
    },
    expected: [
      `compose.yaml:5:9 The service "vpn" adds the NET_ADMIN capability (set in the anchor &net at line 2): NET_ADMIN reaches past the container's isolation (it can reconfigure interfaces, routes and firewall rules of its network).`,
      `compose.yaml:8:9 The service "debug" adds the SYS_PTRACE capability: SYS_PTRACE reaches past the container's isolation (it can trace and read the memory of other processes it can see).`,
      `compose.yaml:10:9 The service "debug" adds the ALL capability: it gets every Linux capability, close to running privileged.`,
    ],
  },
  {
    name: 'capabilities: privileged services, interpolated entries and a scalar cap_add are left alone',
    evaluator: composeCapabilities as Evaluator<never>,
    options: CAPS,
    files: {
      'compose.yaml': `services:
  a:
    privileged: true
    cap_add: [SYS_ADMIN]
  b:
    cap_add: ["\${EXTRA_CAP}"]
  c:
    cap_add: SYS_ADMIN
`,
    },
    expected: [],
  },
  {
    name: 'capabilities: a non-root user with no-new-privileges cannot use what it adds (low); root, no user or no option can',
    evaluator: composeCapabilities as Evaluator<never>,
    options: CAPS,
    files: {
      'compose.yaml': `services:
  exporter:
    user: "65534:65534"
    security_opt: ["no-new-privileges:true"]
    cap_add: [NET_ADMIN]
  as-root:
    user: root
    security_opt: [no-new-privileges]
    cap_add: [NET_ADMIN]
  image-user:
    security_opt: [no-new-privileges]
    cap_add: [NET_ADMIN]
  escalating:
    user: "1000"
    cap_add: [NET_ADMIN]
`,
    },
    expected: [
      'compose.yaml:5:15 The service "exporter" adds the NET_ADMIN capability: no process of it can use it: it runs as a non-root user (user: 65534:65534) with no-new-privileges, so neither its user nor a file capability of its binaries grants it. Remove it from cap_add.',
      `compose.yaml:9:15 The service "as-root" adds the NET_ADMIN capability: NET_ADMIN reaches past the container's isolation (it can reconfigure interfaces, routes and firewall rules of its network).`,
      `compose.yaml:12:15 The service "image-user" adds the NET_ADMIN capability: NET_ADMIN reaches past the container's isolation (it can reconfigure interfaces, routes and firewall rules of its network).`,
      `compose.yaml:15:15 The service "escalating" adds the NET_ADMIN capability: NET_ADMIN reaches past the container's isolation (it can reconfigure interfaces, routes and firewall rules of its network).`,
    ],
    severities: ['low', undefined, undefined, undefined],
  },
  {
    name: 'devices: disks, memory, CPU registers and /dev, graded by access, merged from an anchor',
    evaluator: composeDevices as Evaluator<never>,
    files: {
      'compose.yaml': `x-d: &d
  devices: [/dev/xvdf]
services:
  a:
    devices:
      - /dev/sda
      - "/dev/nvme0n1p2:/dev/data:r"
      - /dev/sdc:/dev/sdc:m
      - source: /dev/mapper/vg-root
        target: /dev/root
        permissions: rwm
      - /dev//mem:/dev/mem
      - /dev/cpu/0/msr
      - /dev/disk/by-id/ata-X:/dev/x:rm
  b:
    <<: *d
  c:
    devices: ["/dev/:/dev"]
`,
    },
    expected: [
      `compose.yaml:6:9 The service "a" is given the host device /dev/sda: raw access to a disk of the host: it can change any file on it, past every permission, and so take over the host.`,
      `compose.yaml:7:10 The service "a" is given the host device /dev/nvme0n1p2: read access to a disk of the host: it can read any file on it, past every permission.`,
      `compose.yaml:9:9 The service "a" is given the host device /dev/mapper/vg-root: raw access to a disk of the host: it can change any file on it, past every permission, and so take over the host.`,
      `compose.yaml:12:9 The service "a" is given the host device /dev/mem: raw access to the host's physical memory or I/O ports: it can read and patch the running kernel.`,
      `compose.yaml:13:9 The service "a" is given the host device /dev/cpu/0/msr: raw access to the host CPUs' model-specific registers: it can turn off the kernel's protections.`,
      `compose.yaml:14:9 The service "a" is given the host device /dev/disk/by-id/ata-X: read access to a disk of the host: it can read any file on it, past every permission.`,
      `compose.yaml:16:9 The service "b" is given the host device /dev/xvdf (set in the anchor &d at line 2): raw access to a disk of the host: it can change any file on it, past every permission, and so take over the host.`,
      `compose.yaml:18:16 The service "c" is given the host device /dev: raw access to every device of the host: its disks and memory among them: it can change any file of the host's disks.`,
    ],
    severities: ['high', 'medium', 'high', 'high', 'high', 'medium', 'high', 'high'],
  },
  {
    name: 'devices: routine hardware, CDI names, variables, relative paths and privileged services are left alone',
    evaluator: composeDevices as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    devices:
      - /dev/dri:/dev/dri
      - /dev/snd
      - /dev/ttyUSB0:/dev/ttyUSB0
      - /dev/ttyACM0
      - /dev/net/tun
      - /dev/fuse
      - /dev/kvm
      - /dev/kmsg
      - /dev/video0
      - /dev/bus/usb:/dev/bus/usb
      - /dev/nvidia0
      - /dev/apex_0
      - /dev/shm
      - nvidia.com/gpu=all
      - \${DISK}:/dev/disk0
      - dev/sda:/dev/sda
      - source: \${DISK}
        target: /dev/sda
  b:
    privileged: true
    devices: [/dev/sda, /dev/mem]
    device_cgroup_rules: ["a *:* rwm"]
  c:
    devices: /dev/sda
`,
    },
    expected: [],
  },
  {
    name: 'device cgroup rules: everything, block devices, memory; read-only graded medium; others left alone',
    evaluator: composeDevices as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    device_cgroup_rules:
      - "a *:* rwm"
      - "b 8:* r"
      - "c 1:1 rw"
      - "c *:* rm"
      - "b *:* m"
      - "c 188:* rmw"
      - "c 226:128 rwm"
      - "c 1:3 rwm"
      - "not a rule"
      - 7
`,
    },
    expected: [
      `compose.yaml:4:10 The service "a" allows the device rule "a *:* rwm": it may read and write every device of the host, and can create the device node itself (CAP_MKNOD is in Docker's default set).`,
      `compose.yaml:5:10 The service "a" allows the device rule "b 8:* r": it may read every block device (disk) of that kind, and can create the device node itself (CAP_MKNOD is in Docker's default set).`,
      `compose.yaml:6:10 The service "a" allows the device rule "c 1:1 rw": it may read and write the host's memory devices, and can create the device node itself (CAP_MKNOD is in Docker's default set).`,
      `compose.yaml:7:10 The service "a" allows the device rule "c *:* rm": it may read the host's memory devices, and can create the device node itself (CAP_MKNOD is in Docker's default set).`,
    ],
    severities: ['high', 'medium', 'high', 'medium'],
  },
  {
    name: 'security_opt: each confinement turned off, either separator and any case, merged from an anchor',
    evaluator: composeSecurityOpt as Evaluator<never>,
    files: {
      'compose.yaml': `x-o: &o
  security_opt: [label:disable]
services:
  a:
    security_opt:
      - seccomp:unconfined
      - "apparmor = Unconfined"
      - systempaths=unconfined
      - label=type:spc_t
      - label:type:unconfined_t
  b:
    <<: *o
`,
    },
    expected: [
      'compose.yaml:6:9 The service "a" sets security_opt "seccomp:unconfined": every system call reaches the host kernel, so any kernel flaw is one call away.',
      'compose.yaml:7:10 The service "a" sets security_opt "apparmor = Unconfined": the AppArmor profile that stops it writing to /proc and /sys or mounting is gone (on hosts that run AppArmor).',
      `compose.yaml:8:9 The service "a" sets security_opt "systempaths=unconfined": the kernel files Docker masks or makes read-only under /proc and /sys (sysrq-trigger, kcore, /proc/sys) are open to it: as root it can reboot or retune the host.`,
      `compose.yaml:9:9 The service "a" sets security_opt "label=type:spc_t": SELinux no longer keeps it from the host's files and other containers (on hosts that enforce SELinux).`,
      `compose.yaml:10:9 The service "a" sets security_opt "label:type:unconfined_t": SELinux no longer keeps it from the host's files and other containers (on hosts that enforce SELinux).`,
      `compose.yaml:12:9 The service "b" sets security_opt "label:disable" (set in the anchor &o at line 2): SELinux no longer keeps it from the host's files and other containers (on hosts that enforce SELinux).`,
    ],
    severities: ['medium', 'medium', 'high', 'medium', 'medium', 'medium'],
  },
  {
    name: 'security_opt: profiles, no-new-privileges either way, labels, variables, privileged services',
    evaluator: composeSecurityOpt as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    security_opt:
      - seccomp=profile.json
      - seccomp:unconfined.json
      - apparmor=docker-default
      - no-new-privileges:false
      - no-new-privileges
      - label=user:system_u
      - label=type:container_t
      - label:level:s0:c1,c2
      - \${OPT:-seccomp:unconfined}
      - seccomp
      - 1
  b:
    privileged: "true"
    security_opt: [apparmor:unconfined]
  c:
    security_opt: seccomp:unconfined
`,
    },
    // The variable's default is what Compose uses when the deployer's environment does not set OPT.
    expected: [
      `compose.yaml:12:9 The service "a" sets security_opt "seccomp:unconfined" (written "\${OPT:-seccomp:unconfined}": OPT is set nowhere in the repository (the deployer's environment), so this judges the default Compose uses without it): every system call reaches the host kernel, so any kernel flaw is one call away.`,
    ],
  },
  {
    name: 'host mounts: graded by path and mode, short and long syntax, home prefixes, merged from an anchor',
    evaluator: composeHostMounts as Evaluator<never>,
    files: {
      'compose.yaml': `x-m: &m
  volumes: ["/boot:/boot:ro"]
services:
  a:
    volumes:
      - //:/host
      - /etc/:/host/etc:ro,rslave
      - /etc/shadow:/shadow:ro
      - /etc/sudoers.d:/sudoers.d
      - /root/.bashrc:/x:ro
      - \${HOME}/.aws:/aws:ro
      - $HOME/.kube/config:/kube
      - ~:/home
      - /home/bob/../alice:/alice:ro
      - type: bind
        source: /proc
        target: /host/proc
        read_only: true
      - /sys/fs/cgroup:/sys/fs/cgroup:rw
      - /dev:/dev:ro
      - /var/lib/docker/containers:/logs:ro
      - /var/lib/kubelet:/kubelet
      - /run:/run:ro
      - /usr/lib:/usr/lib
      - /lib/modules:/lib/modules
  b:
    <<: *m
`,
    },
    expected: [
      `compose.yaml:6:9 The service "a" mounts / (the host's whole filesystem) read-write: it can change any file of the host, and so take over the host.`,
      `compose.yaml:7:9 The service "a" mounts /etc (the host's configuration) read-only: it can read the host's password hashes and SSH host keys.`,
      'compose.yaml:8:9 The service "a" mounts /etc/shadow (credentials of the host) read-only: it can read them.',
      'compose.yaml:9:9 The service "a" mounts /etc/sudoers.d (settings that decide who is root on the host and what root runs) read-write: it can change them, and so take over the host.',
      `compose.yaml:10:9 The service "a" mounts /root/.bashrc (the home of the host's root user) read-only: it can read root's keys and credentials.`,
      'compose.yaml:11:9 The service "a" mounts ~/.aws (credentials kept in a home directory of the host) read-only: it can read them (what a container that signs or pushes needs).',
      'compose.yaml:12:9 The service "a" mounts ~/.kube/config (credentials kept in a home directory of the host) read-write: it can replace them as well as use them (mount them read-only, ":ro", if it only signs or pushes with them).',
      'compose.yaml:13:9 The service "a" mounts ~ (home directories of the host) read-write: it can plant keys or start-up files that their owners run.',
      `compose.yaml:14:9 The service "a" mounts /home/alice (home directories of the host) read-only: it can read their owners' keys and credentials.`,
      `compose.yaml:15:9 The service "a" mounts /proc (the host's /proc) read-only: it can read the state of every process of the host, as monitoring agents do.`,
      `compose.yaml:19:9 The service "a" mounts /sys/fs/cgroup (the host's /sys) read-write: it can change kernel and device settings of the host.`,
      `compose.yaml:20:9 The service "a" mounts /dev (the host's /dev) read-only: it sees every device node of the host; Docker's device rules still decide which it may open.`,
      `compose.yaml:21:9 The service "a" mounts /var/lib/docker/containers (the containers' logs and settings) read-only: it can read every container's logs and settings, environment variables included, as log shippers do.`,
      `compose.yaml:22:9 The service "a" mounts /var/lib/kubelet (the container runtime's storage) read-write: it can change any container, image or volume of the host, and so take over the host.`,
      `compose.yaml:23:9 The service "a" mounts /run (a directory holding the container runtime's socket) read-only: whoever runs code in it can drive the Docker daemon (root, unless it runs rootless): a read-only mount does not stop a socket being used.`,
      `compose.yaml:24:9 The service "a" mounts /usr/lib (the host's programs and libraries) read-write: it can replace what root runs on the host, and so take over the host.`,
      `compose.yaml:25:9 The service "a" mounts /lib/modules (the host's programs and libraries) read-write: it can replace what root runs on the host, and so take over the host.`,
      `compose.yaml:27:9 The service "b" mounts /boot (the host's boot files) read-only (set in the anchor &m at line 2): it can read the host's kernel and boot configuration.`,
    ],
    severities: [
      'high',
      'medium',
      'medium',
      'high',
      'medium',
      'low',
      'medium',
      'high',
      'medium',
      'low',
      'high',
      'medium',
      'low',
      'high',
      'high',
      'high',
      'high',
      'low',
    ],
  },
  {
    name: 'host mounts: routine paths, read-only where reading is harmless, the socket, variables, privileged services',
    evaluator: composeHostMounts as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    volumes:
      - /etc/localtime:/etc/localtime:ro
      - /etc/timezone:/etc/timezone
      - /etc/passwd:/etc/passwd:ro
      - /etc/letsencrypt:/certs:ro
      - /usr/share/appdata/app:/config
      - /usr/src:/usr/src
      - /usr/bin:/host-bin:ro
      - /lib/modules:/lib/modules:ro
      - /home/bob/app/data:/data
      - ~/Pictures:/photos
      - /srv/etc:/etc
      - /var/log:/var/log:ro
      - /var/run/docker.sock:/var/run/docker.sock
      - //run/docker.sock:/docker.sock
      - /run/udev:/run/udev:ro
      - /run/dbus:/run/dbus:ro
      - /dev/dri:/dev/dri
      - ./etc:/etc
      - \${ROOT}/etc:/etc
      - \${HOME:-/root}:/x
      - etc:/etc
      - /etc
      - type: volume
        source: /etc
        target: /etc
      - type: tmpfs
        target: /run
  b:
    privileged: true
    volumes: ["/:/host", "/etc:/etc"]
  c:
    volumes: /etc:/etc
`,
    },
    // Interpolated as Compose does: ROOT set nowhere and without a default is empty; HOME is the
    // environment's, whatever default is written.
    expected: [
      `compose.yaml:22:9 The service "a" mounts /etc (the host's configuration) read-write (written "\${ROOT}/etc:/etc": ROOT is set nowhere in the repository and has no default, so this judges the empty string Compose uses without it): it can add users, services and scheduled jobs, and so take over the host.`,
      'compose.yaml:23:9 The service "a" mounts ~ (home directories of the host) read-write: it can plant keys or start-up files that their owners run.',
    ],
  },
  {
    name: 'image: no tag, latest, a registry port without a tag, from an anchor; tags, digests, builds and variables pass',
    evaluator: composeImageTag as Evaluator<never>,
    files: {
      'compose.yaml': `x-i: &i
  image: nginx
services:
  a:
    image: postgres:latest
  b:
    image: localhost:5000/team/app
  c:
    <<: *i
  d:
    image: postgres:16
  e:
    image: nginx:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000
  f:
    build: ./f
    image: acme/f
  g:
    image: acme/g:\${TAG}
  h:
    image: \${IMAGE}
`,
    },
    expected: [
      `compose.yaml:5:12 The image "postgres:latest" of the service "a" uses the "latest" tag: what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
      `compose.yaml:7:12 The image "localhost:5000/team/app" of the service "b" has no tag, which means "latest": what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
      `compose.yaml:9:9 The image "nginx" of the service "c" has no tag, which means "latest" (set in the anchor &i at line 2): what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
    ],
  },
  {
    name: 'image: a tag that names no version moves as latest does; a version, a major or a codename does not',
    evaluator: composeImageTag as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    image: ghcr.io/acme/app:postgresql-latest
  b:
    image: docker:dind
  c:
    image: ghcr.io/acme/app:v3
  d:
    image: debian:bookworm-slim
  e:
    image: docker:27.3-dind
`,
    },
    expected: [
      `compose.yaml:3:12 The image "ghcr.io/acme/app:postgresql-latest" of the service "a" uses the "postgresql-latest" tag, which names no version: what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
      `compose.yaml:5:12 The image "docker:dind" of the service "b" uses the "dind" tag, which names no version: what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
    ],
    confidences: [undefined, undefined],
  },
  {
    name: 'image: a name no registry serves is built or tagged locally, reported at low confidence',
    evaluator: composeImageTag as Evaluator<never>,
    files: {
      'compose.yaml': `services:
  a:
    image: my-app
  b:
    image: docker.io/library/my-app:latest
  c:
    image: library/redis
  d:
    image: acme/my-app
`,
    },
    expected: [
      `compose.yaml:3:12 The image "my-app" of the service "a" has no tag, but no registry serves it: it names no Docker Hub official image, the only images pulled under a name without registry or namespace: it is built or tagged on the host (by another service's \`build:\` or a script), or misspelt. Pinning applies to what builds it: check that its base images are pinned.`,
      `compose.yaml:5:12 The image "docker.io/library/my-app:latest" of the service "b" uses the "latest" tag, but no registry serves it: it names no Docker Hub official image, the only images pulled under a name without registry or namespace: it is built or tagged on the host (by another service's \`build:\` or a script), or misspelt. Pinning applies to what builds it: check that its base images are pinned.`,
      `compose.yaml:7:12 The image "library/redis" of the service "c" has no tag, which means "latest": what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
      `compose.yaml:9:12 The image "acme/my-app" of the service "d" has no tag, which means "latest": what runs changes whenever the tag is re-pointed and the image pulled again. Pin a version tag or a @sha256 digest.`,
    ],
    confidences: ['low', 'low', undefined, undefined],
  },
];

describe('compose services that are likely no deployment', () => {
  const SOCKET = `    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
`;
  it('grades low the findings of an example, development, test or preview compose file and of a service built for development, with the reason', async () => {
    const findings = await run(
      composeDockerSocket as Evaluator<never>,
      {},
      {
        'docker-compose.example.yaml': `services:\n  agent:\n    image: ci/agent:3.1\n${SOCKET}`,
        'compose.sample.yml': `services:\n  agent:\n    image: ci/agent:3.1\n${SOCKET}`,
        'docker-compose.override.yml': `services:\n  app:\n    build:\n      context: .\n      target: development\n${SOCKET}`,
        'deploy/docker-compose.preview.yml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        'docker-compose-e2e.yaml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        // A deployed service, one built for production, and a production file keep their grade.
        'docker-compose.prod.yml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        'docker-compose.yml': `services:\n  agent:\n    image: ci/agent:3.1\n${SOCKET}  app:\n    build: { context: ., target: production }\n${SOCKET}`,
      },
    );
    expect(
      findings.map((f) => [at(f), f.confidence ?? null, f.message.match(/\(([^()]*)\.\)$/)?.[1]]),
    ).toEqual([
      [
        'docker-compose.example.yaml:5:9',
        'low',
        'the compose file is named as an example: a quick start for users to adapt, not a deployment of this repository',
      ],
      [
        'compose.sample.yml:5:9',
        'low',
        'the compose file is named as a sample: a quick start for users to adapt, not a deployment of this repository',
      ],
      [
        'docker-compose.override.yml:7:9',
        'low',
        'the service builds the "development" stage of its Dockerfile: a development environment, not a deployment',
      ],
      [
        'deploy/docker-compose.preview.yml:5:9',
        'low',
        `the compose file is named for the "preview" environment: a developer's, a CI job's or a preview's, not a deployment`,
      ],
      [
        'docker-compose-e2e.yaml:5:9',
        'low',
        `the compose file is named for the "e2e" environment: a developer's, a CI job's or a preview's, not a deployment`,
      ],
      ['docker-compose.prod.yml:5:9', null, undefined],
      ['docker-compose.yml:5:9', null, undefined],
      ['docker-compose.yml:9:9', null, undefined],
    ]);
  });

  it('grades low a compose file under a development container folder or in a folder named for a test or CI environment', async () => {
    const findings = await run(
      composeDockerSocket as Evaluator<never>,
      {},
      {
        '.devcontainer/docker-compose.yml': `services:\n  workspace:\n    image: acme/dev:1.2\n${SOCKET}`,
        '.ci/compose.browser.yaml': `services:\n  runner:\n    image: acme/runner:1.2\n${SOCKET}`,
        'test/e2e/docker-compose.yml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        'develop/docker-compose/docker-compose.yml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        'contrib/workers/docker-compose.yaml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        'examples/basic/compose.yaml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        // An example or demo folder whose name has other words too.
        'demo-setups/relay-compose.yaml': `services:\n  relay:\n    image: acme/relay:1.2\n${SOCKET}`,
        // ... unless it names a deployed environment.
        'demo-prod/compose.yaml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        // A folder whose name only contains such a word, or a deployment folder, keeps the grade.
        'developer-tools/compose.yaml': `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`,
        'deploy/ci-server/docker-compose.yml': `services:\n  server:\n    image: acme/ci:1.2\n${SOCKET}`,
        'ops/compose.yaml': `services:\n  agent:\n    image: acme/agent:1.2\n${SOCKET}`,
      },
    );
    expect(
      findings.map((f) => [at(f), f.confidence ?? null, f.message.match(/\(([^()]*)\.\)$/)?.[1] ?? null]),
    ).toEqual([
      [
        '.devcontainer/docker-compose.yml:5:9',
        'low',
        "the compose file lies under .devcontainer/, a development container's stack for VS Code, Codespaces or Gitpod: a developer's workspace, not a deployment",
      ],
      [
        '.ci/compose.browser.yaml:5:9',
        'low',
        "the compose file lies in the folder .ci/, named for a development, test or CI environment: a developer's, a CI job's or a preview's, not a deployment",
      ],
      [
        'test/e2e/docker-compose.yml:5:9',
        'low',
        "the compose file lies in the folder test/, named for a development, test or CI environment: a developer's, a CI job's or a preview's, not a deployment",
      ],
      [
        'develop/docker-compose/docker-compose.yml:5:9',
        'low',
        "the compose file lies in the folder develop/, named for a development, test or CI environment: a developer's, a CI job's or a preview's, not a deployment",
      ],
      [
        'contrib/workers/docker-compose.yaml:5:9',
        'low',
        'the compose file lies in the folder contrib/, named for examples, demonstrations or contributed extras: a stack for users to adapt, not a deployment of this repository',
      ],
      [
        'examples/basic/compose.yaml:5:9',
        'low',
        'the compose file lies in the folder examples/, named for examples, demonstrations or contributed extras: a stack for users to adapt, not a deployment of this repository',
      ],
      [
        'demo-setups/relay-compose.yaml:5:9',
        'low',
        'the compose file lies in the folder demo-setups/, named for examples, demonstrations or contributed extras: a stack for users to adapt, not a deployment of this repository',
      ],
      ['demo-prod/compose.yaml:5:9', null, null],
      ['developer-tools/compose.yaml:5:9', null, null],
      ['deploy/ci-server/docker-compose.yml:5:9', null, null],
      ['ops/compose.yaml:5:9', null, null],
    ]);
  });

  it.each([
    // [case, files beside `docker-compose.e2e_tests.yml` (or the file itself), its confidence]
    ['named for a test run', {}, 'low'],
    ['named for a test run and for production', { name: 'docker-compose.prod_tests.yml' }, null],
    ['in a CI folder named for staging', { name: 'ci/staging/docker-compose.yml' }, null],
    [
      'included by the root compose file',
      { 'compose.yaml': 'include:\n  - docker-compose.e2e_tests.yml\n' },
      null,
    ],
    [
      'included by a development stack',
      { 'compose.dev.yaml': 'include:\n  - docker-compose.e2e_tests.yml\n' },
      'low',
    ],
    [
      'started by a job that publishes',
      {
        '.github/workflows/release.yml':
          'on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose -f docker-compose.e2e_tests.yml up -d && docker push acme/app\n',
      },
      null,
    ],
    [
      'started by a job that only tests',
      {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose -f docker-compose.e2e_tests.yml up -d\n',
      },
      'low',
    ],
  ])('a test stack that is deployed is no test stack: %s', async (_, extra, confidence) => {
    const { name = 'docker-compose.e2e_tests.yml', ...files } = extra as Record<string, string>;
    const findings = await run(
      composeDockerSocket as Evaluator<never>,
      {},
      { [name]: `services:\n  app:\n    image: acme/app:1.2\n${SOCKET}`, ...files },
    );
    expect(findings.map((f) => f.confidence ?? null)).toEqual([confidence]);
  });

  it.each([
    [
      'a demonstration warning',
      '# Warning\n\nThis stack is provided for demonstration purposes only.\n',
      'for demonstration purposes',
    ],
    [
      'a link to an example file',
      '# Agents\n\nAn example Docker Compose file can be found [here](docker-compose.yaml).\n',
      'example Docker Compose file',
    ],
    ['a production notice', 'Not intended for production use.\n', 'Not intended for production'],
    ['no such words', '# Agent\n\nRun it with docker compose up -d on each host.\n', null],
  ])(
    'grades low a compose file whose folder README calls it a demonstration or example: %s',
    async (_name, readme, words) => {
      const findings = await run(
        composeDockerSocket as Evaluator<never>,
        {},
        {
          'stacks/agent/docker-compose.yaml': `services:\n  agent:\n    image: acme/agent:1.2\n${SOCKET}`,
          'stacks/agent/README.md': readme,
          // A README elsewhere (the root's, another folder's) says nothing of this stack.
          'ops/compose.yaml': `services:\n  agent:\n    image: acme/agent:1.2\n${SOCKET}`,
          'README.md': readme,
        },
      );
      expect(
        findings.map((f) => [at(f), f.confidence ?? null, f.message.match(/\(([^()]*)\.\)$/)?.[1] ?? null]),
      ).toEqual([
        [
          'stacks/agent/docker-compose.yaml:5:9',
          words === null ? null : 'low',
          words === null
            ? null
            : `the README beside the compose file, stacks/agent/README.md, calls it "${words}": a demonstration or an example for users to adapt, not a deployment`,
        ],
        ['ops/compose.yaml:5:9', null, null],
      ]);
    },
  );

  it('grades low every service of a compose file one of whose services builds a development Dockerfile', async () => {
    const stack = (dockerfile: string) =>
      `services:\n  agent:\n    build:\n      context: ./\n      dockerfile: ${dockerfile}\n${SOCKET}` +
      '  metrics:\n    image: prom/prometheus\n';
    const files = {
      'docker-compose.yml': stack('dockerfiles/Dockerfile.dev-self-contained'),
      'stack/compose.yaml': stack('dev.Dockerfile'),
      // A production Dockerfile, or a word that only contains "dev", keeps the file a deployment.
      'deploy/compose.yaml': stack('Dockerfile.prod'),
      'ops/compose.yaml': stack('Dockerfile.devices'),
    };
    const graded = (f: { confidence?: string; message: string }) => [
      f.confidence ?? null,
      f.message.match(/\(([^()]*)\.\)$/)?.[1] ?? null,
    ];
    const socket = await run(composeDockerSocket as Evaluator<never>, {}, files);
    expect(socket.map((f) => [at(f), ...graded(f)])).toEqual([
      [
        'docker-compose.yml:7:9',
        'low',
        "the service builds the development Dockerfile dockerfiles/Dockerfile.dev-self-contained, so the compose file is a developer's or a demo's stack, not a deployment",
      ],
      [
        'stack/compose.yaml:7:9',
        'low',
        "the service builds the development Dockerfile dev.Dockerfile, so the compose file is a developer's or a demo's stack, not a deployment",
      ],
      ['deploy/compose.yaml:7:9', null, null],
      ['ops/compose.yaml:7:9', null, null],
    ]);
    const images = await run(composeImageTag as Evaluator<never>, {}, files);
    expect(images.map((f) => [at(f), ...graded(f)])).toEqual([
      [
        'docker-compose.yml:9:12',
        'low',
        'its service "agent" builds the development Dockerfile dockerfiles/Dockerfile.dev-self-contained, so the compose file is a developer\'s or a demo\'s stack, not a deployment',
      ],
      [
        'stack/compose.yaml:9:12',
        'low',
        'its service "agent" builds the development Dockerfile dev.Dockerfile, so the compose file is a developer\'s or a demo\'s stack, not a deployment',
      ],
      ['deploy/compose.yaml:9:12', null, null],
      ['ops/compose.yaml:9:12', null, null],
    ]);
  });

  it('grades low a compose file that only test scripts bring up, and not one a deploy script uses too', async () => {
    const vpn =
      'services:\n  producer:\n    image: qmcgaw/gluetun:v3.35.0\n    cap_add:\n      - NET_ADMIN\n';
    const up = (file: string) => `#!/usr/bin/env bash\ndocker compose -f "$REPO_ROOT/${file}" up -d\n`;
    const findings = await run(composeCapabilities as Evaluator<never>, CAPS, {
      'dockerfiles/net/docker-compose.yml': vpn,
      'scripts/net-tests.sh': up('dockerfiles/net/docker-compose.yml'),
      'ops/vpn/docker-compose.yml': vpn,
      'scripts/vpn-tests.sh': up('ops/vpn/docker-compose.yml'),
      'scripts/deploy.sh': up('ops/vpn/docker-compose.yml'),
    });
    expect(
      findings.map((f) => [
        at(f),
        f.confidence ?? null,
        f.message.match(/ \((the compose .*)\.\)$/)?.[1] ?? null,
      ]),
    ).toEqual([
      [
        'dockerfiles/net/docker-compose.yml:5:9',
        'low',
        'the compose file is used only by test scripts (scripts/net-tests.sh): a throw-away environment for a test run, not a deployment',
      ],
      ['ops/vpn/docker-compose.yml:5:9', null, null],
    ]);
  });
});

describe('compose evaluators', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const findings = await run(c.evaluator, c.options ?? {}, c.files);
    expect(findings.map((f) => `${at(f)} ${f.message}`)).toEqual(c.expected);
    if (c.severities) expect(findings.map((f) => f.severity)).toEqual(c.severities);
    if (c.confidences) expect(findings.map((f) => f.confidence)).toEqual(c.confidences);
  });

  it.each([
    ['compose.yaml', true],
    ['deploy/docker-compose.yml', true],
    ['docker-compose.prod.yaml', true],
    ['compose.override.yml', true],
    ['docker-compose-dev.yml', true],
    ['ops/docker-compose_test.yaml', true],
    ['example.omnibus.docker-compose.yml', true],
    ['podman-compose.yml', true],
    ['composer.yml', false],
    ['compose.json', false],
    ['docs/compose-file.md', false],
    ['node_modules/x/docker-compose.yml', false],
  ])('reads %s as a compose file: %s', (file, read) => {
    expect(COMPOSE_FILES.test(file)).toBe(read);
  });

  it('keys a finding by service and check, never by line', async () => {
    const [a] = await run(
      composeDockerSocket,
      {},
      {
        'compose.yaml': 'services:\n  a:\n    volumes: [/var/run/docker.sock:/s]\n',
      },
    );
    const [b] = await run(
      composeDockerSocket,
      {},
      {
        'compose.yaml': '# moved\n\nservices:\n  a:\n    volumes:\n      - /var/run/docker.sock:/s\n',
      },
    );
    expect(a!.key).toBe(b!.key);
  });

  it('records a broken compose file once as an input problem, but not a template', async () => {
    const files = {
      'compose.yaml': 'services:\n  a:\n    privileged: true\n   bad: [\n',
      'deploy/docker-compose.yml': 'services:\n  a:\n    image: {{ image }}\n  : x\n',
    };
    const workspace = new Workspace(makeTree(files), { files: Object.keys(files) });
    expect(await run(composePrivileged, {}, workspace)).toEqual([]);
    expect(await run(composeDockerSocket, {}, workspace)).toEqual([]);
    expect(workspace.inputProblems().map((p) => p.path)).toEqual(['compose.yaml']);
  });

  it.each([
    {
      name: "Compose's merge tags parse, the tagged values read as written",
      text: 'services:\n  proxy: !reset\n  a:\n    privileged: !override true\n    ports: !reset []\n    depends_on: !override\n      db: {condition: service_started}\n',
      problems: [] as string[],
      privileged: ['compose.yaml:4'],
    },
    {
      name: 'a value under !reset is still read (a tag never hides a setting)',
      text: 'services:\n  a:\n    privileged: !reset true\n',
      problems: [] as string[],
      privileged: ['compose.yaml:3'],
    },
    {
      name: 'any other local tag is still unparsable',
      text: 'services:\n  a:\n    privileged: !unknown true\n',
      problems: ['compose.yaml'],
      privileged: [] as string[],
    },
  ])('$name', async ({ text, problems, privileged }) => {
    const files = { 'compose.yaml': text };
    const workspace = new Workspace(makeTree(files), { files: Object.keys(files) });
    const found = await run(composePrivileged, {}, workspace);
    expect(found.map((f) => at(f).replace(/:\d+$/, ''))).toEqual(privileged);
    expect(workspace.inputProblems().map((p) => p.path)).toEqual(problems);
  });

  // compose-go casts the string of a boolean field (toBoolean): y, yes, on, true in any case are
  // true, n, no, off, false false, quoted or not; YAML 1.2 keeps them strings, the cast decides.
  it.each([
    ['true', true, true],
    ['"True"', true, true],
    ['yes', true, true],
    ['YES', true, true],
    ['"yes"', true, true],
    ['on', true, true],
    ["'On'", true, true],
    ['y', true, true],
    ['Y', true, true],
    ['false', false, false],
    ['no', false, false],
    ['"off"', false, false],
    ['N', false, false],
    ['maybe', false, false],
    ['${PRIVILEGED}', false, false],
  ])(
    'reads the boolean %s as Compose does: privileged %s, read-only %s',
    async (value, privileged, readOnly) => {
      const files = {
        'compose.yaml': `services:
  a:
    privileged: ${value}
  b:
    volumes:
      - type: bind
        source: /etc/passwd
        target: /etc/passwd
        read_only: ${value}
`,
      };
      expect((await run(composePrivileged, {}, files)).map(at)).toEqual(
        // A quoted value is located inside its quotes.
        privileged ? [`compose.yaml:3:${/^["']/.test(value) ? 18 : 17}`] : [],
      );
      expect((await run(composeHostMounts, {}, files)).map(at)).toEqual(readOnly ? [] : ['compose.yaml:6:9']);
    },
  );

  it('takes hostile input (an alias bomb, deep nesting, non-map services) as nothing to judge', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const files = {
      'compose.yaml': `${bomb.join('\n')}\nservices:\n  a:\n    privileged: true\n`,
      'b/compose.yaml': `services:\n  a: ${'['.repeat(500)}${']'.repeat(500)}\n`,
      'c/compose.yaml': 'services: [privileged]\n',
      'd/compose.yaml': 'services:\n  a: null\n  b: [1]\n  constructor:\n    privileged: false\n',
    };
    const workspace = new Workspace(makeTree(files), { files: Object.keys(files) });
    expect(await run(composePrivileged, {}, workspace)).toEqual([]);
    expect(
      workspace
        .inputProblems()
        .map((p) => p.path)
        .sort(),
    ).toEqual(['b/compose.yaml', 'compose.yaml']);
  });
});

describe("compose.image-tag on the project's own image and in development containers", () => {
  const stack = (app: string) =>
    `services:\n  app:\n    image: ${app}\n  db:\n    image: docker.io/library/postgres\n`;
  const files = {
    'docker/compose/docker-compose.postgres.yml': stack('ghcr.io/acme/notes:latest'),
    'docker/compose/docker-compose.hub.yml': stack('acme/notes'),
    'deploy/docker-compose.prod.yml': stack('ghcr.io/acme/notes:latest'),
    'other/compose.yaml': stack('ghcr.io/acme/notes-tools:latest'),
    'hub/compose.yaml': stack('acme/notes-tools:latest'),
    'elsewhere/compose.yaml': stack('ghcr.io/acmecorp/notes:nightly'),
    'prod/compose.production.yaml': stack('ghcr.io/acme/notes-tools:nightly'),
    '.devcontainer/docker-compose.devcontainer.yml': stack('ghcr.io/acme/helper:latest'),
  };
  const judge = async (repository: string | undefined) => {
    const workspace = new Workspace(makeTree(files));
    const evaluator = composeImageTag as Evaluator<Record<string, never>>;
    const findings = await evaluator.evaluate({
      rule: {} as never,
      options: {},
      workspace,
      ...(repository ? { repository } : {}),
    });
    return findings.map((f) => [
      `${f.location!.path}:${f.location!.startLine}`,
      f.confidence ?? null,
      /own published image/.test(f.message)
        ? 'own'
        : /under \.devcontainer\//.test(f.message)
          ? 'dev'
          : /image of this repository's own owner \(acme\) in the GitHub container registry/.test(f.message)
            ? 'owner'
            : null,
    ]);
  };

  it.each([
    // The project's own image in the templates it ships: low; the third-party database beside it: as before.
    ['docker/compose/docker-compose.postgres.yml:3', 'low', 'own'],
    ['docker/compose/docker-compose.postgres.yml:5', null, null],
    // On Docker Hub, under the repository's owner/name, with no tag.
    ['docker/compose/docker-compose.hub.yml:3', 'low', 'own'],
    ['docker/compose/docker-compose.hub.yml:5', null, null],
    // A compose file named for production keeps its finding.
    ['deploy/docker-compose.prod.yml:3', null, null],
    // Another image of the repository's owner in GitHub's registry, where only the owner can push: low.
    ['other/compose.yaml:3', 'low', 'owner'],
    // A Docker Hub namespace of the owner's name may be anyone's; another owner's GHCR namespace is not
    // the owner's; a production stack keeps its finding.
    ['hub/compose.yaml:3', null, null],
    ['elsewhere/compose.yaml:3', null, null],
    ['prod/compose.production.yaml:3', null, null],
    // A development container's stack: every image, low.
    ['.devcontainer/docker-compose.devcontainer.yml:3', 'low', 'dev'],
    ['.devcontainer/docker-compose.devcontainer.yml:5', 'low', 'dev'],
  ])('%s: %s', async (where, confidence, why) => {
    const found = (await judge('acme/notes')).find((f) => f[0] === where);
    expect(found).toEqual([where, confidence, why]);
  });

  it('judges the own image as any other when the run names no repository', async () => {
    const found = (await judge(undefined)).filter((f) => f[2] === 'own');
    expect(found).toEqual([]);
  });
});

// Compose interpolates every value before it runs anything: a rule judges what Compose runs, and a
// finding says where the variable's value comes from.
describe('compose values written with variables, interpolated as Compose does', () => {
  const svc = (settings: string) => `services:\n  app:\n    image: acme/app:1.2\n${settings}`;
  const DEFAULTED = (name: string) =>
    `${name} is set nowhere in the repository (the deployer's environment), so this judges the default Compose uses without it`;
  it.each<{ name: string; evaluator: unknown; files: Record<string, string>; found: string[] }>([
    {
      name: 'a default of true runs privileged',
      evaluator: composePrivileged,
      files: { 'compose.yaml': svc('    privileged: ${PRIVILEGED:-true}\n') },
      found: [`compose.yaml:4 (written "\${PRIVILEGED:-true}": ${DEFAULTED('PRIVILEGED')})`],
    },
    {
      name: 'a default of host shares the network',
      evaluator: composeHostNamespaces,
      files: { 'compose.yaml': svc('    network_mode: ${NET:-host}\n    pid: "${PID-host}"\n') },
      found: [
        `compose.yaml:4 (written "\${NET:-host}": ${DEFAULTED('NET')})`,
        `compose.yaml:5 (written "\${PID-host}": ${DEFAULTED('PID')})`,
      ],
    },
    {
      name: "the project's .env sets the values",
      evaluator: composeHostNamespaces,
      files: {
        'deploy/compose.yaml': svc('    network_mode: ${NET}\n    pid: $PID_MODE\n'),
        'deploy/.env': '# mode\nexport NET=host\nPID_MODE="host" # shared\n',
      },
      found: [
        'deploy/compose.yaml:4 (written "${NET}": deploy/.env, which Compose reads, sets NET="host")',
        'deploy/compose.yaml:5 (written "$PID_MODE": deploy/.env, which Compose reads, sets PID_MODE="host")',
      ],
    },
    {
      name: 'a nested default',
      evaluator: composeHostNamespaces,
      files: { 'compose.yaml': svc('    network_mode: ${NET:-${MODE:-host}}\n') },
      found: [
        `compose.yaml:4 (written "\${NET:-\${MODE:-host}}": NET, MODE are set nowhere in the repository (the deployer's environment), so this judges the default Compose uses without them)`,
      ],
    },
    {
      name: 'a default socket path mounts the Docker socket',
      evaluator: composeDockerSocket,
      files: {
        'compose.yaml': svc('    volumes:\n      - ${SOCK:-/var/run/docker.sock}:/var/run/docker.sock\n'),
      },
      found: [
        `compose.yaml:5 (written "\${SOCK:-/var/run/docker.sock}:/var/run/docker.sock": ${DEFAULTED('SOCK')})`,
      ],
    },
    {
      name: 'a default tag of latest moves',
      evaluator: composeImageTag,
      files: { 'compose.yaml': 'services:\n  app:\n    image: acme/app:${TAG:-latest}\n' },
      found: [`compose.yaml:3 (written "acme/app:\${TAG:-latest}": ${DEFAULTED('TAG')})`],
    },
    // Legitimate: what Compose runs is safe, or the deployer must give the value.
    {
      name: "the project's .env overrides a dangerous default",
      evaluator: composePrivileged,
      files: { 'compose.yaml': svc('    privileged: ${PRIVILEGED:-true}\n'), '.env': 'PRIVILEGED=false\n' },
      found: [],
    },
    {
      name: 'an .env set but empty takes the default of ":-", not of "-"',
      evaluator: composeHostNamespaces,
      files: {
        'compose.yaml': svc('    network_mode: ${A-host}\n    pid: ${B:-host}\n'),
        '.env': 'A=\nB=\n',
      },
      found: [`compose.yaml:5 (written "\${B:-host}": .env, which Compose reads, sets B="")`],
    },
    {
      name: "an .env of another folder, and a container's env_file, are not the project's",
      evaluator: composePrivileged,
      files: {
        'deploy/compose.yaml': svc('    privileged: ${PRIVILEGED}\n    env_file: app.env\n'),
        'deploy/app.env': 'PRIVILEGED=true\n',
        '.env': 'PRIVILEGED=true\n',
      },
      found: [],
    },
    {
      name: 'a required variable set nowhere is the deployer’s, an escaped $ is literal',
      evaluator: composeHostNamespaces,
      files: { 'compose.yaml': svc('    network_mode: ${NET:?set the network}\n    pid: $${PID:-host}\n') },
      found: [],
    },
    {
      name: "a service running the image another service of the file builds runs the project's build",
      evaluator: composeImageTag,
      files: {
        'compose.yaml':
          'services:\n  web:\n    build: .\n    image: acme/app:${TAG:-latest}\n  worker:\n    image: acme/app:${TAG:-latest}\n',
      },
      found: [],
    },
    {
      name: 'an image tag from a variable set nowhere with no default is the deployer’s',
      evaluator: composeImageTag,
      files: { 'compose.yaml': 'services:\n  app:\n    image: acme/app:${TAG}\n' },
      found: [],
    },
  ])('$name', async ({ evaluator, files, found }) => {
    const findings = await run(evaluator as Evaluator<never>, {}, files);
    expect(
      findings.map(
        (f) => `${at(f).replace(/:\d+$/, '')} ${/ \(written .*?\)(?=: )/.exec(f.message)?.[0].trim() ?? ''}`,
      ),
    ).toEqual(found);
  });
});

describe('compose files named by what includes, extends, lists or passes them', () => {
  const PRIV =
    "it gets every capability and the host's devices, so whoever runs code in it controls the Docker host.";
  const ROOT = `services:\n  web:\n    image: nginx@sha256:${'0'.repeat(64)}\n`;
  it.each<{ name: string; evaluator: unknown; files: Record<string, string>; found: string[] }>([
    {
      name: 'a file compose.yaml includes (short syntax), and what that one includes in turn',
      evaluator: composePrivileged,
      files: {
        'compose.yaml': `${ROOT}include:\n  - ops/debug.yml\n`,
        'ops/debug.yml': 'include:\n  - ../tools/shell.yaml\nservices:\n  debug:\n    privileged: true\n',
        'tools/shell.yaml': 'services:\n  shell:\n    privileged: yes\n',
      },
      found: [
        `ops/debug.yml:5:17 The service "debug" runs privileged: ${PRIV}`,
        `tools/shell.yaml:3:17 The service "shell" runs privileged: ${PRIV}`,
      ],
    },
    {
      name: 'include long syntax with a path list, and an include cycle followed once',
      evaluator: composeDockerSocket,
      files: {
        'deploy/compose.yaml': `${ROOT}include:\n  - path: [base/a.yml, ./b.yaml]\n    project_directory: ..\n`,
        'deploy/base/a.yml':
          'include: [../compose.yaml]\nservices:\n  a:\n    volumes: ["/var/run/docker.sock:/s"]\n',
        'deploy/b.yaml':
          'services:\n  b:\n    volumes:\n      - type: bind\n        source: /run/docker.sock\n        target: /s\n',
      },
      found: [
        `deploy/base/a.yml:4:16 The service "a" mounts the Docker socket /var/run/docker.sock: ${SOCKET_EFFECT}`,
        `deploy/b.yaml:4:9 The service "b" mounts the Docker socket /run/docker.sock: ${SOCKET_EFFECT}`,
      ],
    },
    {
      name: "a project .env's COMPOSE_FILE, with the default separator and with COMPOSE_PATH_SEPARATOR",
      evaluator: composeHostNamespaces,
      files: {
        'compose.yaml': ROOT,
        '.env': 'COMPOSE_FILE=compose.yaml:ops/runtime.yml\n',
        'ops/runtime.yml': 'services:\n  web:\n    network_mode: host\n',
        'svc/.env': 'COMPOSE_PATH_SEPARATOR=,\nCOMPOSE_FILE=base.yml,over.yml\n',
        'svc/over.yml': 'services:\n  api:\n    pid: host\n',
      },
      found: [
        "ops/runtime.yml:3:19 The service \"web\" sets network_mode: host: it uses the host's network stack: its ports bypass Docker's port mapping and firewall rules, and it reaches services bound to the host's localhost.",
        'svc/over.yml:3:10 The service "api" sets pid: host: it sees every process on the host and, as root, can inspect or signal them.',
      ],
    },
    {
      name: 'files a workflow or a script passes with -f or to docker stack deploy -c, and a stack file by name',
      evaluator: composePrivileged,
      files: {
        '.github/workflows/deploy.yml':
          'on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker compose \\\n            -f compose.yaml -f ops/prod.yml up -d\n      - run: docker stack deploy --compose-file=swarm.yml app\n        working-directory: infra\n',
        'compose.yaml': ROOT,
        'ops/prod.yml': 'services:\n  web:\n    privileged: true\n',
        'infra/swarm.yml': 'services:\n  agent:\n    privileged: true\n',
        'scripts/up.sh': '#!/bin/sh\nsudo docker-compose --file=tools.yml up\n',
        'scripts/tools.yml': 'services:\n  tool:\n    privileged: true\n',
        'stack.yml': 'version: "3.8"\nservices:\n  node:\n    privileged: true\n',
        'hs/stack.yaml': 'resolver: lts-22.0\npackages: [.]\n',
        'notes/other.yml': 'services:\n  x:\n    privileged: true\n',
      },
      found: [
        `stack.yml:4:17 The service "node" runs privileged: ${PRIV}`,
        `ops/prod.yml:3:17 The service "web" runs privileged: ${PRIV}`,
        `infra/swarm.yml:3:17 The service "agent" runs privileged: ${PRIV}`,
        `scripts/tools.yml:3:17 The service "tool" runs privileged: ${PRIV}`,
      ],
    },
    {
      name: 'no file outside the tree, absolute, with a variable, or missing',
      evaluator: composePrivileged,
      files: {
        'app/compose.yaml': `${ROOT}include:\n  - ../../outside.yml\n  - /etc/compose.yml\n  - \${OPS}/debug.yml\n  - missing.yml\n`,
        '.env': 'COMPOSE_FILE=../x.yml:$HOME/y.yml\n',
        'ops/debug.yml': 'services:\n  debug:\n    privileged: true\n',
      },
      found: [],
    },
  ])('$name', async ({ evaluator, files, found }) => {
    const findings = await run(evaluator as Evaluator<never>, {}, files);
    expect(findings.map((f) => `${at(f)} ${f.message}`)).toEqual(found);
  });

  it('reads no file through a symbolic link out of the tree: the link is an input problem', async () => {
    const outside = makeTree({ 'debug.yml': 'services:\n  debug:\n    privileged: true\n' });
    const files = ['compose.yaml', 'ops-debug.yml'];
    const linked = makeTree({ 'compose.yaml': `${ROOT}include:\n  - ops-debug.yml\n` });
    symlinkSync(path.join(outside, 'debug.yml'), path.join(linked, 'ops-debug.yml'));
    const viaLink = new Workspace(linked, { files });
    expect(await run(composePrivileged, {}, viaLink)).toEqual([]);
    expect(viaLink.inputProblems().map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^ops-debug\.yml: it is a symbolic link, .*, so it is not read$/),
    ]);
  });

  it.each<{
    name: string;
    evaluator: unknown;
    options?: Record<string, unknown>;
    files: Record<string, string>;
    found: string[];
  }>([
    {
      name: 'a service extending one of another file inherits privileged and the socket, located at extends:',
      evaluator: composePrivileged,
      files: {
        'compose.yaml': `${ROOT}    extends:\n      file: ops/common.yml\n      service: base\n`,
        'ops/common.yml':
          'services:\n  base:\n    privileged: true\n    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]\n',
      },
      found: [
        `compose.yaml:4:5 The service "web" runs privileged (inherited through extends: set by service "base" of ops/common.yml, line 3): ${PRIV}`,
        `ops/common.yml:3:17 The service "base" runs privileged: ${PRIV}`,
      ],
    },
    {
      name: 'inherited volumes are appended to the own ones, unless an own one mounts the same target',
      evaluator: composeDockerSocket,
      files: {
        'compose.yaml': `services:\n  web:\n    extends: {file: common.yml, service: base}\n    volumes:\n      - ./data:/var/run/docker.sock\n  api:\n    extends:\n      file: common.yml\n      service: base\n    volumes: [./x:/x]\n`,
        'common.yml': 'services:\n  base:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n',
      },
      found: [
        `compose.yaml:7:5 The service "api" mounts the Docker socket /var/run/docker.sock (inherited through extends: set by service "base" of common.yml, line 4): ${SOCKET_EFFECT}`,
        `common.yml:4:9 The service "base" mounts the Docker socket /var/run/docker.sock: ${SOCKET_EFFECT}`,
      ],
    },
    {
      name: 'a chain of extends in one file, an own setting that replaces the inherited one, and a cycle',
      evaluator: composeHostNamespaces,
      files: {
        'compose.yaml': `services:\n  base:\n    pid: host\n  mid:\n    extends: base\n  top:\n    extends:\n      service: mid\n  own:\n    extends: base\n    pid: container:base\n  loop-a:\n    extends: loop-b\n  loop-b:\n    extends: loop-a\n`,
      },
      found: [
        'compose.yaml:3:10 The service "base" sets pid: host: it sees every process on the host and, as root, can inspect or signal them.',
        'compose.yaml:5:5 The service "mid" sets pid: host (inherited through extends: set by service "base", line 3): it sees every process on the host and, as root, can inspect or signal them.',
        'compose.yaml:7:5 The service "top" sets pid: host (inherited through extends: set by service "base", line 3): it sees every process on the host and, as root, can inspect or signal them.',
      ],
    },
    {
      name: 'inherited capabilities appended to the own ones, one both add reported once',
      evaluator: composeCapabilities,
      options: CAPS,
      files: {
        'compose.yaml': `services:\n  web:\n    extends: {file: base.yml, service: b}\n    cap_add: [NET_ADMIN]\n`,
        'base.yml': 'services:\n  b:\n    cap_add: [SYS_ADMIN, NET_ADMIN]\n',
      },
      found: [
        'compose.yaml:4:15 The service "web" adds the NET_ADMIN capability: NET_ADMIN reaches past the container\'s isolation (it can reconfigure interfaces, routes and firewall rules of its network).',
        'compose.yaml:3:5 The service "web" adds the SYS_ADMIN capability (inherited through extends: set by service "b" of base.yml, line 3): SYS_ADMIN reaches past the container\'s isolation (mounts, namespaces and many kernel settings: close to full root on the host).',
        'base.yml:3:15 The service "b" adds the SYS_ADMIN capability: SYS_ADMIN reaches past the container\'s isolation (mounts, namespaces and many kernel settings: close to full root on the host).',
        'base.yml:3:26 The service "b" adds the NET_ADMIN capability: NET_ADMIN reaches past the container\'s isolation (it can reconfigure interfaces, routes and firewall rules of its network).',
      ],
    },
  ])('extends: $name', async ({ evaluator, options, files, found }) => {
    const findings = await run(evaluator as Evaluator<never>, options ?? {}, files);
    expect(findings.map((f) => `${at(f)} ${f.message}`)).toEqual(found);
  });
});
