// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform and manifest sources write ${...} literally.
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { k8sCapabilities } from '../../src/core/evaluators/k8s/capabilities.js';
import {
  isPlaceholderValue,
  isSecretName,
  k8sEnvSecretLiteral,
} from '../../src/core/evaluators/k8s/env-secret-literal.js';
import { k8sHostNamespaces } from '../../src/core/evaluators/k8s/host-namespaces.js';
import { k8sHostPath } from '../../src/core/evaluators/k8s/host-path.js';
import { k8sHostPort } from '../../src/core/evaluators/k8s/host-port.js';
import { k8sImageTag } from '../../src/core/evaluators/k8s/image-tag.js';
import { k8sPrivilegeEscalation } from '../../src/core/evaluators/k8s/privilege-escalation.js';
import { k8sPrivileged } from '../../src/core/evaluators/k8s/privileged.js';
import { k8sRbac } from '../../src/core/evaluators/k8s/rbac.js';
import { k8sReadOnlyRootFs } from '../../src/core/evaluators/k8s/read-only-root-fs.js';
import { k8sResourceLimits } from '../../src/core/evaluators/k8s/resource-limits.js';
import { k8sRunAsRoot } from '../../src/core/evaluators/k8s/run-as-root.js';
import { k8sSeccomp } from '../../src/core/evaluators/k8s/seccomp.js';
import { k8sSingleReplica } from '../../src/core/evaluators/k8s/single-replica.js';
import { leaks } from '../../src/core/evaluators/secrets/evaluator.js';
import type { Evaluator } from '../../src/core/evaluators/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { at, cleanup, examinedBy, makeTree, run, runBuiltin } from './kit.js';

afterAll(cleanup);

/**
 * A Deployment with the pod spec `podSpec` (YAML lines, indented by the caller). Its selector comes
 * last, so that the lines of the pod spec do not depend on it: without one, it is a patch (see
 * `K8sObject.unappliable`).
 */
function deployment(podSpec: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
${podSpec}  selector: { matchLabels: { app: web } }
`;
}

describe('k8s.capabilities forbiddenAdd', () => {
  it('reports a capability no process can use (non-root, no privilege escalation) as low, with what it does', async () => {
    const files = {
      'exporter.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: exporter
spec:
  template:
    spec:
      securityContext:
        runAsUser: 65534
      containers:
        - name: exporter
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              add: [SYS_TIME]
              drop: [ALL]
        - name: root-agent
          securityContext:
            runAsUser: 0
            allowPrivilegeEscalation: false
            capabilities:
              add: [NET_ADMIN]
        - name: escalating
          securityContext:
            capabilities:
              add: [SYS_PTRACE]
`,
    };
    const findings = await run(
      k8sCapabilities,
      { forbiddenAdd: ['SYS_TIME', 'NET_ADMIN', 'SYS_PTRACE'] },
      files,
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([
      ['exporter.yaml:15:21', 'low'],
      ['exporter.yaml:22:21', undefined],
      ['exporter.yaml:26:21', undefined],
    ]);
    expect(findings[0]!.message).toBe(
      'The container "exporter" of DaemonSet "exporter" adds SYS_TIME, which the baseline Pod Security Standard forbids, ' +
        'but no process of it can use it: it runs as a non-root user (runAsUser: 65534) with allowPrivilegeEscalation: false, ' +
        'so neither its user nor a file capability of its binaries grants it. Remove it from capabilities.add, where it only ' +
        'makes the pod fail baseline admission.',
    );
    expect(findings[1]!.message).toContain("NET_ADMIN, a capability that breaks the container's isolation");
  });
});

describe('k8s.privileged', () => {
  it('reports privileged containers of every kind, at the value', async () => {
    const files = {
      'a.yaml': deployment(`      containers:
        - name: a
          securityContext:
            privileged: true
      ephemeralContainers:
        - name: debug
          securityContext: { privileged: true }
`),
      'b.yaml': `apiVersion: batch/v1
kind: CronJob
metadata: { name: c }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: init
              securityContext:
                privileged: true
`,
    };
    const findings = await run(k8sPrivileged, {}, files);
    expect(findings.map(at)).toEqual(['a.yaml:11:25', 'a.yaml:14:42', 'b.yaml:12:29']);
    expect(findings[1]!.message).toContain('ephemeral container "debug" of Deployment "web"');
  });

  it('ignores false, strings and custom resources', async () => {
    const findings = await run(
      k8sPrivileged,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: a
          securityContext: { privileged: "true" }
`),
        'crd.yaml':
          'apiVersion: acme.io/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - securityContext: { privileged: true }\n',
      },
    );
    expect(findings).toEqual([]);
  });
});

describe('Helm chart templates, judged by what every render writes', () => {
  const chart = (template: string) => ({
    'charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
    'charts/agent/templates/daemonset.yaml': template,
  });
  const daemonSet = (pod: string) =>
    [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'metadata:',
      '  name: {{ include "agent.fullname" . }}',
      '  labels:',
      '    {{- include "agent.labels" . | nindent 4 }}',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      {{- include "agent.selectorLabels" . | nindent 6 }}',
      '  template:',
      '    spec:',
      pod,
      '      containers:',
      '        - name: agent',
      '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
      '',
    ].join('\n');
  const judged = async (template: string) =>
    (await run(k8sHostNamespaces, {}, chart(template))).map(
      (f) =>
        `${at(f).replace('charts/agent/templates/daemonset.yaml:', '')} ${f.confidence ?? ''} ${f.message.split(':')[0]}`,
    );
  it.each<[what: string, pod: string, expected: string[]]>([
    [
      'a literal setting: every render writes it',
      '      hostNetwork: true',
      ['13:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
    ],
    [
      'a setting inside an if block: only some values write it',
      '      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}',
      ['14:20 low DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
    ],
    ['a setting the values decide', '      hostNetwork: {{ .Values.hostNetwork }}', []],
    ['no such setting', '      dnsPolicy: ClusterFirst', []],
  ])('%s', async (_case, pod, expected) => {
    expect(await judged(daemonSet(pod))).toEqual(expected);
  });

  // A name the template writes with an action is said as the template writes it; one written out is
  // quoted as ever; one too long to read, or not on a `name:` line of its own, reads as its placeholder.
  it.each([
    [
      'metadata:\n  name: {{ include "agent.fullname" . }}',
      '        - name: agent',
      'container "agent" of DaemonSet {{ include "agent.fullname" . }}',
    ],
    [
      'metadata:\n  name: "{{ .Release.Name }}-agent" # per release',
      '        - name: {{ .Chart.Name }}',
      'container {{ .Chart.Name }} of DaemonSet {{ .Release.Name }}-agent',
    ],
    [
      'metadata:\n  name: node-agent',
      "        - name: '{{ .Values.name }}'",
      'container {{ .Values.name }} of DaemonSet "node-agent"',
    ],
    [
      `metadata:\n  name: {{ include "${'a'.repeat(120)}" . }}`,
      '        - name: agent',
      'container "agent" of DaemonSet "{{ }}"',
    ],
    [
      'metadata: { name: "{{ .Release.Name }}" }',
      '        - name: agent',
      'container "agent" of DaemonSet "{{ }}"',
    ],
  ])('names the workload of `%s` and its container `%s` as: %s', async (metadata, container, said) => {
    const template = [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      metadata,
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      container,
      '          securityContext:',
      '            privileged: true',
      '',
    ].join('\n');
    const found = await run(k8sPrivileged, {}, chart(template));
    expect(found.map((f) => f.message.split(' runs privileged')[0])).toEqual([`The ${said}`]);
  });

  it('leaves out a template whose objects no rule can place, and a library chart, saying so', async () => {
    const placedByValues = daemonSet('      hostNetwork: true')
      .replace('apiVersion: apps/v1', 'apiVersion: {{ include "agent.capabilities.apiVersion" . }}')
      .replace('kind: DaemonSet', 'kind: {{ .Values.kind }}');
    const files = {
      ...chart(placedByValues),
      'lib/Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 0.1.0\n',
      'lib/templates/daemonset.yaml': daemonSet('      hostNetwork: true'),
    };
    const report = await runCheck({
      root: makeTree(files),
      onlyRules: ['k8s-host-namespaces'],
      failOn: 'never',
    });
    expect(report.findings.filter((f) => f.ruleId === 'k8s-host-namespaces')).toEqual([]);
    const rule = report.rules.find((r) => r.id === 'k8s-host-namespaces');
    expect(rule?.scope?.leftOut?.map((l) => [l.kind, l.files])).toEqual([['Helm chart template', 2]]);
  });

  // A chart writes a built-in kind's apiVersion from a helper that picks the version for the cluster
  // (`common.capabilities.deployment.apiVersion`), and guards settings with conditions that hold for
  // any values; both passed as written, the first left out whole, the second at low confidence.
  it.each<[what: string, template: string, expected: string[], leftOut: number]>([
    [
      'an apiVersion a helper writes, for a built-in kind: placed by its kind',
      daemonSet('      hostNetwork: true').replace(
        'apiVersion: apps/v1',
        'apiVersion: {{ include "common.capabilities.daemonset.apiVersion" . }}',
      ),
      ['13:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      0,
    ],
    [
      'a document whose kind its values write, beside a placed one: the placed one is judged, the other left out',
      `apiVersion: policy/v1\nkind: {{ .Values.budgetKind }}\nmetadata:\n  name: x\n---\n${daemonSet('      hostNetwork: true')}`,
      ['18:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      1,
    ],
    [
      'a condition that holds for any values (if true, not false, or with a literal, the release name, with .)',
      daemonSet(
        '      {{- if or true .Values.debug }}\n      {{- with . }}\n      {{- if .Release.Name }}\n      {{- if not false }}\n      hostNetwork: true\n      {{- end }}\n      {{- end }}\n      {{- end }}\n      {{- end }}',
      ),
      ['17:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      0,
    ],
    [
      'the else of a condition that never holds',
      daemonSet(
        '      {{- if eq 1 2 }}\n      hostNetwork: false\n      {{- else }}\n      hostNetwork: true\n      {{- end }}',
      ),
      ['16:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      0,
    ],
    [
      'an if/else writing the same key in both branches: what every render writes is still judged',
      daemonSet(
        '      {{- if .Values.dns }}\n      dnsPolicy: ClusterFirstWithHostNet\n      {{- else }}\n      dnsPolicy: ClusterFirst\n      {{- end }}\n      hostNetwork: true',
      ),
      ['18:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      0,
    ],
    [
      'a key the template repeats outside any condition: the last one written, as helm installs it',
      daemonSet('      hostNetwork: false\n      dnsPolicy: ClusterFirst\n      hostNetwork: true'),
      ['15:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      0,
    ],
    [
      'a range over a literal list of one',
      daemonSet('      {{- range until 1 }}\n      hostNetwork: true\n      {{- end }}'),
      ['14:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork'],
      0,
    ],
    [
      'a value written by a constant action, and one followed by a template comment',
      daemonSet('      hostNetwork: {{ "true" }}\n      hostPID: true {{- /* for the profiler */}}'),
      [
        '13:20  DaemonSet {{ include "agent.fullname" . }} sets hostNetwork',
        '14:16  DaemonSet {{ include "agent.fullname" . }} sets hostPID',
      ],
      0,
    ],
    [
      'a condition on a value, a variable or the values: still only some renders',
      daemonSet(
        '      {{- if or .Values.a false }}\n      hostNetwork: true\n      {{- end }}\n      {{- range .Values.x }}\n      {{- if .Release.Name }}\n      hostPID: true\n      {{- end }}\n      {{- end }}',
      ),
      [
        '14:20 low DaemonSet {{ include "agent.fullname" . }} sets hostNetwork',
        '18:16 low DaemonSet {{ include "agent.fullname" . }} sets hostPID',
      ],
      0,
    ],
  ])('%s', async (_case, template, expected, leftOut) => {
    expect(await judged(template)).toEqual(expected);
    const report = await runCheck({
      root: makeTree(chart(template)),
      onlyRules: ['k8s-host-namespaces'],
      failOn: 'never',
    });
    const rule = report.rules.find((r) => r.id === 'k8s-host-namespaces');
    expect(rule?.scope?.leftOut?.map((l) => l.files) ?? []).toEqual(leftOut ? [leftOut] : []);
  });
});

describe("Helm chart templates, judged with the chart's default values", () => {
  // A chart installs what its values.yaml says unless a user overrides it: a template that reads a
  // value, or writes a block only for a value, is judged with the default, and the message names the
  // key to change. What the defaults cannot tell (.Release, include, range) stays a lead.
  const tree = (values: string | undefined, pod: string, container = '') => ({
    'charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
    ...(values === undefined ? {} : { 'charts/agent/values.yaml': values }),
    'charts/agent/templates/daemonset.yaml': [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'metadata:',
      '  name: {{ include "agent.fullname" . }}',
      'spec:',
      '  template:',
      '    spec:',
      pod,
      '      containers:',
      '        - name: agent',
      '          image: registry.example/agent:1.0.0',
      container,
      '',
    ].join('\n'),
  });
  type Evaluator = Parameters<typeof run>[0];
  const judged = async (evaluator: Evaluator, files: Record<string, string>) =>
    (await run(evaluator, evaluator === k8sCapabilities ? { forbiddenAdd: ['SYS_ADMIN'] } : {}, files)).map(
      (f) => {
        const keys = /default values write this \((.*?) in ([^)]*)\)/.exec(f.message);
        const where = at(f).replace(/^charts\/agent\/templates\/daemonset\.yaml:/, '');
        return `${where} ${f.confidence ?? 'shown'}${keys ? ` ${keys[1]} ${keys[2]}` : ''}`;
      },
    );
  const values = 'charts/agent/values.yaml';
  it.each<
    [
      what: string,
      evaluator: Evaluator,
      values: string | undefined,
      pod: string,
      container: string,
      expected: string[],
    ]
  >([
    // A value read as written in the template's line.
    [
      'a value set true',
      k8sPrivileged,
      'privileged: true\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged }}',
      [`13:25 shown \`privileged\` ${values}`],
    ],
    [
      'a value set false',
      k8sPrivileged,
      'privileged: false\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged }}',
      [],
    ],
    [
      'a nested value',
      k8sRunAsRoot,
      'podSecurity:\n  uid: 0\n',
      '      securityContext:\n        runAsUser: {{ .Values.podSecurity.uid }}',
      '',
      [`9:20 shown \`podSecurity.uid\` ${values}`],
    ],
    [
      'a quoted value',
      k8sImageTag,
      'image: registry.example/side:latest\n',
      '',
      '          args: [x]\n        - name: side\n          image: {{ .Values.image | quote }}',
      [`14:18 shown \`image\` ${values}`],
    ],
    [
      'a default for an empty value',
      k8sImageTag,
      'tag: ""\n',
      '',
      '        - name: side\n          image: "registry.example/side:{{ .Values.tag | default "latest" }}"',
      [`13:19 shown \`tag\` ${values}`],
    ],
    [
      'default written first',
      k8sHostNamespaces,
      'hostNetwork: null\n',
      '      hostNetwork: {{ default true .Values.hostNetwork }}',
      '',
      [`8:20 shown \`hostNetwork\` ${values}`],
    ],
    // sprig's default takes an absent, null or false value for unset: the default is written.
    [
      'default true over a false value',
      k8sPrivileged,
      'privileged: false\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged | default true }}',
      [`13:25 shown \`privileged\` ${values}`],
    ],
    [
      'default true over an absent value',
      k8sPrivileged,
      'other: 1\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged | default true }}',
      [`13:25 shown \`privileged\` ${values}`],
    ],
    [
      'default true over a YAML 1.1 `no`, which helm reads as false',
      k8sPrivileged,
      'privileged: no\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged | default true }}',
      [`13:25 shown \`privileged\` ${values}`],
    ],
    [
      'a quoted "no" is a string that default keeps',
      k8sPrivileged,
      'privileged: "no"\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged | default true }}',
      [],
    ],
    [
      'a value the chart does not set',
      k8sPrivileged,
      'other: 1\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged }}',
      [],
    ],
    // Blocks whose condition the defaults decide.
    [
      'an if block the defaults write',
      k8sHostNamespaces,
      'hostNetwork: true\n',
      '      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}',
      '',
      [`9:20 shown \`hostNetwork\` ${values}`],
    ],
    [
      'an if block the defaults leave out',
      k8sHostNamespaces,
      'hostNetwork: false\n',
      '      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}',
      '',
      ['9:20 low'],
    ],
    [
      'the else of a false condition',
      k8sHostNamespaces,
      'isolated: false\n',
      '      {{- if .Values.isolated }}\n      dnsPolicy: None\n      {{- else }}\n      hostPID: true\n      {{- end }}',
      '',
      [`11:16 shown \`isolated\` ${values}`],
    ],
    [
      'not, and, eq',
      k8sHostNamespaces,
      'net: {mode: host, off: false}\nipc: true\n',
      '      {{- if and (eq .Values.net.mode "host") (not .Values.net.off) }}\n      hostNetwork: true\n      {{- end }}\n      {{- if or .Values.missing .Values.ipc }}\n      hostIPC: true\n      {{- end }}',
      '',
      [`9:20 shown \`net.mode\`, \`net.off\` ${values}`, `12:16 shown \`ipc\` ${values}`],
    ],
    [
      'a condition on the release',
      k8sHostNamespaces,
      'hostNetwork: true\n',
      '      {{- if .Release.IsInstall }}\n      hostNetwork: true\n      {{- end }}',
      '',
      ['9:20 low'],
    ],
    [
      'a block inside range',
      k8sHostNamespaces,
      'hostNetwork: true\nitems: [a]\n',
      '      {{- range .Values.items }}\n      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}\n      {{- end }}',
      '',
      ['10:20 low'],
    ],
    // A value's YAML written under a key.
    [
      'toYaml of a set mapping',
      k8sPrivileged,
      'securityContext:\n  privileged: true\n',
      '',
      '          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}',
      [`12:28 shown \`securityContext.privileged\` ${values}`],
    ],
    [
      'toYaml of an empty mapping',
      k8sPrivileged,
      'securityContext: {}\n',
      '',
      '          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}',
      [],
    ],
    // A block the defaults leave out is read as a render that turns it on writes it, with the other
    // defaults: not as a setting left out.
    [
      'toYaml inside a block the defaults leave out',
      k8sRunAsRoot,
      'extra: false\nsc:\n  runAsNonRoot: true\n',
      '      {{- if .Values.extra }}\n      securityContext: {{- toYaml .Values.sc | nindent 8 }}\n      {{- end }}',
      '',
      [],
    ],
    [
      'an empty value inside the block that writes it only when set',
      k8sPrivileged,
      'extraInit: []\nfix: true\n',
      '      initContainers:\n        {{- if .Values.extraInit }}\n        {{- toYaml .Values.extraInit | nindent 8 }}\n        {{- end }}\n        {{- if .Values.fix }}\n        - name: init\n          image: busybox:1.36\n          securityContext:\n            privileged: true\n        {{- end }}',
      '',
      [`16:25 shown \`fix\` ${values}`],
    ],
    // A `{}` default writes an empty block: the setting is absent by default, graded as one the
    // template leaves out (low: a user's values may write it).
    [
      'toYaml of an empty mapping, for a setting that must be written',
      k8sRunAsRoot,
      'securityContext: {}\n',
      '      securityContext: {{- toYaml .Values.securityContext | nindent 8 }}',
      '',
      ['10:11 low'],
    ],
    [
      'toYaml of nested lists, inside with',
      k8sCapabilities,
      'sc:\n  capabilities:\n    add: [NET_ADMIN, SYS_ADMIN]\n',
      '',
      '          {{- with .Values.sc }}\n          securityContext:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}',
      [`14:13 shown \`sc.capabilities.add.1\` ${values}`],
    ],
    [
      'toYaml of a list under a key',
      k8sHostPath,
      'volumes:\n  - name: root\n    hostPath: {path: /}\n',
      '      volumes:\n        {{- toYaml .Values.volumes | nindent 8 }}',
      '          volumeMounts: [{ name: root, mountPath: /host }]',
      [`9:9 shown \`volumes.0.hostPath\` ${values}`],
    ],
    [
      'toYaml of a value too long to write on one line',
      k8sPrivileged,
      `securityContext:\n  privileged: true\n  pad: "${'x'.repeat(17_000)}"\n`,
      '',
      '          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}',
      [],
    ],
    // Charts whose values cannot be read are judged as before.
    [
      'no values.yaml',
      k8sHostNamespaces,
      undefined,
      '      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}',
      '',
      ['9:20 low'],
    ],
    [
      'a values.yaml that does not parse',
      k8sHostNamespaces,
      'hostNetwork: [true\n',
      '      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}',
      '',
      ['9:20 low'],
    ],
  ])('%s', async (_case, evaluator, valuesText, pod, container, expected) => {
    expect(await judged(evaluator, tree(valuesText, pod, container))).toEqual(expected);
  });

  it('fails the gate for a chart privileged by default, and passes one whose privileged block is off by default', async () => {
    const gate = async (values: string, container: string) => {
      const report = await runCheck({
        root: makeTree(tree(values, '', container)),
        onlyRules: ['k8s-privileged-container'],
        failOn: 'high',
      });
      return [report.summary.gate.result, report.findings.map((f) => at(f))];
    };
    const byValue = '          securityContext:\n            privileged: {{ .Values.privileged }}';
    const byBlock =
      '          securityContext:\n            {{- if .Values.privileged }}\n            privileged: true\n            {{- end }}';
    expect(await gate('privileged: true\n', byValue)).toEqual([
      'fail',
      ['charts/agent/templates/daemonset.yaml:13:25'],
    ]);
    expect(await gate('privileged: true\n', byBlock)).toEqual([
      'fail',
      ['charts/agent/templates/daemonset.yaml:14:25'],
    ]);
    expect(await gate('privileged: false\n', byBlock)).toEqual(['pass', []]);
  });

  it("places a finding on what the defaults write at the template's action, columns included", async () => {
    const located = async (values: string, container: string) =>
      (await run(k8sPrivileged, {}, tree(values, '', container))).map((f) => {
        const { startLine, startColumn, endLine, endColumn } = f.location!;
        return [startLine, startColumn, endLine, endColumn];
      });
    // `privileged: {{ .Values.privileged }}`: the action spans columns 25 to 48.
    expect(
      await located(
        'privileged: true\n',
        '          securityContext:\n            privileged: {{ .Values.privileged }}',
      ),
    ).toEqual([[13, 25, 13, 48]]);
    // `securityContext: {{- toYaml .Values.securityContext | nindent 12 }}`: columns 28 to 77.
    expect(
      await located(
        'securityContext:\n  privileged: true\n',
        '          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}',
      ),
    ).toEqual([[12, 28, 12, 77]]);
  });

  it("reads a subchart's own values.yaml when its parent writes nothing for it", async () => {
    const sub = tree(
      'privileged: true\n',
      '',
      '          securityContext:\n            privileged: {{ .Values.privileged }}',
    );
    const files = Object.fromEntries(
      Object.entries(sub).map(([p, text]) => [p.replace('charts/agent/', 'charts/agent/charts/sub/'), text]),
    );
    files['charts/agent/Chart.yaml'] = 'apiVersion: v2\nname: agent\nversion: 0.1.0\n';
    files['charts/agent/values.yaml'] = 'privileged: false\nother:\n  privileged: false\n';
    const found = await run(k8sPrivileged, {}, files);
    expect(found.map((f) => [at(f), f.confidence ?? 'shown'])).toEqual([
      ['charts/agent/charts/sub/templates/daemonset.yaml:13:25', 'shown'],
    ]);
    expect(found[0]?.message).toContain('(`privileged` in charts/agent/charts/sub/values.yaml)');
  });
});

describe("Helm subcharts, judged with their parent chart's values and globals", () => {
  // helm renders a subchart (`<parent>/charts/<name>/`) with the parent's `<name or alias>:` block
  // merged over the subchart's values.yaml and the parent's `global:` over both, the parent winning;
  // a dependency whose `condition` or `tags` the parent's defaults turn off is not rendered at all.
  const sub = 'app/charts/agent';
  const daemonset = (container: string) =>
    [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'metadata:',
      '  name: agent',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: agent',
      '          image: registry.example/agent:1.0.0',
      container,
      '',
    ].join('\n');
  const byValue = '          securityContext:\n            privileged: {{ .Values.privileged }}';
  const byBlock =
    '          securityContext:\n            {{- if .Values.privileged }}\n            privileged: true\n            {{- end }}';
  const byGlobal = '          securityContext:\n            privileged: {{ .Values.global.privileged }}';
  const deps = (...entries: string[]) =>
    `apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
  const judged = async (files: Record<string, string>) =>
    (await run(k8sPrivileged, {}, files)).map((f) => {
      const keys = /default values write this \((.*?)\); a user/.exec(f.message)?.[1];
      const skipped = /do not install this template's subchart: (.*?) \(check/.exec(f.message)?.[1];
      const where = at(f).replace(`${sub}/templates/daemonset.yaml:`, '');
      return [where, f.confidence ?? 'shown', keys ?? skipped ?? ''].join(' | ');
    });
  it.each<
    [
      what: string,
      parentChart: string,
      parentValues: string | undefined,
      subValues: string | undefined,
      container: string,
      expected: string[],
    ]
  >([
    [
      "the parent's block turns on what the subchart's defaults leave off",
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: true\n',
      'privileged: false\n',
      byValue,
      ['12:25 | shown | `agent.privileged` in app/values.yaml'],
    ],
    [
      "the parent's block turns off what the subchart's defaults turn on",
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: false\n',
      'privileged: true\n',
      byBlock,
      ['13:25 | low | '],
    ],
    [
      'a subchart in charts/ that Chart.yaml does not list is rendered under its name',
      'apiVersion: v2\nname: app\nversion: 1.0.0\n',
      'agent:\n  privileged: true\n',
      'privileged: false\n',
      byValue,
      ['12:25 | shown | `agent.privileged` in app/values.yaml'],
    ],
    [
      'a subchart without values of its own, given them by the parent',
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: true\n',
      undefined,
      byValue,
      ['12:25 | shown | `agent.privileged` in app/values.yaml'],
    ],
    [
      "a null in the parent's block deletes the subchart's default",
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: null\n',
      'privileged: true\n',
      byBlock,
      ['13:25 | low | '],
    ],
    [
      'an alias: the block under the alias, not the name',
      deps('{name: agent, alias: node, version: 0.1.0}'),
      'agent:\n  privileged: false\nnode:\n  privileged: true\n',
      'privileged: false\n',
      byValue,
      ['12:25 | shown | `node.privileged` in app/values.yaml'],
    ],
    [
      'one chart under two aliases: its own values, as before',
      deps('{name: agent, alias: a, version: 0.1.0}', '{name: agent, alias: b, version: 0.1.0}'),
      'a:\n  privileged: false\n',
      'privileged: true\n',
      byValue,
      [`12:25 | shown | \`privileged\` in ${sub}/values.yaml`],
    ],
    [
      "the parent's global wins over the subchart's",
      deps('{name: agent, version: 0.1.0}'),
      'global:\n  privileged: true\n',
      'global:\n  privileged: false\n',
      byGlobal,
      ['12:25 | shown | `global.privileged` in app/values.yaml'],
    ],
    [
      "a global the parent leaves out stays the subchart's",
      deps('{name: agent, version: 0.1.0}'),
      'global:\n  registry: example\n',
      'global:\n  privileged: true\n',
      byGlobal,
      [`12:25 | shown | \`global.privileged\` in ${sub}/values.yaml`],
    ],
    // A dependency switched off by the parent's defaults: rendered only when a user turns it on.
    [
      "a condition the parent's values set false",
      deps('{name: agent, version: 0.1.0, condition: agent.enabled}'),
      'agent:\n  enabled: false\n',
      'privileged: true\n',
      byValue,
      [
        '12:25 | low | its condition `agent.enabled` in app/Chart.yaml is false by default (`agent.enabled` in app/values.yaml)',
      ],
    ],
    [
      "a condition the subchart's own values set false",
      deps('{name: agent, version: 0.1.0, condition: agent.enabled}'),
      'other: 1\n',
      'enabled: false\nprivileged: true\n',
      byValue,
      [
        `12:25 | low | its condition \`agent.enabled\` in app/Chart.yaml is false by default (\`enabled\` in ${sub}/values.yaml)`,
      ],
    ],
    [
      'a condition that holds',
      deps('{name: agent, version: 0.1.0, condition: agent.enabled}'),
      'agent:\n  enabled: true\n',
      'privileged: true\n',
      byValue,
      [`12:25 | shown | \`privileged\` in ${sub}/values.yaml`],
    ],
    [
      'a tag the parent sets false',
      deps('{name: agent, version: 0.1.0, tags: [monitoring]}'),
      'tags:\n  monitoring: false\n',
      'privileged: true\n',
      byValue,
      [
        '12:25 | low | its tag `monitoring` in app/Chart.yaml is false by default (`tags.monitoring` in app/values.yaml)',
      ],
    ],
    [
      'a condition that holds overrides a false tag',
      deps('{name: agent, version: 0.1.0, condition: agent.enabled, tags: [monitoring]}'),
      'tags:\n  monitoring: false\nagent:\n  enabled: true\n',
      'privileged: true\n',
      byValue,
      [`12:25 | shown | \`privileged\` in ${sub}/values.yaml`],
    ],
    // helm reads values with YAML 1.1 rules: a plain `no` is false, a quoted one a string.
    [
      'a condition set with a YAML 1.1 `no`',
      deps('{name: agent, version: 0.1.0, condition: agent.enabled}'),
      'agent:\n  enabled: no\n',
      'privileged: true\n',
      byValue,
      [
        '12:25 | low | its condition `agent.enabled` in app/Chart.yaml is false by default (`agent.enabled` in app/values.yaml)',
      ],
    ],
    [
      'a block whose value is a YAML 1.1 `off`',
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: off\n',
      'privileged: true\n',
      byBlock,
      ['13:25 | low | '],
    ],
    [
      'a value written `yes`',
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: yes\n',
      'privileged: false\n',
      byValue,
      ['12:25 | shown | `agent.privileged` in app/values.yaml'],
    ],
    [
      'a quoted "no" is a string, which an if takes for true',
      deps('{name: agent, version: 0.1.0}'),
      'agent:\n  privileged: "no"\n',
      'privileged: false\n',
      byBlock,
      ['13:25 | shown | `agent.privileged` in app/values.yaml'],
    ],
  ])('%s', async (_case, parentChart, parentValues, subValues, container, expected) => {
    const files: Record<string, string> = {
      'app/Chart.yaml': parentChart,
      ...(parentValues === undefined ? {} : { 'app/values.yaml': parentValues }),
      [`${sub}/Chart.yaml`]: 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
      ...(subValues === undefined ? {} : { [`${sub}/values.yaml`]: subValues }),
      [`${sub}/templates/daemonset.yaml`]: daemonset(container),
    };
    expect(await judged(files)).toEqual(expected);
  });

  it("follows an umbrella chart's values through two levels of subcharts", async () => {
    const files: Record<string, string> = {
      'top/Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.0.0\n',
      'top/values.yaml': 'app:\n  agent:\n    privileged: true\n',
      'top/charts/app/Chart.yaml': deps('{name: agent, version: 0.1.0}'),
      'top/charts/app/values.yaml': 'agent:\n  privileged: false\n',
      'top/charts/app/charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
      'top/charts/app/charts/agent/values.yaml': 'privileged: false\n',
      'top/charts/app/charts/agent/templates/daemonset.yaml': daemonset(byValue),
    };
    const found = await run(k8sPrivileged, {}, files);
    expect(found.map((f) => [at(f), f.confidence ?? 'shown'])).toEqual([
      ['top/charts/app/charts/agent/templates/daemonset.yaml:12:25', 'shown'],
    ]);
    expect(found[0]?.message).toContain('(`app.agent.privileged` in top/values.yaml)');
  });
});

describe("Helm chart templates: an autoscaler the chart's defaults leave out", () => {
  // An autoscaler a chart writes only when a user's values turn it on scales nothing a render
  // with the defaults installs: the single replica the defaults write is still a finding.
  const files = (autoscaling: string) => ({
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/values.yaml': `replicaCount: 1\nautoscaling:\n  enabled: ${autoscaling}\n  maxReplicas: 5\n`,
    'chart/templates/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ include "web.fullname" . }}',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: registry.example/web:1.0.0',
      '',
    ].join('\n'),
    'chart/templates/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "web.fullname" . }}\nspec:\n  selector: {app: web}\n',
    'chart/templates/hpa.yaml': [
      '{{- if .Values.autoscaling.enabled }}',
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'metadata:',
      '  name: {{ include "web.fullname" . }}',
      'spec:',
      '  scaleTargetRef:',
      '    apiVersion: apps/v1',
      '    kind: Deployment',
      '    name: {{ include "web.fullname" . }}',
      '  maxReplicas: {{ .Values.autoscaling.maxReplicas }}',
      '{{- end }}',
      '',
    ].join('\n'),
  });
  it.each([
    ['off by default: the single replica is a finding', 'false', ['chart/templates/deployment.yaml:6:13']],
    ['on by default: the autoscaler decides', 'true', []],
  ])('%s', async (_what, autoscaling, expected) => {
    expect((await run(k8sSingleReplica, {}, files(autoscaling))).map(at)).toEqual(expected);
  });
});

describe("Helm chart templates: what the chart's named templates write where a line includes them", () => {
  // A literal setting in a named template of the chart's helpers, included by name, was dropped with
  // the include line: a privileged container passed as a template with nothing to judge.
  const helpers = [
    '{{- define "agent.hostAccess" -}}',
    'hostNetwork: true',
    'dnsPolicy: ClusterFirstWithHostNet',
    '{{- end }}',
    '{{- define "agent.maybe" -}}',
    '{{- if .Values.debug }}',
    'hostPID: true',
    '{{- end }}',
    '{{- end }}',
    '',
  ].join('\n');
  const template = (lines: string) =>
    [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'metadata:',
      '  name: agent',
      'spec:',
      '  selector: {matchLabels: {app: agent}}',
      '  template:',
      '    spec:',
      lines,
      '      containers:',
      '        - name: agent',
      '          image: busybox:1.36',
      '',
    ].join('\n');
  it.each<[what: string, lines: string, expected: string[]]>([
    [
      'a named template every render writes: judged at the mapping it is merged into',
      '      {{- include "agent.hostAccess" . | nindent 6 }}',
      ['9:7  DaemonSet "agent" sets hostNetwork'],
    ],
    [
      'one whose settings only some values write: nothing every render writes',
      '      {{- include "agent.maybe" . | nindent 6 }}',
      [],
    ],
    [
      'an include inside an if block: left to the values',
      '      {{- if .Values.host }}\n      {{- include "agent.hostAccess" . | nindent 6 }}\n      {{- end }}',
      [],
    ],
  ])('%s', async (_case, lines, expected) => {
    const files = {
      'charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 0.1.0\n',
      'charts/agent/templates/_helpers.tpl': helpers,
      'charts/agent/templates/daemonset.yaml': template(lines),
    };
    const found = (await run(k8sHostNamespaces, {}, files)).map(
      (f) =>
        `${at(f).replace('charts/agent/templates/daemonset.yaml:', '')} ${f.confidence === 'low' ? 'low' : ''} ${f.message.split(':')[0]}`,
    );
    expect(found).toEqual(expected);
  });
});

describe('pod specs of other kinds, found by their shape', () => {
  // Operators run pods from these as written; a privileged container or a host namespace in one
  // passed every rule, since only the built-in workload kinds were read.
  const files = {
    'knative.yaml': `apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: ks }
spec:
  template:
    spec:
      hostIPC: true
      containers:
        - image: nginx:1.25
          securityContext: { privileged: true }
`,
    'tekton.yaml': `apiVersion: tekton.dev/v1
kind: Task
metadata: { name: build }
spec:
  stepTemplate:
    securityContext: { privileged: true }
  steps:
    - name: compile
      image: golang:1.22
      securityContext:
        capabilities: { add: [SYS_ADMIN] }
`,
    'argo.yaml': `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: { name: wft }
spec:
  templates:
    - name: main
      container:
        image: alpine:3.19
        securityContext: { privileged: true }
    - name: other
      script:
        image: alpine:3.19
        source: id
        securityContext: { privileged: true }
`,
    'jobset.yaml': `apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata: { name: js }
spec:
  replicatedJobs:
    - name: a
      template:
        spec:
          template:
            spec:
              hostPID: true
              containers: [{ name: w, image: busybox:1.36 }]
    - name: b
      template:
        spec:
          template:
            spec:
              hostPID: true
              containers: [{ name: w, image: busybox:1.36 }]
              volumes: [{ name: root, hostPath: { path: / } }]
`,
    'schema.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: things.acme.io }
spec:
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          properties:
            containers: { type: array, items: { type: object } }
`,
  };

  it('judges what they set: privileged, added capabilities, host namespaces and paths', async () => {
    const privileged = await run(k8sPrivileged, {}, files);
    expect(privileged.map(at)).toEqual([
      'knative.yaml:10:42',
      'tekton.yaml:6:36',
      'argo.yaml:9:40',
      'argo.yaml:14:40',
    ]);
    expect(privileged.map((f) => f.message.slice(0, 60))).toEqual([
      'The container "containers#0" of Service "ks" runs privileged',
      'The container "stepTemplate" of Task "build" runs privileged',
      'The container "container" of WorkflowTemplate "wft" runs pri',
      'The container "script" of WorkflowTemplate "wft" runs privil',
    ]);
    const caps = await run(k8sCapabilities, { forbiddenAdd: ['SYS_ADMIN'], requireDropAll: true }, files);
    expect(caps.map(at)).toEqual(['tekton.yaml:11:31']);
    const hosts = await run(k8sHostNamespaces, { namespaces: ['network', 'pid', 'ipc'] }, files);
    expect(hosts.map(at)).toEqual(['knative.yaml:7:16', 'jobset.yaml:11:24', 'jobset.yaml:18:24']);
    // Two pod specs of one object are two occurrences.
    expect(new Set(hosts.map((f) => f.key)).size).toBe(3);
    expect((await run(k8sHostPath, {}, files)).map(at)).toEqual(['jobset.yaml:20:39']);
  });

  it('leaves what they leave out to the operator that runs them', async () => {
    expect(await run(k8sPrivilegeEscalation, {}, files)).toEqual([]);
    expect(await run(k8sRunAsRoot, {}, files)).toEqual([]);
    expect(await run(k8sResourceLimits, {}, files)).toEqual([]);
  });
});

describe('k8s.host-path: files read for a mount of an unmounted volume', () => {
  it('reads a templated file without reporting it as unparsable', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n  volumes:\n    - name: host-logs\n      hostPath: { path: /var/log }\n';
    // A file of `{{ }}` placeholders a build step substitutes, which names the volume.
    const templated =
      'settings:\n  token: {{TOKEN}}\n  volumeMounts: [{ name: host-logs, mountPath: /logs }]\n';
    const report = await runCheck({
      root: makeTree({ 'k8s/pod.yaml': pod, 'deploy/values.yaml': templated }),
      onlyRules: ['k8s-host-path-volume', 'unparsable-file'],
      failOn: 'never',
    });
    expect(report.findings.filter((f) => f.ruleId === 'unparsable-file')).toEqual([]);
  });
});

describe('unparsable-file: what does not parse as its readers read it', () => {
  it('reads a JSON file with a repeated key as JSON readers do (the last value), and YAML as an error', async () => {
    const composer =
      '{\n  "require": {\n    "php": "A NOTE ON THE VERSION",\n    "php": ">=7.2.5",\n    "acme/lib": "dev-main"\n  }\n}\n';
    const workflow = 'on: push\non: pull_request\njobs: {}\n';
    const report = await runCheck({
      root: makeTree({ 'composer.json': composer, '.github/workflows/ci.yml': workflow }),
      onlyRules: ['dependency-git-branch', 'unparsable-file'],
      failOn: 'never',
    });
    expect(report.findings.map((f) => [f.ruleId, `${f.location?.path}:${f.location?.startLine}`])).toEqual([
      ['unparsable-file', '.github/workflows/ci.yml:2'],
      ['dependency-git-branch', 'composer.json:5'],
    ]);
  });

  it('leaves out a manifest of @NAME@ placeholders a script fills, saying so, and reports broken YAML', async () => {
    const template =
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: @STS_NAME@\nspec:\n  serviceName: @STS_NAME@\n';
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n   labels: {}\n';
    const report = await runCheck({
      root: makeTree({ 'dev/scale/sts.yaml': template, 'k8s/pod.yaml': broken }),
      onlyRules: ['k8s-host-path-volume', 'unparsable-file'],
      failOn: 'never',
    });
    expect(
      report.findings.filter((f) => f.ruleId === 'unparsable-file').map((f) => f.location?.path),
    ).toEqual(['k8s/pod.yaml']);
    const rule = report.rules.find((r) => r.id === 'k8s-host-path-volume');
    expect(rule?.scope?.leftOut?.map((l) => [l.kind, l.files])).toEqual([
      ['manifest template', 1],
      ['unreadable', 1],
    ]);
  });
});

describe('YAML merge keys, which kubectl expands', () => {
  it('sees a setting a container merges from an anchor, at the merge, and lets its own keys win', async () => {
    const files = {
      'merged.yaml': `apiVersion: v1
kind: Pod
metadata: { name: p }
x-hardened: &hardened
  privileged: true
  runAsUser: 1000
spec:
  hostNetwork: false
  containers:
    - name: a
      image: nginx:1.27.0
      securityContext:
        <<: *hardened
    - name: b
      image: nginx:1.27.0
      securityContext:
        <<: [*hardened]
        privileged: false
`,
      'pod-merge.yaml': `apiVersion: v1
kind: Pod
metadata: { name: q }
x-host: &host
  hostPID: true
spec:
  <<: *host
  containers:
    - name: c
      image: nginx:1.27.0
`,
    };
    const privileged = await run(k8sPrivileged, {}, files);
    expect(privileged.map(at)).toEqual(['merged.yaml:13:9']);
    expect(privileged[0]!.message).toBe(
      'The container "a" of Pod "p" runs privileged: it gets every capability and the host\'s devices, so whoever runs code in it controls the node.',
    );
    const host = await run(k8sHostNamespaces, {}, files);
    expect(host.map((f) => `${at(f)} ${f.message.slice(0, 30)}`)).toEqual([
      'pod-merge.yaml:7:3 Pod "q" sets hostPID: true: it',
    ]);
  });
});

describe('k8s.privilege-escalation', () => {
  it('points at the value, the securityContext key, or the container', async () => {
    const findings = await run(
      k8sPrivilegeEscalation,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: a
          securityContext:
            allowPrivilegeEscalation: true
        - name: b
          securityContext:
            runAsNonRoot: true
        - image: nginx:1.27
          name: c
        - name: d
          securityContext: { allowPrivilegeEscalation: false }
`),
      },
    );
    expect(findings.map(at)).toEqual(['a.yaml:11:39', 'a.yaml:13:11', 'a.yaml:15:11']);
  });
});

describe('Linux-only container settings on Windows pods', () => {
  it('asks a Windows pod for neither allowPrivilegeEscalation nor readOnlyRootFilesystem, which the API rejects there', async () => {
    const pods = (os: string) =>
      deployment(`      os: { name: ${os} }
      containers:
        - name: iis
          image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
`);
    for (const evaluator of [k8sPrivilegeEscalation, k8sReadOnlyRootFs]) {
      expect(await run(evaluator, {}, { 'a.yaml': pods('windows') })).toEqual([]);
      expect((await run(evaluator, {}, { 'a.yaml': pods('linux') })).map(at)).toEqual(['a.yaml:10:11']);
    }
  });
});

describe('k8s.run-as-root', () => {
  it('applies pod-level settings to containers and lets containers override them', async () => {
    const findings = await run(
      k8sRunAsRoot,
      {},
      {
        'a.yaml': deployment(`      securityContext:
        runAsNonRoot: false
      containers:
        - name: inherits
        - name: overrides
          securityContext: { runAsNonRoot: true }
        - name: uid
          securityContext: { runAsUser: 1000 }
        - name: root
          securityContext: { runAsUser: 0, runAsNonRoot: true }
`),
      },
    );
    expect(findings.map(at)).toEqual(['a.yaml:9:23', 'a.yaml:17:41']);
    expect(findings[0]!.message).toContain('Deployment "web" (pod securityContext');
    expect(findings[1]!.message).toContain('container "root"');
  });

  it('is sure of an explicit root user, and of a missing setting only as far as the image may run as root', async () => {
    const findings = await run(
      k8sRunAsRoot,
      {},
      {
        'a.yaml': deployment(`      containers:
        - { name: unset, image: "acme/app:1.0" }
        - name: root
          securityContext: { runAsUser: 0 }
          image: acme/app:1.0
`),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      ['a.yaml:9:11', 'medium'],
      ['a.yaml:11:41', undefined],
    ]);
  });

  it('grades a missing setting low on an image whose publisher sets a non-root user, naming it', async () => {
    const findings = await run(
      k8sRunAsRoot,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: kubectl
          image: bitnami/kubectl:1.31
        - name: app
          image: gcr.io/distroless/static-debian12:nonroot
        - name: shell
          image: bitnami/minideb:bookworm
        - name: root
          image: bitnami/kubectl:1.31
          securityContext: { runAsUser: 0 }
        - name: db
          image: mirror.gcr.io/postgres:17
        - name: db-shell
          image: postgres:17
          command: [sleep, infinity]
`),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      ['a.yaml:9:11', 'low'],
      ['a.yaml:11:11', 'low'],
      ['a.yaml:13:11', 'medium'],
      // An explicit root user is root whatever the image.
      ['a.yaml:17:41', undefined],
      // postgres' entrypoint switches to its user; a command of the container's own replaces it.
      ['a.yaml:18:11', 'low'],
      ['a.yaml:20:11', 'medium'],
    ]);
    expect(findings[0]!.message).toMatch(
      /root \(its image, bitnami\/kubectl:1\.31, is one whose publisher sets a non-root user: only a change of image or tag would make it root\)\.$/,
    );
  });

  describe('on an image this repository builds', () => {
    const files = {
      'deploy/cloudbuild/api.yaml': `steps:
- name: gcr.io/cloud-builders/git
  args: [fetch, --unshallow]
- name: gcr.io/cloud-builders/docker
  args: [build, ., -t, 'gcr.io/acme/api:$COMMIT_SHA', -t, 'gcr.io/acme/api:latest', -f, services/api/Dockerfile]
- name: gcr.io/cloud-builders/docker
  args: [build, ., -t, 'gcr.io/acme/tool:$COMMIT_SHA', -f, services/tool/Dockerfile]
images: [gcr.io/acme/api, gcr.io/acme/tool]
`,
      'cloudbuild.yaml': `steps:
- name: ubuntu
  entrypoint: bash
  args: [-c, 'docker build -t gcr.io/acme/batch:$SHORT_SHA .']
  dir: services/batch
`,
      Makefile:
        'image:\n\tdocker build -t ghcr.io/acme/worker:$(VERSION) -f services/worker/Dockerfile .\n' +
        '\tdocker build --target runtime -t ghcr.io/acme/web:$(VERSION) -f services/web/Dockerfile .\n' +
        '\tdocker build --target $(STAGE) -t ghcr.io/acme/web-any:$(VERSION) -f services/shell/Dockerfile .\n' +
        '\tdocker build --target debug -t ghcr.io/acme/shell-debug:$(VERSION) -f services/shell/Dockerfile .\n',
      // A build's target is the stage it builds: a non-root stage before a root one, and a root stage
      // before a non-root one.
      'services/web/Dockerfile': 'FROM node:22 AS runtime\nUSER 10001\nFROM runtime AS debug\nUSER root\n',
      'services/shell/Dockerfile':
        'FROM node:22 AS debug\nCMD ["node", "inspect"]\nFROM node:22-slim\nUSER 10001\n',
      'services/api/Dockerfile':
        'FROM golang:1.23 AS build\nRUN go build -o /api .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /api /api\n',
      'services/worker/Dockerfile': 'FROM debian:12\nRUN useradd -u 10001 app\nUSER 10001\n',
      'services/batch/Dockerfile': 'FROM python:3.13-slim\nUSER nobody\n',
      'services/tool/Dockerfile': 'FROM debian:12\n',
    };
    it.each([
      // Built from a Dockerfile whose final stage is a non-root base image; the tag of variables names every tag.
      [
        'gcr.io/acme/api:stable',
        'low',
        'deploy/cloudbuild/api.yaml:4 builds it from services/api/Dockerfile',
      ],
      // A Makefile's build, with USER 10001.
      ['ghcr.io/acme/worker:1.2.0', 'low', 'Makefile:2 builds it from services/worker/Dockerfile'],
      // Built with --target: judged by that stage, whatever the last; a target of a variable tells nothing.
      [
        'ghcr.io/acme/web:1.2.0',
        'low',
        'Makefile:3 builds it from services/web/Dockerfile, whose stage "runtime" (--target runtime) runs with USER 10001',
      ],
      ['ghcr.io/acme/web-any:1.2.0', 'medium', undefined],
      ['ghcr.io/acme/shell-debug:1.2.0', 'medium', undefined],
      // A Cloud Build shell step, from its dir.
      ['gcr.io/acme/batch:2024-01', 'low', 'cloudbuild.yaml:2 builds it from services/batch/Dockerfile'],
      // Built here, but its Dockerfile sets no USER on a base that runs as root.
      ['gcr.io/acme/tool:stable', 'medium', undefined],
      // A name like the built ones, which no build tags.
      ['gcr.io/acme/api-debug:stable', 'medium', undefined],
      ['ghcr.io/acme/api:stable', 'medium', undefined],
    ])('%s: %s', async (image, confidence, source) => {
      const findings = await run(
        k8sRunAsRoot,
        {},
        {
          ...files,
          'deploy/app.yaml': deployment(`      containers:
        - name: app
          image: ${image}
`),
        },
      );
      expect(findings.map((f) => f.confidence)).toEqual([confidence]);
      if (source?.includes('runs with')) {
        expect(findings[0]!.message).toContain(
          `(its image, ${image}, is built by this repository: ${source}`,
        );
      } else if (source) {
        expect(findings[0]!.message).toContain(
          `(its image, ${image}, is built by this repository: ${source}, whose final stage runs with`,
        );
      } else {
        expect(findings[0]!.message).not.toContain('built by this repository');
      }
    });

    it('examines the manifests that hold pods, not the build files it reads for an image', async () => {
      const examined = await examinedBy('k8s-run-as-root', {
        ...files,
        'deploy/app.yaml': deployment(`      containers:
        - name: app
          image: gcr.io/acme/api:stable
`),
      });
      expect(examined).toEqual({ found: 1, files: ['deploy/app.yaml'] });
    });
  });

  it('skips Windows pods', async () => {
    const findings = await run(
      k8sRunAsRoot,
      {},
      {
        'a.yaml': deployment(`      securityContext:
        windowsOptions: { runAsUserName: ContainerUser }
      containers:
        - name: iis
`),
      },
    );
    expect(findings).toEqual([]);
  });
});

describe('k8s.seccomp', () => {
  it('leaves privileged containers, which run Unconfined whatever the profile, to k8s.privileged', async () => {
    const findings = await run(
      k8sSeccomp,
      {},
      {
        'all-privileged.yaml': deployment(`      initContainers:
        - { name: sysctler, image: "busybox:1.36", securityContext: { privileged: true } }
      containers:
        - { name: proxy, image: "acme/proxy:1.2", securityContext: { privileged: true } }
`),
        'unconfined.yaml': deployment(`      securityContext:
        seccompProfile: { type: Unconfined }
      containers:
        - { name: proxy, image: "acme/proxy:1.2", securityContext: { privileged: true } }
`),
        'mixed.yaml': deployment(`      containers:
        - { name: a, image: "acme/a:1.2", securityContext: { privileged: true } }
        - { name: b, image: "acme/b:1.2", securityContext: { seccompProfile: { type: RuntimeDefault } } }
        - { name: c, image: "acme/c:1.2", securityContext: { runAsNonRoot: true } }
`),
        // The same pods without privileged containers: reported as before.
        'control.yaml': deployment(`      initContainers:
        - { name: sysctler, image: "busybox:1.36", securityContext: { privileged: false } }
      containers:
        - { name: proxy, image: "acme/proxy:1.2" }
`),
        'control-unconfined.yaml': deployment(`      securityContext:
        seccompProfile: { type: Unconfined }
      containers:
        - { name: proxy, image: "acme/proxy:1.2", securityContext: { privileged: true } }
        - { name: exporter, image: "acme/exporter:1.2" }
`),
      },
    );
    expect(findings.map((f) => [at(f), f.severity ?? null, f.confidence ?? null])).toEqual([
      ['mixed.yaml:11:43', null, null],
      ['control.yaml:8:7', null, null],
      ['control-unconfined.yaml:9:33', null, null],
    ]);
    expect(findings[0]!.message).toBe(
      'The container "c" of Deployment "web" has no seccomp profile of its own or from the pod, so it runs ' +
        'Unconfined. Set securityContext.seccompProfile.type: RuntimeDefault.',
    );
  });
});

describe('k8s.host-namespaces and k8s.host-path', () => {
  const files = {
    'a.yaml': deployment(`      hostNetwork: true
      hostPID: true
      hostIPC: false
      containers: [{ name: a, volumeMounts: [{ name: sock, mountPath: /s }, { name: logs, mountPath: /l }] }]
      volumes:
        - name: sock
          hostPath: { path: /var/run/docker.sock }
        - name: logs
          hostPath:
            path: /var/log
`),
  };

  it('reports only the namespaces the options name', async () => {
    expect((await run(k8sHostNamespaces, {}, files)).map(at)).toEqual(['a.yaml:8:20', 'a.yaml:9:16']);
    expect((await run(k8sHostNamespaces, { namespaces: ['pid'] }, files)).map(at)).toEqual(['a.yaml:9:16']);
  });

  it('reports hostPath volumes at their key, except allowed paths', async () => {
    expect((await run(k8sHostPath, {}, files)).map(at)).toEqual(['a.yaml:14:11', 'a.yaml:16:11']);
    expect((await run(k8sHostPath, { allow: ['/var/log'] }, files)).map(at)).toEqual(['a.yaml:14:11']);
  });

  // How the containers mount a hostPath volume decides what the message says and how it is graded.
  it.each([
    {
      name: 'every mount read-only: the pod can read',
      mounts: `      initContainers:
        - name: init
          volumeMounts: [{ name: etc, mountPath: /etc/node, readOnly: true }]
      containers:
        - name: a
          volumeMounts: [{ name: etc, mountPath: /etc/node, readOnly: true }]`,
      grade: [undefined, undefined],
      says: 'read-only in every container that mounts it: the pod can read files of the node',
    },
    {
      name: 'one mount writable: the pod can read or change',
      mounts: `      containers:
        - name: a
          volumeMounts: [{ name: etc, mountPath: /etc/node, readOnly: true }]
        - name: b
          volumeMounts: [{ name: etc, mountPath: /etc/node }]`,
      grade: [undefined, undefined],
      says: 'the pod can read or change files of the node',
    },
    {
      name: 'mounted by an ephemeral container only, read-write',
      mounts: `      containers: [{ name: a }]
      ephemeralContainers:
        - name: debug
          volumeMounts: [{ name: etc, mountPath: /etc/node, readOnly: false }]`,
      grade: [undefined, undefined],
      says: 'the pod can read or change files of the node',
    },
    {
      name: 'mounts whose names are templated: may mount it read-write',
      mounts: `      containers:
        - name: a
          volumeMounts: [{ name: "{{ .Values.volume }}", mountPath: /etc/node }]`,
      grade: [undefined, undefined],
      says: 'the pod can read or change files of the node',
    },
    {
      name: 'mounted by no container: dead configuration, low',
      mounts: `      containers:
        - name: a
          volumeMounts: [{ name: other, mountPath: /data }]`,
      grade: ['low', 'low'],
      says: 'declares volume "etc" as a hostPath of the node\'s "/etc", but no container, init container or ephemeral container of the pod mounts it',
    },
    // A mount that a patch or a command adds to the workload is a mount: the grade is kept.
    ...(
      [
        [
          "a kustomization's JSON 6902 patch",
          {
            'kustomization.yaml':
              'resources: [node.yaml]\npatches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/volumeMounts/-\n        value: {name: etc, mountPath: /host}\n',
          },
          'a patch of kustomization.yaml',
        ],
        [
          "an overlay's strategic-merge patch file",
          {
            'base/kustomization.yaml': 'resources: [../node.yaml]\n',
            'prod/kustomization.yaml': 'resources: [../base]\npatchesStrategicMerge: [mount.yaml]\n',
            'prod/mount.yaml':
              'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: a, volumeMounts: [{name: etc, mountPath: /host}]}]}}}\n',
          },
          'a patch of prod/kustomization.yaml',
        ],
        [
          "a patch whose target is the name the base's namePrefix gives",
          {
            'base/kustomization.yaml': 'resources: [../node.yaml]\nnamePrefix: prod-\n',
            'prod/kustomization.yaml':
              'resources: [../base]\npatches:\n  - target: {kind: Deployment, name: prod-web}\n    path: mount.json\n',
            'prod/mount.json':
              '[{"op": "add", "path": "/spec/template/spec/containers/0/volumeMounts", "value": [{"name": "etc", "mountPath": "/h"}]}]\n',
          },
          'a patch of prod/kustomization.yaml',
        ],
        [
          'a Flux Kustomization whose inline patch mounts it',
          {
            'clusters/prod/app.yaml':
              'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app}\nspec:\n  path: ./\n  patches:\n    - target: {kind: Deployment, name: web}\n      patch: |\n        - op: add\n          path: /spec/template/spec/containers/0/volumeMounts\n          value: [{name: etc, mountPath: /h}]\n',
          },
          'clusters/prod/app.yaml',
        ],
        [
          'a script that kubectl-patches the mount in',
          {
            'scripts/deploy.sh':
              'kubectl patch deployment web --type json -p \'[{"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"etc","mountPath":"/h"}]}]\'\n',
          },
          'scripts/deploy.sh',
        ],
      ] as const
    ).map(([how, files, by]) => ({
      name: `mounted by ${how}: kept`,
      mounts: '      containers:\n        - name: a',
      files,
      grade: [undefined, undefined],
      says: `declares volume "etc" as a hostPath of the node's "/etc", which no container of the manifest mounts but ${by} may`,
    })),
    // Mounts of other workloads, and patches of other workloads, are theirs.
    ...(
      [
        [
          'another workload mounts a volume of the same name',
          {
            'other.yaml':
              'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: other}\nspec:\n  template:\n    spec:\n      containers: [{name: o, volumeMounts: [{name: etc, mountPath: /e}]}]\n      volumes: [{name: etc, configMap: {name: etc}}]\n',
          },
        ],
        [
          "a kustomization's patch mounts it in another workload",
          {
            'kustomization.yaml':
              'resources: [node.yaml]\npatches:\n  - target: {kind: Deployment, name: api}\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/volumeMounts\n        value: [{name: etc, mountPath: /host}]\n',
          },
        ],
        [
          "a kustomization's patch of it that changes its image only",
          {
            'kustomization.yaml':
              'resources: [node.yaml]\npatches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: app:2\n',
          },
        ],
      ] as const
    ).map(([how, files]) => ({
      name: `${how}: still dead configuration, low`,
      mounts: '      containers:\n        - name: a',
      files,
      grade: ['low', 'low'],
      says: 'but no container, init container or ephemeral container of the pod mounts it',
    })),
  ])('$name', async ({ mounts, grade, says, ...rest }) => {
    const findings = await run(
      k8sHostPath,
      {},
      {
        'node.yaml': deployment(`${mounts}
      volumes:
        - name: etc
          hostPath: { path: /etc }
`),
        ...('files' in rest ? rest.files : {}),
      },
    );
    expect(findings.map((f) => [f.severity, f.confidence])).toEqual([grade]);
    expect(findings[0]!.message).toContain(says);
  });
});

describe('manifests applied only to a throw-away kind cluster', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: probe
spec:
  hostPID: true
  containers: [{ name: a }]
`;
  const kindRule =
    'kind-run: image\n\tkind get kubeconfig --name dev > kubeconfig\n\tsed "s/X/$(V)/" ./dev/probe.yaml > out.yaml\n\tKUBECONFIG=kubeconfig kubectl apply -f out.yaml\n';
  // Evidence is read from the Makefiles and scripts that apply the manifest, never from its folder's name.
  it.each<{ name: string; files: Record<string, string>; low: string | null }>([
    {
      name: "a Makefile rule that reads kind's kubeconfig",
      files: { Makefile: kindRule },
      low: 'the "kind-run" rule of Makefile',
    },
    {
      name: "a Makefile rule that writes a copy of the manifest, then reads kind's kubeconfig to apply it",
      files: {
        Makefile:
          'kind-run:\n\tsed "s/X/$(V)/" ./dev/probe.yaml > out.yaml\n\tkind get kubeconfig --name dev > kc\n\tKUBECONFIG=kc kubectl apply -f out.yaml\n',
      },
      low: 'the "kind-run" rule of Makefile',
    },
    {
      name: 'a script that creates the kind cluster',
      files: { 'scripts/e2e.sh': 'kind create cluster --name e2e\nkubectl apply -f dev/probe.yaml\n' },
      low: 'scripts/e2e.sh',
    },
    {
      name: "a Makefile in the manifest folder, with kind's context",
      files: { 'dev/Makefile': 'try:\n\tkubectl --context kind-dev apply -f probe.yaml\n' },
      low: 'the "try" rule of dev/Makefile',
    },
    {
      name: 'a kind rule and a rule that deploys it elsewhere',
      files: { Makefile: `${kindRule}deploy:\n\tkubectl apply -f dev/probe.yaml\n` },
      low: null,
    },
    {
      name: 'a kind rule that also names another context',
      files: { Makefile: 'up:\n\tkind create cluster\n\tkubectl --context prod apply -f dev/probe.yaml\n' },
      low: null,
    },
    {
      name: 'a kind rule and a workflow that names it',
      files: {
        Makefile: kindRule,
        '.github/workflows/cd.yml':
          'on: push\njobs: { d: { steps: [{ run: kubectl apply -f dev/probe.yaml }] } }\n',
      },
      low: null,
    },
    {
      name: 'a kind rule and a kustomization that lists it',
      files: { Makefile: kindRule, 'prod/kustomization.yaml': 'resources: [../dev/probe.yaml]\n' },
      low: null,
    },
    {
      name: 'a rule that applies it with no kind cluster',
      files: { Makefile: 'run:\n\tkubectl apply -f dev/probe.yaml\n' },
      low: null,
    },
    { name: 'a folder name alone', files: { 'README.md': 'kind create cluster\n' }, low: null },
    // The commands are the evidence, not the words of a comment; and any other file that deploys the
    // manifest, by its path or its folder's, is another use.
    {
      name: 'a script that names kind only in a comment',
      files: {
        'scripts/deploy.sh': '# to try it first: kind create cluster\nkubectl apply -f dev/probe.yaml\n',
      },
      low: null,
    },
    {
      name: 'a script that echoes the kind command',
      files: { 'scripts/deploy.sh': 'echo "run: kind create cluster"\nkubectl apply -f dev/probe.yaml\n' },
      low: null,
    },
    {
      name: 'a script that applies it before it creates the kind cluster',
      files: { 'scripts/deploy.sh': 'kubectl apply -f dev/probe.yaml\nkind create cluster\n' },
      low: null,
    },
    {
      name: 'a script whose kind cluster writes a kubeconfig of its own',
      files: {
        'scripts/deploy.sh': 'kind create cluster --kubeconfig /tmp/kind\nkubectl apply -f dev/probe.yaml\n',
      },
      low: null,
    },
    {
      name: 'a kind rule and an Argo CD Application that syncs its folder',
      files: {
        Makefile: kindRule,
        'argocd/app.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source: {repoURL: "https://github.com/acme/app", path: dev}\n  destination: {namespace: prod}\n',
      },
      low: null,
    },
    {
      name: 'a kind rule and a Flux Kustomization of its folder',
      files: {
        Makefile: kindRule,
        'clusters/prod.yaml':
          'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: a}\nspec:\n  path: ./dev\n',
      },
      low: null,
    },
    {
      name: 'a kind rule and a rule that applies its folder to the current context',
      files: { Makefile: `${kindRule}deploy:\n\tkubectl apply -f dev/\n` },
      low: null,
    },
    {
      name: 'a kind rule and a Skaffold config naming the file',
      files: { Makefile: kindRule, 'skaffold.yaml': 'manifests:\n  rawYaml: [dev/probe.yaml]\n' },
      low: null,
    },
    {
      name: 'a kind script, and a config whose other keys only share the folded word',
      files: {
        'scripts/e2e.sh': 'kind create cluster --name e2e\nkubectl apply -f dev/probe.yaml\n',
        'config.yaml': 'env: dev\nname: dev\n',
      },
      low: 'scripts/e2e.sh',
    },
    // kind run through a variable that holds its binary, or by a script of the repository that the
    // unit runs; an unknown variable is not kind.
    {
      name: 'a script that runs kind through a variable holding a path to its binary',
      files: {
        'scripts/e2e.sh':
          'KIND=/tmp/bin/kind-v0.20.0\n${KIND} create cluster --name e2e\nkubectl apply -f dev/probe.yaml\n',
      },
      low: 'scripts/e2e.sh',
    },
    {
      name: 'a script that runs kind through a variable looked up on the PATH',
      files: {
        'scripts/e2e.sh':
          'KIND="$(command -v kind)"\n"$KIND" get kubeconfig > kc\nKUBECONFIG=kc kubectl apply -f dev/probe.yaml\n',
      },
      low: 'scripts/e2e.sh',
    },
    {
      name: 'a script that runs kind through a variable a download of its release writes',
      files: {
        'scripts/e2e.sh':
          'BIN=$(mktemp)\ncurl -sLo "$BIN" https://kind.sigs.k8s.io/dl/v0.20.0/kind-linux-amd64\n$BIN create cluster\nkubectl apply -f dev/probe.yaml\n',
      },
      low: 'scripts/e2e.sh',
    },
    {
      name: 'a script that runs kind through a variable of the file it sources',
      files: {
        'hack/conf.sh': 'KIND_BIN=${CACHE_DIR}/kind-${KIND_VERSION}\n',
        'hack/e2e.sh':
          '. "${ROOT_DIR}/hack/conf.sh"\n${KIND_BIN} create cluster\nkubectl apply -f dev/probe.yaml\n',
      },
      low: 'hack/e2e.sh',
    },
    {
      name: 'a Makefile rule that runs kind through a make variable',
      files: {
        Makefile:
          'KIND ?= $(LOCALBIN)/kind\nup:\n\t$(KIND) create cluster\n\tkubectl apply -f dev/probe.yaml\n',
      },
      low: 'the "up" rule of Makefile',
    },
    {
      name: 'a script that runs a script of the repository that creates the cluster through a variable',
      files: {
        'tools/up.sh': 'KIND=/tmp/bin/kind-v0.20.0\n${KIND} create cluster --name dev\n',
        'dev/run.sh': 'tools/up.sh\nkubectl apply -f dev/probe.yaml\n',
      },
      low: 'dev/run.sh',
    },
    {
      name: 'a script that runs a variable set nowhere',
      files: { 'scripts/e2e.sh': '${KIND} create cluster\nkubectl apply -f dev/probe.yaml\n' },
      low: null,
    },
    {
      name: 'a script that runs a variable also set to another program',
      files: {
        'scripts/e2e.sh':
          'TOOL=/usr/bin/kind\n[ -n "$CI" ] && TOOL=/usr/bin/k3d\n$TOOL create cluster\nkubectl apply -f dev/probe.yaml\n',
      },
      low: null,
    },
    {
      name: 'a script that runs a variable holding a file named after kind',
      files: {
        'scripts/e2e.sh': 'CFG=hack/kind-config.yaml\n$CFG create cluster\nkubectl apply -f dev/probe.yaml\n',
      },
      low: null,
    },
    {
      name: 'a script that runs a script of the repository that also names another context',
      files: {
        'tools/up.sh': 'kind create cluster\nkubectl --context prod get nodes\n',
        'dev/run.sh': 'tools/up.sh\nkubectl apply -f dev/probe.yaml\n',
      },
      low: null,
    },
    {
      name: 'a script that runs a script of the repository that creates no kind cluster',
      files: {
        'tools/up.sh': 'gcloud container clusters get-credentials prod\n',
        'dev/run.sh': 'tools/up.sh\nkubectl apply -f dev/probe.yaml\n',
      },
      low: null,
    },
  ])('$name', async ({ files, low }) => {
    const findings = await run(k8sHostNamespaces, {}, { 'dev/probe.yaml': pod, ...files });
    expect(findings.map((f) => f.confidence ?? null)).toEqual([low === null ? null : 'low']);
    if (low !== null) {
      expect(findings[0]!.message).toContain(
        `applied only to a throw-away kind cluster, by ${low}, which creates or targets one`,
      );
    }
  });
});

describe('manifests only test code names', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: store
spec:
  hostPID: true
  containers: [{ name: a }]
`;
  const support = {
    'app/test/support/s3.go': 'package support\n\nconst Manifest = "../../deploy/minio.yaml"\n',
  };
  // The evidence is the test code that names the manifest; anything else that may deploy it, or its
  // folder, keeps it judged as a deployment.
  it.each<{ name: string; files: Record<string, string>; low: string | null }>([
    {
      name: "a Go test's support code, by a path from its folder",
      files: support,
      low: 'app/test/support/s3.go',
    },
    {
      name: 'a pytest file, by a path from the top',
      files: { 'app/tests_e2e/test_store.py': 'MANIFEST = "app/deploy/minio.yaml"\n' },
      low: 'app/tests_e2e/test_store.py',
    },
    {
      name: 'test code, while a workflow builds in a folder above it',
      files: {
        ...support,
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n        working-directory: ./app\n',
      },
      low: 'app/test/support/s3.go',
    },
    {
      name: 'test code and a workflow that names the manifest',
      files: {
        ...support,
        '.github/workflows/cd.yml':
          'on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl apply -f app/deploy/minio.yaml\n',
      },
      low: null,
    },
    {
      name: 'test code and an Argo CD Application of its folder',
      files: { ...support, 'argo/store.yaml': 'spec:\n  source:\n    path: app/deploy\n' },
      low: null,
    },
    {
      name: 'test code and a program that names it',
      files: {
        ...support,
        'app/cmd/install/main.go': 'package main\n\nconst manifest = "app/deploy/minio.yaml"\n',
      },
      low: null,
    },
    {
      name: 'a program that is no test',
      files: { 'app/pkg/store/s3.go': 'package store\n\nconst Manifest = "../../deploy/minio.yaml"\n' },
      low: null,
    },
  ])('$name', async ({ files, low }) => {
    const findings = await run(k8sHostNamespaces, {}, { 'app/deploy/minio.yaml': pod, ...files });
    expect(findings.map((f) => f.confidence ?? null)).toEqual([low === null ? null : 'low']);
    if (low !== null) {
      expect(findings[0]!.message).toContain(
        `the manifest is named only by test code (${low}), which applies it to a test's cluster`,
      );
    }
  });
});

describe('booleans as Kubernetes reads them (YAML 1.1: a plain yes, on, y is true; no, off, n false)', () => {
  /** A pod whose boolean settings are all written `value`. */
  const pod = (value: string) =>
    deployment(`      hostNetwork: ${value}
      hostPID: ${value}
      containers:
        - name: a
          image: nginx:1.27
          ports: [{ containerPort: 80, hostPort: 80 }]
          securityContext:
            privileged: ${value}
            allowPrivilegeEscalation: ${value}
            runAsNonRoot: ${value}
            readOnlyRootFilesystem: ${value}
`);
  const judged = async (value: string) => {
    const files = { 'a.yaml': pod(value) };
    const count = async (e: Parameters<typeof run>[0]) => (await run(e, {}, files)).length;
    return {
      privileged: await count(k8sPrivileged),
      hostNamespaces: await count(k8sHostNamespaces),
      hostPort: await count(k8sHostPort),
      escalation: await count(k8sPrivilegeEscalation),
      runAsRoot: await count(k8sRunAsRoot),
      readOnlyRootFs: await count(k8sReadOnlyRootFs),
    };
  };
  // What a true value gives: privileged and two host namespaces reported, and the settings that are
  // safe when true (runAsNonRoot, readOnlyRootFilesystem; hostNetwork, which leaves hostPort to the
  // namespace rule) lowered. The privileged container escalates whatever it says: that is left to
  // k8s.privileged.
  const TRUE = {
    privileged: 1,
    hostNamespaces: 2,
    hostPort: 0,
    escalation: 0,
    runAsRoot: 0,
    readOnlyRootFs: 0,
  };
  // A false value: nothing privileged, no escalation; root and writable filesystem reported.
  const FALSE = {
    privileged: 0,
    hostNamespaces: 0,
    hostPort: 1,
    escalation: 0,
    runAsRoot: 1,
    readOnlyRootFs: 1,
  };
  // A string (quoted, tagged, or a word YAML 1.1 does not know): the API server rejects it for a bool
  // field, so nothing is granted and nothing is lowered.
  const STRING = {
    privileged: 0,
    hostNamespaces: 0,
    hostPort: 1,
    escalation: 1,
    runAsRoot: 1,
    readOnlyRootFs: 1,
  };
  it.each([
    ['true', TRUE],
    ['True', TRUE],
    ['yes', TRUE],
    ['Yes', TRUE],
    ['YES', TRUE],
    ['on', TRUE],
    ['On', TRUE],
    ['ON', TRUE],
    ['y', TRUE],
    ['Y', TRUE],
    ['false', FALSE],
    ['no', FALSE],
    ['Off', FALSE],
    ['n', FALSE],
    ['"yes"', STRING],
    ["'on'", STRING],
    ['!!str yes', STRING],
    ['yEs', STRING],
    ['"no"', STRING],
  ])('reads %s as Kubernetes does', async (value, expected) => {
    expect(await judged(value)).toEqual(expected);
  });

  it('reads a plain yes reached through an alias as true, and says what is written', async () => {
    const files = {
      'a.yaml': deployment(`      hostNetwork: &on on
      containers:
        - name: a
          securityContext:
            privileged: *on
`),
    };
    expect((await run(k8sPrivileged, {}, files)).map(at)).toEqual(['a.yaml:12:25']);
    const [namespace] = await run(k8sHostNamespaces, {}, files);
    expect(namespace?.message).toContain('sets hostNetwork: on (true to Kubernetes)');
  });
});

describe('k8s.image-tag', () => {
  describe('in a staging copy of a production manifest', () => {
    /** A CronJob named `name` running `image`. */
    const job = (name: string, image: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "0 7 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: main
              image: ${image}
`;
    it.each([
      // The release-test copy of a production workload beside it, on the same image.
      [
        'lowered',
        {
          'k8s/worker.release.yaml': job('worker-releasetest', 'ghcr.io/acme/worker:latest'),
          'k8s/worker.yaml': job('worker', 'ghcr.io/acme/worker:2.1.0'),
        },
        'low',
      ],
      [
        'lowered, the mark inside the name',
        {
          'k8s/sync.release-raw.yaml': job('sync-raw-releasetest', 'ghcr.io/acme/sync:latest'),
          'k8s/sync-raw.yaml': job('raw-sync', 'ghcr.io/acme/sync:3.0.0'),
        },
        'low',
      ],
      [
        'lowered, staging',
        {
          'k8s/api.staging.yaml': job('api-staging', 'ghcr.io/acme/api'),
          'k8s/api.yaml': job('api', 'ghcr.io/acme/api:1.0.0'),
        },
        'low',
      ],
      // No production manifest beside it: judged as written.
      [
        'kept without a production counterpart',
        { 'k8s/hook.release.yaml': job('hook-releasetest', 'ghcr.io/acme/hook:latest') },
        undefined,
      ],
      // A workload name that says nothing of an environment (it may be the production release itself).
      [
        'kept when the workload name marks no environment',
        {
          'k8s/api.release.yaml': job('api', 'ghcr.io/acme/api:latest'),
          'k8s/api.yaml': job('api-dev', 'ghcr.io/acme/api:1.0.0'),
        },
        undefined,
      ],
      // The counterpart runs another image.
      [
        'kept when the counterpart runs another image',
        {
          'k8s/db.staging.yaml': job('db-staging', 'ghcr.io/acme/db:latest'),
          'k8s/db.yaml': job('db', 'ghcr.io/acme/cache:1.0.0'),
        },
        undefined,
      ],
    ] as const)('%s', async (_what, files, severity) => {
      const findings = await run(k8sImageTag, {}, files);
      const own = findings.filter((f) => /\.(?:release|staging)/.test(f.location!.path));
      expect(own.map((f) => [f.severity, f.confidence])).toEqual([[severity, undefined]]);
      expect(own[0]!.message.includes('staging copy of')).toBe(severity === 'low');
    });

    it('keeps the production manifest on a moving tag reported as before', async () => {
      const findings = await run(
        k8sImageTag,
        {},
        {
          'k8s/worker.release.yaml': job('worker-releasetest', 'ghcr.io/acme/worker:latest'),
          'k8s/worker.yaml': job('worker', 'ghcr.io/acme/worker:latest'),
        },
      );
      expect(findings.map((f) => [f.location!.path, f.severity ?? null])).toEqual([
        ['k8s/worker.release.yaml', 'low'],
        ['k8s/worker.yaml', null],
      ]);
    });
  });

  it.each([
    // A tag that names the step that writes the real one, or says it is a stand-in: low confidence.
    ['quay.io/acme/hub:set-by-chartpress', 'low'],
    ['ghcr.io/acme/api:replaced-by-ci', 'low'],
    ['ghcr.io/acme/api:placeholder', 'low'],
    ['ghcr.io/acme/api:to-be-set', 'low'],
    // A tag named for the value it stands for, which a release script rewrites.
    ['cr.l5d.io/acme/controller:acmeVersionValue', 'low'],
    ['ghcr.io/acme/api:app-version', 'low'],
    ['ghcr.io/acme/api:IMAGE-tag', 'low'],
    // A word that only holds one of those is no such name.
    ['ghcr.io/acme/api:versioned', undefined],
    // Tags that name no version and say nothing of being replaced: reported as written.
    ['ghcr.io/acme/api:setup', undefined],
    ['ghcr.io/acme/api:latest', undefined],
  ] as const)('grades %s by whether its tag says a release step replaces it', async (image, confidence) => {
    const findings = await run(
      k8sImageTag,
      {},
      { 'a.yaml': deployment(`      containers:\n        - { name: a, image: "${image}" }\n`) },
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([['a.yaml:9:30', confidence]]);
    expect(/(?:says|stands for, which) a release or build step writes/.test(findings[0]!.message)).toBe(
      confidence === 'low',
    );
  });

  it('reports untagged and latest images, not digests, versions or templated values', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'a.yaml': deployment(`      containers:
        - { name: a, image: nginx }
        - { name: b, image: "nginx:latest" }
        - { name: c, image: "nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31" }
        - { name: d, image: localhost:5000/app }
        - { name: e, image: "{{ .Values.image }}" }
        - { name: f, image: $IMAGE }
        - { name: g, image: nginx:1.27 }
`),
      },
    );
    expect(findings.map(at)).toEqual(['a.yaml:9:29', 'a.yaml:10:30', 'a.yaml:12:29']);
  });

  it('reports a tag that names no version as latest is, not a version, a major, a codename or a placeholder', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'a.yaml': deployment(`      containers:
        - { name: a, image: "ghcr.io/acme/app:main" }
        - { name: b, image: "redis:alpine" }
        - { name: c, image: "ghcr.io/acme/app:v3" }
        - { name: d, image: "debian:bookworm" }
        - { name: e, image: "ghcr.io/acme/app:IMAGE_TAG" }
        - { name: f, image: "ghcr.io/acme/app:14-latest" }
        - { name: g, image: "ghcr.io/acme/app:nightly" }
`),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['a.yaml:9:30', null],
      ['a.yaml:10:30', null],
      ['a.yaml:14:30', null],
      ['a.yaml:15:30', null],
    ]);
    expect(findings[1]!.message).toBe(
      'Image "redis:alpine" of the container "b" of Deployment "web" uses the "alpine" tag, which names no ' +
        'version: what runs changes whenever the tag is re-pointed and a pod restarts. Pin a version tag or a @sha256 digest.',
    );
  });

  /** One container per image, named c0, c1, ...: the first image is on line 9, then one per line. */
  const images = (...refs: string[]) =>
    deployment(
      `      containers:\n${refs.map((r, i) => `        - { name: c${i}, image: "${r}" }\n`).join('')}`,
    );
  /** Where the findings of {@link images} are, by the images' positions. */
  const atImages = (file: string, ...positions: number[]) => positions.map((i) => `${file}:${9 + i}:31`);
  const SKAFFOLD = `apiVersion: skaffold/v4beta11
kind: Config
build:
  artifacts:
    - image: adservice
      context: src/adservice
    - image: gcr.io/acme/checkout
---
apiVersion: skaffold/v2beta29
kind: Config
profiles:
  - name: load
    build:
      artifacts:
        - { image: loadgen }
`;

  it('skips the images Skaffold builds and deploys by digest, matched by their exact name', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'k8s/app.yaml': images(
          'adservice',
          'adservice:latest',
          'gcr.io/acme/checkout',
          'loadgen',
          'frontend',
          'adservice2',
          'acme/adservice',
          'checkout',
          'gcr.io/acme/checkout-api:latest',
          'docker.io/library/adservice',
        ),
        'skaffold.yaml': SKAFFOLD,
        'src/frontend/skaffold.yml':
          'apiVersion: skaffold/v3\nkind: Config\nbuild:\n  artifacts:\n    - image: frontend\n',
      },
    );
    expect(findings.map(at)).toEqual(atImages('k8s/app.yaml', 5, 6, 7, 8, 9));
  });

  it('skips placeholders that are no valid image name, which a build step replaces', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'a.yaml': images(
          '{IMAGE}',
          'IMAGE_NAME',
          '<your-image>',
          'registry.example.com/{NAME}',
          'nginx',
          'registry.example.com/team/api',
          'Registry.Example.com/team/api',
          'my_org/api-server',
        ),
      },
    );
    expect(findings.map(at)).toEqual(atImages('a.yaml', 4, 5, 6, 7));
  });

  // A name without registry or namespace is pulled from docker.io/library, which holds only the official
  // images: any other name runs only where it was built or loaded (kind, minikube), or is misspelt.
  it('reports names that no registry serves at low confidence, saying they are local', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'a.yaml': images(
          'my-app',
          'my-app:latest',
          'docker.io/library/my-app',
          'nginx',
          'library/nginx',
          'docker.io/nginx:latest',
          'acme/my-app',
          'ghcr.io/acme/my-app',
        ),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual(
      atImages('a.yaml', 0, 1, 2, 3, 4, 5, 6, 7).map((p, i) => [p, i < 3 ? 'low' : undefined]),
    );
    expect(findings[0]!.message).toContain(
      'Image "my-app" of the container "c0" of Deployment "web" has no tag, but no registry serves it: it names no Docker Hub official image',
    );
    expect(findings[1]!.message).toContain('uses the "latest" tag, but no registry serves it');
    for (const f of findings.slice(3)) expect(f.message).not.toContain('official image');
  });

  const DIGEST = 'sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31';

  it('judges the image that the images: of the kustomizations building the manifest render', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'config/manager/deployment.yaml': images(
          'acme/ctl',
          'acme/ctl-agent:latest',
          'acme/sidecar',
          'acme/other',
          'controller',
          'acme/tool',
        ),
        'config/manager/kustomization.yaml': `resources:
  - deployment.yaml
images:
  - { name: acme/ctl, newTag: v1.9.0 }
  - { name: acme/ctl-agent, digest: "${DIGEST}" }
  - { name: acme/sidecar, newTag: latest }
  - { name: acme/other, newName: ghcr.io/acme/other }
  - { name: controller, newName: ghcr.io/acme/controller, newTag: 1.20 }
  - { name: acme/tool:v2, newTag: v2 }
`,
        'config/default/kustomization.yaml': 'resources:\n  - ../manager/\n',
        // An overlay's transformer applies after its base's: its moving tag undoes the version.
        'overlays/dev/kustomization.yaml':
          'resources: [../../config/default]\nimages:\n  - { name: ghcr.io/acme/controller, newTag: main }\n',
        // Not listed by the kustomization beside it: applied as written.
        'config/manager/pod.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata: { name: tool }\nspec:\n  containers: [{ name: t, image: acme/ctl }]\n',
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ...atImages('config/manager/deployment.yaml', 2, 3, 4, 5).map((p) => [p, null]),
      ['config/manager/pod.yaml:5:34', null],
    ]);
    expect(findings.map((f) => f.message.split(': what runs')[0])).toEqual([
      'Image "acme/sidecar" of the container "c2" of Deployment "web", which the images: of ' +
        'config/manager/kustomization.yaml make "acme/sidecar:latest", uses the "latest" tag',
      'Image "acme/other" of the container "c3" of Deployment "web", which the images: of ' +
        'config/manager/kustomization.yaml make "ghcr.io/acme/other", has no tag, which means "latest"',
      // Written as a name no registry serves, rendered as one a registry does: judged as rendered.
      'Image "controller" of the container "c4" of Deployment "web", which the images: of ' +
        'overlays/dev/kustomization.yaml make "ghcr.io/acme/controller:main", uses the "main" tag, which names no version',
      // kustomize matches the name alone: an entry whose name carries a tag applies to nothing.
      'Image "acme/tool" of the container "c5" of Deployment "web" has no tag, which means "latest"',
      'Image "acme/ctl" of the container "t" of Pod "tool" has no tag, which means "latest"',
    ]);
  });

  // A build script that sets the image of a kustomization before building it makes the committed tag
  // a development placeholder: low confidence, naming the script. Other cases keep the finding as is.
  const BASE = {
    'config/manager/deployment.yaml': images('ghcr.io/acme/ctl:latest', 'ghcr.io/acme/agent:latest'),
    'config/manager/kustomization.yaml':
      'resources: [deployment.yaml]\nimages:\n  - { name: ghcr.io/acme/ctl, newTag: main }\n',
    'config/default/kustomization.yaml': 'resources: [../manager]\n',
  };
  it.each([
    [
      'a Makefile recipe that cds there and sets the image from a variable',
      {
        Makefile:
          'IMG ?= ghcr.io/acme/ctl:dev\nrelease:\n\tcd config/manager && \\\n\t$(KUSTOMIZE) edit set image ghcr.io/acme/ctl=${IMG}\n\t$(KUSTOMIZE) build config/default > out.yaml\n',
      },
      ['low', null],
      'Makefile:4',
    ],
    [
      'a script that cds on a line of its own and pins a version',
      {
        'hack/release.sh': '#!/bin/sh\ncd config/manager\nkustomize edit set image ghcr.io/acme/ctl:v1.2.3\n',
      },
      ['low', null],
      'hack/release.sh:3',
    ],
    [
      'a workflow step that sets both images by digest',
      {
        '.github/workflows/release.yml':
          'on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cd config/manager && kustomize edit set image ghcr.io/acme/ctl=ghcr.io/acme/ctl@${DIGEST} ghcr.io/acme/agent=*:1.4.0\n',
      },
      ['low', 'low'],
      '.github/workflows/release.yml:6',
    ],
    [
      'an edit of another directory',
      { Makefile: 'release:\n\tcd config/other && kustomize edit set image ghcr.io/acme/ctl=${IMG}\n' },
      [null, null],
      undefined,
    ],
    [
      'an edit that sets a moving tag',
      {
        Makefile:
          'dev:\n\tcd config/manager && kustomize edit set image ghcr.io/acme/ctl=ghcr.io/acme/ctl:latest\n',
      },
      [null, null],
      undefined,
    ],
    [
      'an edit in a directory the script computes',
      { Makefile: 'release:\n\tcd $(DIR) && kustomize edit set image ghcr.io/acme/ctl=${IMG}\n' },
      [null, null],
      undefined,
    ],
    [
      'an overlay that builds the base with a moving tag of its own after the edit',
      {
        Makefile: 'release:\n\tcd config/manager && kustomize edit set image ghcr.io/acme/ctl=${IMG}\n',
        'overlays/dev/kustomization.yaml':
          'resources: [../../config/default]\nimages:\n  - { name: ghcr.io/acme/ctl, newTag: nightly }\n',
      },
      [null, null],
      undefined,
    ],
  ])('a kustomize-built image set by %s', async (_case, files, confidences, source) => {
    const findings = await run(k8sImageTag, {}, { ...BASE, ...files });
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual(
      atImages('config/manager/deployment.yaml', 0, 1).map((p, i) => [p, confidences[i]]),
    );
    if (source)
      expect(findings[0]!.message).toContain(
        `But ${source} sets this image in config/manager/kustomization.yaml with \`kustomize edit set image\` before the kustomization is built`,
      );
  });

  it('takes a kustomization chain that nothing closes, or that loops, as ending where it stops', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'base/app.yaml': images('acme/app', 'acme/api'),
        'base/kustomization.yaml':
          'resources: [app.yaml, ../prod]\nimages: [{ name: acme/app, newTag: "2.4" }]\n',
        'prod/kustomization.yaml': 'resources: [../base]\nimages: [{ name: acme/api, newTag: latest }]\n',
      },
    );
    expect(findings.map(at)).toEqual(atImages('base/app.yaml', 1));
  });

  it('skips ko:// references, which ko replaces with the image it built', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      { 'a.yaml': images('ko://github.com/acme/shop/cmd/api', 'api') },
    );
    expect(findings.map(at)).toEqual(atImages('a.yaml', 1));
  });

  it('takes artifacts from Skaffold configuration only: its apiVersion, its file names', async () => {
    const findings = await run(
      k8sImageTag,
      {},
      {
        'k8s/app.yaml': images('adservice', 'loadgen', 'frontend'),
        'skaffold.yaml': SKAFFOLD.replace('skaffold/v4beta11', 'example.com/v1'),
        'skaffold-dev.yaml': SKAFFOLD,
        'ui/skaffold.yaml':
          'apiVersion: skaffold/v3\nkind: Config\nbuild:\n  artifacts:\n    - image: frontend\n',
      },
    );
    // loadgen: the second document of skaffold.yaml is Skaffold's.
    expect(findings.map(at)).toEqual(atImages('k8s/app.yaml', 0));
  });

  it('takes a broken or hostile Skaffold file as declaring nothing, and reports no problem in it', async () => {
    // No `kind`: not taken for a manifest, whose reader records its own parse problems.
    const laughs = `apiVersion: skaffold/v3
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
build:
  artifacts: [{ image: c2 }]
`;
    const files = {
      'k8s/app.yaml': images('c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'ok'),
      'a/skaffold.yaml': 'apiVersion: skaffold/v3\nbuild:\n  artifacts: [{ image: c0 }\n',
      'b/skaffold.yaml': '- apiVersion: skaffold/v3\n- build: { artifacts: [{ image: c1 }] }\n',
      'c/skaffold.yaml': laughs,
      'd/skaffold.yaml': `apiVersion: skaffold/v3
build: { artifacts: { image: c3 } }
profiles: { build: { artifacts: [{ image: c3 }] } }
---
apiVersion: skaffold/v3
build: { artifacts: [{ image: [c4] }, c4, null, { image: "" }] }
profiles: [null, c4, { build: [c4] }]
---
apiVersion: [skaffold/v3]
build: { artifacts: [{ image: c5 }] }
`,
      // Larger than the workspace reads.
      'e/skaffold.yaml': `apiVersion: skaffold/v3\nbuild:\n  artifacts:\n    - image: c6\n# ${'x'.repeat(2000)}\n`,
      // The broken files spoil nothing else.
      'f/skaffold.yaml': 'apiVersion: skaffold/v3\nbuild:\n  artifacts:\n    - image: ok\n',
    };
    const workspace = new Workspace(makeTree(files), { files: Object.keys(files), maxFileBytes: 1024 });
    const findings = await run(k8sImageTag, {}, workspace);
    expect(findings.map(at)).toEqual(atImages('k8s/app.yaml', 0, 1, 2, 3, 4, 5, 6));
    expect(workspace.inputProblems().map((p) => p.path)).toEqual([]);
  });
});

describe('k8s.rbac wildcard', () => {
  it('reports */<subresource>, which RBAC matches on every resource, and not pods/*, which it does not expand', async () => {
    const findings = await run(
      k8sRbac,
      { audit: 'wildcard' },
      {
        'role.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: ops, namespace: shop }
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/*"]
    verbs: ["get"]
  - apiGroups: ["apps"]
    resources: ["deployments", "*/scale"]
    verbs: ["patch"]
  - apiGroups: ["apps"]
    resources: ["*/scale", "*"]
    verbs: ["get"]
`,
      },
    );
    expect(findings.map(at)).toEqual(['role.yaml:9:33', 'role.yaml:12:29']);
    expect(findings[0]!.message).toContain('the scale subresource of every resource type');
    expect(findings[1]!.message).toContain('every resource type (Secrets included');
  });

  it('names in a * of verbs the special verbs that exist on the rule resources, and only those', async () => {
    const findings = await run(
      k8sRbac,
      { audit: 'wildcard' },
      {
        'operator.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: operator }
rules:
  - apiGroups: ["apps"]
    resources: ["statefulsets"]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["*"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["roles", "rolebindings"]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["serviceaccounts"]
    verbs: ["*"]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`,
      },
    );
    expect(findings.map((f) => [at(f), f.message.replace(/ with "\*".*$/, '')])).toEqual([
      [
        'operator.yaml:7:14',
        'ClusterRole "operator" grants every verb (including delete and deletecollection)',
      ],
      [
        'operator.yaml:10:14',
        'ClusterRole "operator" grants every verb (including delete and deletecollection)',
      ],
      [
        'operator.yaml:13:14',
        'ClusterRole "operator" grants every verb (including delete, escalate and bind)',
      ],
      ['operator.yaml:16:14', 'ClusterRole "operator" grants every verb (including delete and impersonate)'],
      [
        'operator.yaml:19:14',
        'ClusterRole "operator" grants every verb (including delete, escalate, bind and impersonate)',
      ],
      [
        'operator.yaml:18:18',
        'ClusterRole "operator" grants every resource type (Secrets included, and types added later)',
      ],
    ]);
  });
});

describe('k8s.rbac identity: what makes the grant what it is', () => {
  const binding = (meta: string, subjects: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${meta}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n` +
    `  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n${subjects}`;
  const SA = (name: string, ns = 'kube-system') =>
    `  - kind: ServiceAccount\n    name: ${name}\n    namespace: ${ns}\n`;
  const GROUP = (name: string) =>
    `  - kind: Group\n    apiGroup: rbac.authorization.k8s.io\n    name: ${name}\n`;
  const CRB = 'ClusterRoleBinding\nmetadata:\n  name: autoscaler-admin';
  const RB = (ns: string) => `RoleBinding\nmetadata:\n  name: ops-admin\n  namespace: ${ns}`;
  const judge = async (text: string) => {
    const [f] = await run(k8sRbac, { audit: 'cluster-admin' }, { 'rbac.yaml': text });
    return { key: f!.key, grade: `${at(f!)} ${f!.severity ?? 'rule'}`, message: f!.message };
  };

  const CASES: { name: string; base: string; head: string; grade: string; same: boolean }[] = [
    {
      name: 'a binding re-pointed from a service account at everyone',
      base: binding(CRB, SA('cluster-autoscaler')),
      head: binding(CRB, GROUP('system:unauthenticated') + GROUP('system:authenticated')),
      grade: 'rbac.yaml:8:9 critical',
      same: false,
    },
    {
      name: 'a binding given one more service account',
      base: binding(CRB, SA('cluster-autoscaler')),
      head: binding(CRB, SA('cluster-autoscaler') + SA('ci', 'ci')),
      grade: 'rbac.yaml:8:9 rule',
      same: false,
    },
    {
      name: 'a service account of another namespace',
      base: binding(CRB, SA('cluster-autoscaler')),
      head: binding(CRB, SA('cluster-autoscaler', 'default')),
      grade: 'rbac.yaml:8:9 rule',
      same: false,
    },
    {
      name: 'a RoleBinding moved to another namespace',
      base: binding(RB('shop'), SA('ops', 'shop')),
      head: binding(RB('kube-system'), SA('ops', 'shop')),
      grade: 'rbac.yaml:9:9 rule',
      same: false,
    },
    {
      name: 'the same subjects reordered (the control)',
      base: binding(CRB, SA('cluster-autoscaler') + SA('ci', 'ci')),
      head: binding(CRB, SA('ci', 'ci') + SA('cluster-autoscaler')),
      grade: 'rbac.yaml:8:9 rule',
      same: true,
    },
  ];

  it.each(CASES)('$name', async ({ base, head, grade, same }) => {
    const before = await judge(base);
    const after = await judge(head);
    expect(after.grade).toBe(grade);
    expect(after.key === before.key).toBe(same);
  });

  // A RoleBinding confines cluster-admin to its namespace: what a Role with `*` grants (medium), except
  // in kube-system, whose service accounts run the cluster's controllers.
  it.each([
    [
      'a RoleBinding in a tenant namespace',
      binding(RB('apps'), SA('dev-team', 'apps')),
      'rbac.yaml:9:9 medium',
    ],
    [
      'a RoleBinding without a namespace (the one it is applied to)',
      binding('RoleBinding\nmetadata:\n  name: ops-admin', SA('ops', 'shop')),
      'rbac.yaml:8:9 medium',
    ],
    ['a RoleBinding in kube-system', binding(RB('kube-system'), SA('ops', 'shop')), 'rbac.yaml:9:9 rule'],
    ['a ClusterRoleBinding', binding(CRB, SA('cluster-autoscaler')), 'rbac.yaml:8:9 rule'],
    [
      'a RoleBinding in a tenant namespace to every authenticated client',
      binding(RB('apps'), GROUP('system:authenticated')),
      'rbac.yaml:9:9 critical',
    ],
  ])('grades %s', async (_what, text, grade) => {
    expect((await judge(text)).grade).toBe(grade);
  });

  // kustomize's `namespace:` replaces the binding's own: an overlay can move a tenant's binding into
  // kube-system.
  it.each([
    ['an overlay that puts it in a tenant namespace', 'apps', '', 'medium'],
    ['an overlay that puts it in kube-system', 'kube-system', '', 'rule'],
    ['an overlay that moves a tenant binding into kube-system', 'kube-system', '  namespace: apps\n', 'rule'],
    ['no overlay namespace, the binding in a tenant namespace', '', '  namespace: apps\n', 'medium'],
  ])('grades a RoleBinding built by %s', async (_what, overlay, own, grade) => {
    const rb = `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ops-admin\n${own}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n${SA('ops', 'ops')}`;
    const findings = await run(
      k8sRbac,
      { audit: 'cluster-admin' },
      {
        'base/rb.yaml': rb,
        'base/kustomization.yaml': 'resources:\n  - rb.yaml\n',
        'overlays/prod/kustomization.yaml': `${overlay ? `namespace: ${overlay}\n` : ''}resources:\n  - ../../base\n`,
      },
    );
    expect(findings.map((f) => `${f.location?.path} ${f.severity ?? 'rule'}`)).toEqual([
      `base/rb.yaml ${grade}`,
    ]);
  });

  it('says who a binding to everyone reaches', async () => {
    expect((await judge(binding(CRB, GROUP('system:unauthenticated')))).message).toBe(
      'ClusterRoleBinding "autoscaler-admin" grants the cluster-admin role to `system:unauthenticated`, that is, ' +
        'to anyone who can reach the API server: every permission on every object of the cluster. Remove that ' +
        'subject, and bind a role that lists only the verbs and resources named users and service accounts need.',
    );
    expect((await judge(binding(CRB, `  - kind: User\n    name: system:anonymous\n`))).grade).toBe(
      'rbac.yaml:8:9 critical',
    );
    expect((await judge(binding(CRB, GROUP('system:authenticated')))).message).toContain(
      "to every client with any credential of the cluster (every pod's service-account token included)",
    );
  });

  it("keys a role's wildcard by its namespace and what the rule grants", async () => {
    const role = (ns: string, resource: string) =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app-editor\n  namespace: ${ns}\n` +
      `rules:\n- apiGroups: [""]\n  resources: ["${resource}"]\n  verbs: ["*"]\n`;
    const key = async (text: string) =>
      (await run(k8sRbac, { audit: 'wildcard' }, { 'role.yaml': text }))[0]!.key;
    const base = await key(role('app', 'configmaps'));
    expect(await key(role('app', 'secrets'))).not.toBe(base);
    expect(await key(role('kube-system', 'configmaps'))).not.toBe(base);
    expect(await key(role('app', 'configmaps'))).toBe(base);
  });

  it('keys a workload by its namespace: the same Deployment in two namespaces is two findings', async () => {
    const web = (ns: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n` +
      '      containers:\n        - name: app\n          image: app:1\n          securityContext:\n            privileged: true\n';
    const findings = await run(k8sPrivileged, {}, { 'app.yaml': `${web('a')}---\n${web('b')}` });
    expect(findings.map(at)).toEqual(['app.yaml:13:25', 'app.yaml:27:25']);
    expect(new Set(findings.map((f) => f.key)).size).toBe(2);
  });
});

describe('k8s.resource-limits', () => {
  const files = {
    'a.yaml': deployment(`      containers:
        - name: a
          resources: { limits: { memory: 128Mi } }
      ephemeralContainers:
        - name: debug
`),
  };

  it('reports the missing resources and skips ephemeral containers', async () => {
    const findings = await run(k8sResourceLimits, {}, files);
    expect(findings.map(at)).toEqual(['a.yaml:10:24']);
    expect(findings[0]!.message).toContain('no cpu limit');
  });

  it.each([
    // Memory bounded, only CPU missing: CPU is shared by weight, so the neighbours keep what they request.
    ['memory limited, no cpu limit', 'resources: { limits: { memory: 128Mi } }', 'cpu', 'info'],
    ['memory limited at pod level, no cpu limit', '', 'cpu', 'info'],
    ['cpu limited, no memory limit', 'resources: { limits: { cpu: 500m } }', 'memory', undefined],
    ['no limits at all', 'resources: { requests: { cpu: 100m } }', 'cpu or memory', undefined],
  ])('grades a container with %s', async (what, resources, missing, severity) => {
    const findings = await run(
      k8sResourceLimits,
      {},
      {
        'a.yaml':
          deployment(`${what.includes('pod level') ? '      resources: { limits: { memory: 1Gi } }\n' : ''}      containers:
        - name: a
          ${resources}
`),
      },
    );
    expect(
      findings.map((f) => [f.message.match(/no (cpu or memory|cpu|memory) limit/)?.[1], f.severity]),
    ).toEqual([[missing, severity]]);
  });

  it('checks the configured resources', async () => {
    expect(await run(k8sResourceLimits, { resources: ['memory'] }, files)).toEqual([]);
  });

  it('takes a pod-level limit as bounding every container, and asks only for what it leaves out', async () => {
    const findings = await run(
      k8sResourceLimits,
      {},
      {
        'a.yaml': deployment(`      resources:
        limits: { cpu: "2" }
      initContainers:
        - name: fetch
      containers:
        - name: a
          resources: { limits: { memory: 128Mi } }
        - name: b
`),
      },
    );
    expect(findings.map(at)).toEqual(['a.yaml:11:11', 'a.yaml:15:11']);
    expect(findings.map((f) => f.message.match(/no (\S+) limit/)?.[1])).toEqual(['memory', 'memory']);
  });
});

describe('Kubernetes manifests under .github/', () => {
  const NOTE =
    ' (the manifest is under .github/, where CI configuration lives: likely a fixture a workflow applies to a throw-away test cluster, not a deployment.)';
  const redis = deployment(`      containers:
        - name: redis
          image: ghcr.io/acme/cache:7.4
          resources: {}
`);

  it('reports them at low confidence, with the reason; the same manifest elsewhere is judged as before', async () => {
    const files = { '.github/configs/external-redis.yaml': redis, 'deploy/redis.yaml': redis };
    const limits = await run(k8sResourceLimits, {}, files);
    expect(limits.map((f) => [at(f), f.confidence ?? null, f.message.endsWith(NOTE)])).toEqual([
      ['.github/configs/external-redis.yaml:11:11', 'low', true],
      ['deploy/redis.yaml:11:11', null, false],
    ]);
    // A rule that grades its own findings keeps the fixture's low.
    const root = await run(k8sRunAsRoot, {}, files);
    expect(root.map((f) => [at(f), f.confidence])).toEqual([
      ['.github/configs/external-redis.yaml:9:11', 'low'],
      ['deploy/redis.yaml:9:11', 'medium'],
    ]);
  });
});

describe('Kubernetes workloads scaled to zero', () => {
  /** A Deployment named `name` with `replicas`, whose container sets nothing and uses a moving tag. */
  const workload = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/app:latest
          env:
            - name: API_TOKEN
              value: hunter2-live-value-8c1d
  selector: { matchLabels: { app: ${name} } }
`;
  const files = {
    'deploy/off.yaml': workload('off', 0),
    // Scaled to zero, but an autoscaler of the manifests starts it.
    'deploy/scaled.yaml': `${workload('scaled', 0)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: scaled
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: scaled }
  minReplicas: 2
  maxReplicas: 4
`,
    'deploy/on.yaml': workload('on', 2),
  };
  const NOTE =
    ' (But the workload is scaled to zero (replicas: 0) and no autoscaler, kustomization or command in the repository scales it: none of its pods runs until it is scaled up, when the gap is real.)';

  it.each([
    ['k8s.seccomp', k8sSeccomp, {}],
    ['k8s.privilege-escalation', k8sPrivilegeEscalation, {}],
    ['k8s.run-as-root', k8sRunAsRoot, {}],
    ['k8s.image-tag', k8sImageTag, {}],
    ['k8s.capabilities', k8sCapabilities, { requireDropAll: true }],
    ['k8s.read-only-root-fs', k8sReadOnlyRootFs, {}],
    ['k8s.resource-limits', k8sResourceLimits, {}],
  ] as const)(
    '%s reports one that no autoscaler starts at low confidence, saying why',
    async (_kind, evaluator, options) => {
      const findings = await run(evaluator as Parameters<typeof run>[0], options, files);
      const byFile = new Map(findings.map((f) => [f.location?.path, f]));
      expect(byFile.get('deploy/off.yaml')?.confidence).toBe('low');
      expect(byFile.get('deploy/off.yaml')?.message.endsWith(NOTE)).toBe(true);
      for (const file of ['deploy/scaled.yaml', 'deploy/on.yaml']) {
        expect(byFile.get(file)?.confidence).not.toBe('low');
        expect(byFile.get(file)?.message).not.toContain('scaled to zero');
      }
    },
  );

  it('keeps a secret written in its manifest, which leaks whether or not it runs', async () => {
    const findings = await run(k8sEnvSecretLiteral, {}, files);
    expect(findings.map((f) => [f.location?.path, f.confidence ?? null])).toEqual([
      ['deploy/off.yaml', null],
      ['deploy/scaled.yaml', null],
      ['deploy/on.yaml', null],
    ]);
  });

  const kustomization = (extra: string) => `resources: [off.yaml]\n${extra}`;
  const workflow = (run: string) =>
    `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
  /** A base kustomization with `extra` and an overlay whose patch of `target` scales to 3. */
  const overlay = (target: string, extra = '') => ({
    'base/kustomization.yaml': kustomization(extra),
    'prod/kustomization.yaml': `resources: [../base]\npatches:\n  - target: {kind: Deployment, ${target}}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n`,
  });
  it.each<[string, Record<string, string>, 'low' | 'kept']>([
    ['nothing scales it', {}, 'low'],
    [
      'a JSON 6902 patch of the kustomization replaces its /spec/replicas',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment, name: off}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
        ),
      },
      'kept',
    ],
    [
      'a strategic-merge patch file names it and sets replicas',
      {
        'base/kustomization.yaml': kustomization('patches:\n  - path: scale.yaml\n'),
        'base/scale.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: off\nspec:\n  replicas: 3\n',
      },
      'kept',
    ],
    [
      'an overlay lists the patch under patchesStrategicMerge',
      {
        'prod/kustomization.yaml': 'resources: [../base]\npatchesStrategicMerge:\n  - scale.yaml\n',
        'prod/scale.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: off\nspec:\n  replicas: 3\n',
      },
      'kept',
    ],
    [
      'a patchesJson6902 file whose target name is a pattern matching it',
      {
        'base/kustomization.yaml': kustomization(
          'patchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: "of.*"}\n    path: scale.yaml\n',
        ),
        'base/scale.yaml': '- op: add\n  path: /spec/replicas\n  value: 2\n',
      },
      'kept',
    ],
    [
      'a patch by a label selector that selects it sets replicas',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment, labelSelector: "tier=web"}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
        ),
        'base/off.yaml': workload('off', 0).replace('  name: off\n', '  name: off\n  labels: {tier: web}\n'),
      },
      'kept',
    ],
    [
      'a patch by a label selector that selects other workloads sets replicas',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment, labelSelector: "tier=web"}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
        ),
      },
      'low',
    ],
    [
      'a patch by a set-based selector sets replicas (it may select any workload)',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {labelSelector: "tier in (web, api)"}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
        ),
      },
      'kept',
    ],
    [
      'a patch of every Deployment sets replicas',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
        ),
      },
      'kept',
    ],
    [
      'a strategic-merge patch of it that keeps replicas at 0',
      {
        'base/kustomization.yaml': kustomization('patches:\n  - path: ha.yaml\n'),
        'base/ha.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: off\nspec:\n  replicas: 0\n  template:\n    spec:\n      containers: [{name: a, env: [{name: N, value: "2"}]}]\n',
      },
      'low',
    ],
    [
      'a JSON 6902 patch of it that sets /spec/replicas to 0',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment, name: off}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 0\n',
        ),
      },
      'low',
    ],
    [
      'a patch that scales another workload',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment, name: other}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n',
        ),
      },
      'low',
    ],
    [
      'a patch of it that changes its image only',
      {
        'base/kustomization.yaml': kustomization(
          'patches:\n  - target: {kind: Deployment, name: off}\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: app:2\n',
        ),
      },
      'low',
    ],
    [
      'a deploy workflow runs kubectl scale on it',
      {
        '.github/workflows/deploy.yml': workflow(
          'kubectl apply -k base && kubectl scale deployment/off --replicas=3',
        ),
      },
      'kept',
    ],
    [
      'a script scales it, over two lines',
      { 'scripts/up.sh': 'kubectl -n prod scale deploy off \\\n  --replicas 2\n' },
      'kept',
    ],
    [
      'a script scales a workload named by a variable',
      { 'scripts/up.sh': 'oc scale dc "$APP" --replicas=2\n' },
      'kept',
    ],
    [
      'a script patches its replicas',
      { Makefile: 'up:\n\tkubectl patch deployment off -p \'{"spec":{"replicas":2}}\'\n' },
      'kept',
    ],
    [
      'a workflow scales it to zero',
      { '.github/workflows/down.yml': workflow('kubectl scale deployment/off --replicas=0') },
      'low',
    ],
    [
      'a script scales another workload by a count in a variable',
      { 'scripts/up.sh': 'kubectl scale deployment ui -n $NS --replicas=$DESIRED\n' },
      'low',
    ],
    [
      'a script scales another workload',
      { 'scripts/up.sh': 'kubectl scale deployment/other --replicas=3\n' },
      'low',
    ],
    // Kustomize matches a target's name as an anchored pattern, and selects the resources of a base
    // as built: with the labels and the name prefix or suffix the base's kustomization gives them.
    ['an overlay patch whose target name is a pattern with a dot ("of.")', overlay('name: "of."'), 'kept'],
    ['an overlay patch whose target name is a pattern that does not match it', overlay('name: "x.f"'), 'low'],
    [
      "an overlay patch by a label the base's commonLabels adds",
      overlay('labelSelector: "tier=edge"', 'commonLabels: {tier: edge}\n'),
      'kept',
    ],
    [
      "an overlay patch by a label the base's labels pairs add",
      overlay('labelSelector: "tier=edge"', 'labels:\n  - pairs: {tier: edge}\n'),
      'kept',
    ],
    [
      'an overlay patch by a label no kustomization adds',
      overlay('labelSelector: "tier=edge"', 'commonLabels: {tier: web}\n'),
      'low',
    ],
    [
      "an overlay patch of the name the base's namePrefix gives",
      overlay('name: prod-off', 'namePrefix: prod-\n'),
      'kept',
    ],
    [
      "an overlay patch of the name the base's nameSuffix gives",
      overlay('name: off-v2', 'nameSuffix: -v2\n'),
      'kept',
    ],
    [
      'an overlay patch of another workload with the same prefix',
      overlay('name: prod-other', 'namePrefix: prod-\n'),
      'low',
    ],
    [
      'an autoscaler of the name the namePrefix gives',
      {
        'base/kustomization.yaml': kustomization('namePrefix: prod-\n'),
        'prod/hpa.yaml':
          'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: prod-off}\n  maxReplicas: 3\n',
      },
      'kept',
    ],
    [
      'a script scales the name the namePrefix gives',
      {
        'base/kustomization.yaml': kustomization('namePrefix: prod-\n'),
        'scripts/up.sh': 'kubectl scale deployment/prod-off --replicas=3\n',
      },
      'kept',
    ],
  ])('replicas: 0, and %s', async (_, extra, expected) => {
    const findings = await run(k8sSeccomp, {}, { 'base/off.yaml': workload('off', 0), ...extra });
    expect(findings.map((f) => (f.confidence === 'low' ? 'low' : 'kept'))).toEqual([expected]);
  });

  it('judges one whose count a kustomization sets as it runs', async () => {
    const findings = await run(
      k8sSeccomp,
      {},
      {
        'base/off.yaml': workload('off', 0),
        'base/kustomization.yaml': 'resources: [off.yaml]\nreplicas:\n  - name: off\n    count: 3\n',
      },
    );
    expect(findings.map((f) => f.confidence ?? null)).toEqual([null]);
  });
});

describe('Kubernetes manifests that kustomize builds only for a quick start', () => {
  const web = deployment(`      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
`);
  const component = (ref: string) =>
    `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ${ref}\n`;
  const overlay = (ref: string) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncomponents:\n  - ${ref}\n`;

  it('are reported at low confidence, with the reason; one a production overlay includes is judged as before', async () => {
    const findings = await runBuiltin(
      'k8s-seccomp-profile',
      {
        'manifests/quick-start/base/web.yaml': web,
        'manifests/components/grafana/kustomization.yaml': component('grafana.yaml'),
        'manifests/components/grafana/grafana.yaml': web,
        'manifests/components/tempo/kustomization.yaml': component('tempo.yaml'),
        'manifests/components/tempo/tempo.yaml': web,
        'manifests/quick-start/telemetry/kustomization.yaml': overlay('../../components/grafana'),
        'manifests/quick-start/tracing/kustomization.yaml': overlay('../../components/tempo'),
        'manifests/production/kustomization.yaml': overlay('../components/tempo'),
      },
      { persona: 'auditor' },
    );
    expect(findings.map((f) => [at(f), f.severity, f.confidence, f.confidenceReason ?? null])).toEqual([
      [
        'manifests/components/grafana/grafana.yaml:8:7',
        'medium',
        'low',
        'the manifest is built only by kustomizations under test, fixture, example or quick-start paths',
      ],
      ['manifests/components/tempo/tempo.yaml:8:7', 'medium', 'high', null],
      [
        'manifests/quick-start/base/web.yaml:8:7',
        'medium',
        'low',
        'the file is under a test, fixture, example, documentation, archived or vendored path',
      ],
    ]);
  });
});

describe('a manifest in an ordinary folder that a kustomization under a test path names', () => {
  // kubectl apply -f deploy/ applies an ordinary folder as it is: a kustomization elsewhere naming one
  // of its files says nothing of who else applies it. A folder with a kustomization of its own is
  // built with kustomize, through the chains that are followed.
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  containers:
    - name: agent
      image: registry.example.com/agent:1.2.3
      securityContext:
        privileged: true
`;
  const kustomization = (...refs: string[]) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${refs.map((r) => `  - ${r}\n`).join('')}`;
  it.each([
    [
      'an example names the file',
      { 'examples/kustomization.yaml': kustomization('../deploy/pod.yaml') },
      'high',
    ],
    [
      'a test suite names the file',
      { 'test/e2e/kustomization.yaml': kustomization('../../deploy/pod.yaml') },
      'high',
    ],
    [
      'the folder is a base that only an example builds',
      {
        'deploy/kustomization.yaml': kustomization('pod.yaml'),
        'examples/kustomization.yaml': kustomization('../deploy'),
      },
      'low',
    ],
    [
      'the folder is a base that an example and a production overlay build',
      {
        'deploy/kustomization.yaml': kustomization('pod.yaml'),
        'examples/kustomization.yaml': kustomization('../deploy'),
        'overlays/prod/kustomization.yaml': kustomization('../../deploy'),
      },
      'high',
    ],
  ])('%s: the privileged container is graded $2', async (_, kustomizations, confidence) => {
    const findings = await runBuiltin(
      'k8s-privileged-container',
      { 'deploy/pod.yaml': pod, ...kustomizations },
      { persona: 'auditor' },
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([['deploy/pod.yaml:11:21', confidence]]);
  });
});

describe('k8s.single-replica', () => {
  const workload = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - { name: app, image: "nginx:1.27" }
`;
  const service = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
`;

  it.each([
    ['hook-releasetest', 'low'],
    ['api-staging', 'low'],
    ['web-stg-2', 'low'],
    // Words that only contain a mark are no environment.
    ['stagecoach', null],
    ['backstage', null],
    ['release-notes', null],
  ])('grades a workload named %s', async (name, confidence) => {
    const findings = await run(
      k8sSingleReplica,
      {},
      { 'k8s/app.yaml': `${workload(name)}---\n${service(name)}` },
    );
    expect(
      findings.map((f) => [f.confidence ?? null, f.message.includes('staging or release-test')]),
    ).toEqual([[confidence, confidence === 'low']]);
  });

  // An Okteto manifest whose deploy commands apply the manifest: a developer's environment.
  it.each([
    [
      'a glob in a loop',
      'stack/okteto.yml',
      'deploy:\n  - for f in k8s/*.yml; do envsubst < $f | kubectl apply -f -; done\n',
      'stack/k8s/app.yml',
      'low',
    ],
    [
      'the folder, as a command entry',
      'okteto.yaml',
      'deploy:\n  commands:\n    - name: apply\n      command: kubectl apply -f ./deploy/\n',
      'deploy/app.yml',
      'low',
    ],
    ['another folder', 'okteto.yml', 'deploy:\n  - kubectl apply -f other\n', 'deploy/app.yml', null],
    ['no deploy commands', 'okteto.yml', 'dev:\n  app:\n    image: x\n', 'deploy/app.yml', null],
    [
      'an Okteto manifest in a sibling folder',
      'stack/okteto.yml',
      'deploy:\n  - kubectl apply -f k8s\n',
      'k8s/app.yml',
      null,
    ],
  ])('grades a workload an Okteto manifest names by %s', async (_what, okteto, text, file, confidence) => {
    const findings = await run(
      k8sSingleReplica,
      {},
      { [okteto]: text, [file]: `${workload('web')}---\n${service('web')}` },
    );
    expect(findings.map((f) => [f.confidence ?? null, f.message.includes('Okteto manifest')])).toEqual([
      [confidence, confidence === 'low'],
    ]);
  });

  it.each([
    // Every port named for monitoring (metrics, profiling, probes): only monitoring calls it.
    [
      'http-metrics, http-profiling, probes',
      ['http-metrics', 'http-profiling', 'probes'],
      'app',
      'monitoring',
    ],
    ['metrics', ['metrics'], 'app', 'monitoring'],
    // A port that serves anything else, or one without a name, keeps the grade.
    ['metrics and http', ['metrics', 'http'], 'app', null],
    ['an unnamed port', [undefined], 'app', null],
    ['a metrics-like word inside another', ['metricsproxy'], 'app', null],
    // An optional dashboard is lowered by its name; a name that only contains the word is not.
    ['http on a dashboard', ['http'], 'rollouts-dashboard', 'dashboard'],
    ['http on another name', ['http'], 'dashboards2go', null],
    // So is an admin's or operator's UI; a UI word alone may be the product's own front end.
    ['http on an operator UI', ['http'], 'db-operator-ui', 'dashboard'],
    ['http on an admin console', ['http'], 'queue-admin-console', 'dashboard'],
    ['http on a UI', ['http'], 'shop-ui', null],
    ['http on an admin API', ['http'], 'admin-api', null],
  ])('grades a workload whose Service exposes %s', async (_what, names, name, why) => {
    const ports = names
      .map((n, i) => `    - { ${n === undefined ? '' : `name: ${n}, `}port: ${8080 + i} }\n`)
      .join('');
    const findings = await run(
      k8sSingleReplica,
      {},
      { 'k8s/app.yaml': `${workload(name)}---\n${service(name)}  ports:\n${ports}` },
    );
    expect(
      findings.map((f) => [
        f.confidence ?? null,
        /only metrics, profiling or probe ports/.test(f.message)
          ? 'monitoring'
          : /optional dashboard/.test(f.message)
            ? 'dashboard'
            : null,
      ]),
    ).toEqual([[why === null ? null : 'low', why]]);
  });

  it('takes a Service to serve the workloads of its own set of manifests only', async () => {
    const findings = await run(
      k8sSingleReplica,
      {},
      {
        // A set per platform, each with the same labels: the Service of one serves its own only.
        'k8s/challenge-deployment.yml': workload('challenge'),
        'aws/k8s/challenge-deployment.yml': workload('challenge'),
        'aws/k8s/challenge-service.yml': service('challenge'),
        'okteto/k8s/challenge-service.yml': service('challenge'),
        // The same directory tree, or sibling folders below one top folder: one set.
        'deploy/workloads/api.yaml': workload('api'),
        'deploy/services/api.yaml': service('api'),
        'apps/web/base/web.yaml': workload('web'),
        'apps/web/service.yaml': service('web'),
        // At the root, a Service is of every set.
        'worker/worker.yaml': workload('worker'),
        'service.yaml': service('worker'),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['aws/k8s/challenge-deployment.yml:6:13', null],
      ['deploy/workloads/api.yaml:6:13', null],
      ['apps/web/base/web.yaml:6:13', null],
      ['worker/worker.yaml:6:13', null],
    ]);
  });

  it('passes over demo and quick-start manifests, and those only their kustomizations build', async () => {
    const kustomization = (key: string, ...refs: string[]) =>
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${key}:\n${refs.map((r) => `  - ${r}\n`).join('')}`;
    const component = (...refs: string[]) =>
      `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n${refs.map((r) => `  - ${r}\n`).join('')}`;
    const findings = await run(
      k8sSingleReplica,
      {},
      {
        // A quick start's own manifests, and an example's.
        'manifests/quick-start/base/minio/minio-deploy.yaml': workload('minio'),
        'manifests/quick-start/base/minio/minio-service.yaml': service('minio'),
        'examples/shop/cart.yaml': workload('cart'),
        'examples/shop/cart-service.yaml': service('cart'),
        // Shared components that only the quick start's kustomizations include.
        'manifests/components/grafana/kustomization.yaml': component(
          'grafana-deployment.yaml',
          'grafana-service.yaml',
        ),
        'manifests/components/grafana/grafana-deployment.yaml': workload('grafana'),
        'manifests/components/grafana/grafana-service.yaml': service('grafana'),
        'manifests/components/sso/kustomization.yaml': component('dex'),
        'manifests/components/sso/dex/kustomization.yaml': kustomization(
          'resources',
          'dex-deploy.yaml',
          'dex-svc.yaml',
        ),
        'manifests/components/sso/dex/dex-deploy.yaml': workload('dex'),
        'manifests/components/sso/dex/dex-svc.yaml': service('dex'),
        'manifests/quick-start/telemetry/kustomization.yaml': kustomization(
          'components',
          '../../components/grafana',
        ),
        // A test suite's kustomization is no production either.
        'test/e2e/manifests/telemetry/kustomization.yaml': kustomization(
          'components',
          '../../../../manifests/components/grafana',
        ),
        'manifests/quick-start/sso/kustomization.yaml': kustomization('components', '../../components/sso'),
        // A component that a production overlay includes as well is judged.
        'manifests/components/postgres/kustomization.yaml': component(
          'postgres-deployment.yaml',
          'postgres-service.yaml',
        ),
        'manifests/components/postgres/postgres-deployment.yaml': workload('postgres'),
        'manifests/components/postgres/postgres-service.yaml': service('postgres'),
        'manifests/quick-start/postgres/kustomization.yaml': kustomization(
          'components',
          '../../components/postgres',
        ),
        'manifests/production/kustomization.yaml': kustomization('components', '../components/postgres'),
        // A nested environment of that name is one too.
        'deploy/overlays/sandbox/api.yaml': workload('api'),
        'deploy/overlays/sandbox/api-service.yaml': service('api'),
        // An ordinary folder (applied as it is, kubectl apply -f deploy/) whose files a quick start
        // names is judged: naming them says nothing of who else applies the folder.
        'deploy/worker.yaml': workload('worker'),
        'deploy/worker-service.yaml': service('worker'),
        'manifests/quick-start/worker/kustomization.yaml': kustomization(
          'resources',
          '../../../deploy/worker.yaml',
          '../../../deploy/worker-service.yaml',
        ),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['manifests/components/postgres/postgres-deployment.yaml:6:13', null],
      ['deploy/worker.yaml:6:13', null],
    ]);
  });
});

describe('k8s.env-secret-literal', () => {
  it('recognises secret-like names', () => {
    for (const name of [
      'DB_PASSWORD',
      'password',
      'dbPassword',
      'GITHUB_TOKEN',
      'API_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'JWT_SECRET',
      'apiKey',
      'CLIENT_SECRET',
      'SMTP_PASSWD',
    ]) {
      expect([name, isSecretName(name)]).toEqual([name, true]);
    }
    for (const name of [
      'LOG_LEVEL',
      'DB_PASSWORD_FILE',
      'TOKEN_URL',
      'SECRET_NAME',
      'PUBLIC_KEY',
      'CACHE_KEY',
      'KEYCLOAK_REALM',
      'AWS_ACCESS_KEY_ID',
      'BYPASS_CACHE',
      'MONKEY',
    ]) {
      expect([name, isSecretName(name)]).toEqual([name, false]);
    }
  });

  it('recognises placeholders and references', () => {
    for (const v of [
      '',
      '  ',
      '$(OTHER_VAR)',
      '${TOKEN}',
      '{{ .Values.token }}',
      '<your-token>',
      'xxxx',
      '****',
      'true',
    ]) {
      expect([v, isPlaceholderValue(v)]).toEqual([v, true]);
    }
    expect(isPlaceholderValue('hunter2-but-longer')).toBe(false);
  });

  it('tells settings, paths, names and object references from credentials (crater run of issue 13)', () => {
    const standIns: [string, string][] = [
      ['MYSQL_ALLOW_EMPTY_PASSWORD', '1'],
      ['MYSQL_RANDOM_ROOT_PASSWORD', 'yes'],
      ['GOOGLE_APPLICATION_CREDENTIALS', '/var/secrets/google/key.json'],
      ['DB_PASSWORD', './secrets/db-password.txt'],
      ['HF_TOKEN', 'HF_TOKEN'],
      ['GOOGLE_API_KEY', 'GOOGLE_API_KEY_VAL'],
      ['NGC_API_KEY', 'nvapi-NVKEY'],
      ['OAUTH2_PROXY_COOKIE_SECRET', 'SECRET'],
      ['MYSQL_ROOT_PASSWORD', 'yourpassword'],
      ['MINIO_ACCESS_KEY', 'minio'],
      ['OPERATOR_SECRET', 'operator'],
      ['TLS_SECRET', 'web-tls'],
    ];
    for (const [name, value] of standIns)
      expect([name, isPlaceholderValue(value, name)]).toEqual([name, true]);
    const real: [string, string][] = [
      ['MYSQL_ROOT_PASSWORD', 'my-secret-pw'],
      ['POSTGRES_PASSWORD', 'postgres'],
      ['MINIO_SECRET_KEY', 'minio123'],
      ['CLIENT_SECRET', 'q8Hf3kLw0pZ7'],
      ['TOTP_SECRET', 'JBSWY3DPEHPK3PXP'],
      ['API_KEY', 'AIzaSyD4-1x9vYzK0q3mN8pL2sT6uW7r'],
    ];
    for (const [name, value] of real) expect([name, isPlaceholderValue(value, name)]).toEqual([name, false]);
  });

  it('reports a value that is a credential under a neutral name (a URL with a password, a private key)', async () => {
    const password = 'pR7x-Wq92-zzK';
    const findings = await run(
      k8sEnvSecretLiteral,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: api
          env:
            - name: DATABASE_URL
              value: postgres://shop:${password}@db.shop.svc:5432/shop
            - name: CACHE_URL
              value: redis://cache.shop.svc:6379/0
            - name: TLS_KEY_PEM
              value: |
                -----BEGIN PRIVATE KEY-----
                ${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(3)}
                -----END PRIVATE KEY-----
`),
      },
    );
    expect(findings.map(at)).toEqual(['a.yaml:12:15', 'a.yaml:16:15']);
    expect(findings[0]!.message).toContain('holds a password in a postgres URL as a literal value');
    expect(findings[1]!.message).toContain('holds a private key');
    expect(JSON.stringify(findings)).not.toContain(password);
  });

  it('grades a value its comment asks the reader to replace low, saying why', async () => {
    const findings = await run(
      k8sEnvSecretLiteral,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: agent
          env:
            - name: ACCESS_KEY                      #REQUIRED - replace with your access key
              value: 8312341g-5678-abcd-4a2b2c-33bcsd655
            - name: API_TOKEN
              value: q8Hf3kLw0pZ7xY2m  # set this to your own token
            - name: DB_PASSWORD   # the ops team rotates it
              value: pR7x-Wq92-zzK
            - name: SESSION_SECRET
              value: "k#9Lp2 replace with your own"
`),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['a.yaml:12:15', 'low'],
      ['a.yaml:14:15', 'low'],
      ['a.yaml:16:15', null],
      // A # inside the value is no comment.
      ['a.yaml:18:15', null],
    ]);
    expect(findings[0]!.message).toMatch(
      /secretKeyRef\. \(its comment asks the reader to replace the value: likely a stand-in\.\)$/,
    );
  });

  it('grades a well-known default password low, saying why', async () => {
    const findings = await run(
      k8sEnvSecretLiteral,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: keycloak
          env:
            - name: KC_BOOTSTRAP_ADMIN_USERNAME
              value: admin
            - name: KC_BOOTSTRAP_ADMIN_PASSWORD
              value: "admin"
            - name: DB_PASSWORD
              value: pR7x-Wq92-zzK
            - name: KC_DB_USERNAME
              value: keycloak
            - name: KC_DB_PASSWORD
              value: 'keycloak'
            - name: POSTGRES_PASSWORD
              value: P@ssw0rd
`),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['a.yaml:14:15', 'low'],
      ['a.yaml:16:15', null],
      // The same as its user name.
      ['a.yaml:20:15', 'low'],
      // `password` in leetspeak.
      ['a.yaml:22:15', 'low'],
    ]);
    expect(findings[0]!.message).toContain(
      '(a well-known default (`admin`, `password`, or the user name itself)',
    );
  });

  it('grades a password of words low, as the secret detectors and the Dockerfile rule do, saying why', async () => {
    const findings = await run(
      k8sEnvSecretLiteral,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: db-manager
          env:
            - name: DB_PASSWORD
              value: "katib"
            - name: API_TOKEN
              value: my-api-token
            - name: SESSION_SECRET
              value: q8Hf3kLw0pZ7xY2m
`),
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([
      ['a.yaml:12:15', 'low'],
      ['a.yaml:14:15', 'low'],
      ['a.yaml:16:15', null],
    ]);
    expect(findings[0]!.message).toContain('(the value is a word, a phrase of words or names itself');
  });

  it.each([
    // The key id of an access-key pair is its user name; the secret key equal to it is a demo default.
    ['AWS_ACCESS_KEY_ID', 'minio-dev-user', 'AWS_SECRET_ACCESS_KEY', 'minio-dev-user', 'low'],
    ['MINIO_ACCESS_KEY', 'storage-dev-key', 'MINIO_SECRET_KEY', 'storage-dev-key', 'low'],
    ['S3_KEY_ID', 'local-demo-key', 'S3_SECRET_KEY', 'local-demo-key', 'low'],
    // MinIO's documented default, whatever the names.
    ['STORAGE_ENDPOINT', 'http://minio:9000', 'S3_SECRET_KEY', 'minioadmin', 'low'],
    // A key id and a secret key that differ: a real pair.
    ['AWS_ACCESS_KEY_ID', 'AKIAEXAMPLEKEYID0001', 'AWS_SECRET_ACCESS_KEY', 'q8Hf3kLw0pZ7xY2mWv5Tn', null],
    // Two secrets equal to each other are no user name and password.
    ['APP_SECRET_KEY', 'q8Hf3kLw0pZ7xY2mWv5Tn', 'AWS_SECRET_ACCESS_KEY', 'q8Hf3kLw0pZ7xY2mWv5Tn', null],
  ] as const)(
    'grades %s=%s beside %s=%s: %s confidence',
    async (idName, idValue, name, value, confidence) => {
      const findings = await run(
        k8sEnvSecretLiteral,
        {},
        {
          'a.yaml': deployment(`      containers:
        - name: store
          env:
            - name: ${idName}
              value: ${idValue}
            - name: ${name}
              value: ${value}
`),
        },
      );
      const own = findings.filter((f) => f.message.includes(`Environment variable ${name} `));
      expect(own.map((f) => [at(f), f.confidence ?? null])).toEqual([['a.yaml:14:15', confidence]]);
    },
  );

  it('reports literal values without ever repeating them', async () => {
    const secret = 'Sup3r-S3cret-Value-42';
    const findings = await run(
      k8sEnvSecretLiteral,
      {},
      {
        'a.yaml': deployment(`      containers:
        - name: api
          env:
            - name: DB_PASSWORD
              value: ${secret}
            - name: API_TOKEN
              valueFrom: { secretKeyRef: { name: s, key: k } }
            - name: IGNORED_TOKEN
              value: ${secret}
`),
      },
    ).then((all) => all);
    expect(findings.map(at)).toEqual(['a.yaml:12:15', 'a.yaml:16:15']);
    for (const f of findings) {
      expect(f.message).not.toContain(secret);
      expect(f.key ?? '').not.toContain(secret);
      expect(f.message).toContain(`(${secret.length} characters)`);
    }
    const withIgnore = await run(
      k8sEnvSecretLiteral,
      { ignore: ['IGNORED_TOKEN'] },
      {
        'a.yaml': deployment(`      containers:
        - name: api
          env:
            - { name: IGNORED_TOKEN, value: ${secret} }
`),
      },
    );
    expect(withIgnore).toEqual([]);
  });

  // A finding is the container, the name and a keyed hash of the value: another secret under the
  // same name is a new finding on a pull request, the same one moved is not.
  const A = 'Aq3Lm9Xz7Pw2Rt5Vk8Nb4Hs6';
  const B = 'Mf6Ty1Ug8Ie3Ro5Pa2Sd9Gh4';
  const entry = (name: string, value: string) =>
    `            - name: ${name}\n              value: ${value}\n`;
  it.each([
    ['another value under the same name', entry('DB_PASSWORD', A), entry('DB_PASSWORD', B), false],
    [
      'another password in a URL',
      entry('DATABASE_URL', 'postgres://shop:pR7x-Wq92-zzK@db:5432/shop'),
      entry('DATABASE_URL', 'postgres://shop:Lw3v-Tn58-qqM@db:5432/shop'),
      false,
    ],
    ['the same value under another name', entry('DB_PASSWORD', A), entry('ADMIN_PASSWORD', A), false],
    [
      'the same value, moved down',
      entry('DB_PASSWORD', A),
      `${entry('LOG_LEVEL', 'info')}${entry('DB_PASSWORD', A)}`,
      true,
    ],
    ['the same value, quoted', entry('DB_PASSWORD', A), entry('DB_PASSWORD', `"${A}"`), true],
  ])('%s: the same finding: %s', async (_what, before, after, same) => {
    const keys = [];
    for (const env of [before, after]) {
      const findings = await run(
        k8sEnvSecretLiteral,
        {},
        {
          'a.yaml': deployment(`      containers:\n        - name: api\n          env:\n${env}`),
        },
      );
      expect(findings).toHaveLength(1);
      keys.push(findings[0]!.key!);
    }
    expect(keys[1] === keys[0], keys.join(' / ')).toBe(same);
    for (const key of keys)
      for (const value of [A, B, 'pR7x-Wq92-zzK', 'Lw3v-Tn58-qqM']) expect(leaks(key, value)).toBe(false);
  });
});

describe('a workload that cannot be applied as written, outside any kustomize tree', () => {
  // A patch a kustomization merges into a base this repository does not hold (one Terraform writes,
  // reading the file with file()): what it leaves out, the base may set; what it writes lands.
  const RULES = [
    'k8s-seccomp-profile',
    'k8s-privilege-escalation',
    'k8s-run-as-root',
    'k8s-capabilities-drop-all',
    'k8s-readonly-root-filesystem',
    'k8s-resource-limits',
    'k8s-host-path-volume',
    'k8s-privileged-container',
  ];
  /** A Deployment of `agent` (privileged, the hostPath) and `side`; `first` is agent's first line. */
  const workload = (first: string, selector = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: ops}
spec:
  template:
    spec:
      containers:
        - name: agent
          ${first}
          volumeMounts: [{name: certs, mountPath: /etc/ssl/certs}]
          securityContext: {privileged: true}
        - name: side
          image: ghcr.io/acme/side:1.2.0
      volumes:
        - name: certs
          hostPath: {path: /etc/ssl/certs}
${selector}`;
  const patch = workload('env: [{name: LOG_LEVEL, value: debug}]');
  const complete = workload('image: ghcr.io/acme/agent:1.2.0', '  selector: {matchLabels: {app: agent}}\n');
  const hcl = 'locals {\n  patch = file("${path.module}/k8s/agent.yaml")\n}\n';
  /** Every finding, as the auditor persona shows them: the gaps the patch leaves, and what it sets. */
  const AS_WRITTEN = (absent: 'low' | 'high') => [
    'k8s-privileged-container:11 high/high',
    'k8s-host-path-volume:16 high/high',
    `k8s-seccomp-profile:7 medium/${absent}`,
    `k8s-run-as-root:11 medium/${absent === 'low' ? 'low' : 'medium'}`,
    `k8s-privilege-escalation:12 medium/${absent}`,
    `k8s-run-as-root:12 medium/${absent === 'low' ? 'low' : 'medium'}`,
    `k8s-resource-limits:8 low/${absent}`,
    `k8s-readonly-root-filesystem:11 low/${absent}`,
    `k8s-capabilities-drop-all:12 low/${absent}`,
    `k8s-readonly-root-filesystem:12 low/${absent}`,
    `k8s-resource-limits:12 low/${absent}`,
  ];
  it.each<{ name: string; files: Record<string, string>; expected: string[] }>([
    {
      name: 'a patch (no selector, a container without its image) that Terraform reads',
      files: { 'k8s/agent.yaml': patch, 'main.tf': hcl },
      expected: AS_WRITTEN('low'),
    },
    {
      name: 'the same patch, read by nothing',
      files: { 'k8s/agent.yaml': patch },
      expected: AS_WRITTEN('low'),
    },
    {
      name: 'the complete workload',
      files: { 'k8s/agent.yaml': complete, 'main.tf': hcl },
      expected: AS_WRITTEN('high'),
    },
    {
      // A renderer's quoted placeholder is a value: the file is judged as written.
      name: "a complete workload whose image is a template's placeholder",
      files: { 'k8s/agent.yaml': complete.replace('ghcr.io/acme/agent:1.2.0', '"{{ .Values.image }}"') },
      expected: AS_WRITTEN('high'),
    },
    {
      // kustomize completes a resource (its labels add the selector): judged whole, whatever its shape.
      name: 'the workload without a selector, listed as a kustomize resource',
      files: {
        'k8s/agent.yaml': workload('image: ghcr.io/acme/agent:1.2.0'),
        'k8s/kustomization.yaml':
          'labels:\n  - pairs: {app: agent}\n    includeSelectors: true\nresources: [agent.yaml]\n',
      },
      expected: AS_WRITTEN('high'),
    },
  ])('$name', async ({ files, expected }) => {
    const report = await runCheck({
      root: makeTree(files),
      onlyRules: RULES,
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.errors).toEqual([]);
    const shown = report.findings.map(
      (f) => `${f.ruleId}:${f.location?.startLine} ${f.severity}/${f.confidence}`,
    );
    expect(shown).toEqual(expected);
    for (const f of report.findings.filter((f) => f.confidence === 'low')) {
      expect(f.message).toMatch(
        /\(But Deployment "agent" cannot be applied as written \((?:it has no spec\.selector, which the apps\/v1 API requires|its container "agent" has no image)\): nothing runs it as it stands, and what completes it \(the base a patch is merged into\) may set what it leaves out\.\)$/,
      );
    }
  });

  it('lowers the patch of a file that also holds a complete workload, not the complete one', async () => {
    const both = `${complete}---\n${patch.replace('name: agent,', 'name: agent-extra,')}`;
    const report = await runCheck({
      root: makeTree({ 'k8s/agent.yaml': both }),
      onlyRules: ['k8s-readonly-root-filesystem'],
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.findings.map((f) => `${f.location?.startLine} ${f.confidence}`)).toEqual([
      '11 high',
      '12 high',
      '29 low',
      '30 low',
    ]);
  });
});

// The API server takes an object in any YAML style: flow style, JSON in a .yaml file, or a document
// indented as a whole. Each is read as the block-style manifest is.
describe('Kubernetes manifests in any YAML style', () => {
  const block =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n';
  it.each([
    ['block style', block, 10],
    [
      'flow style on one line',
      '{apiVersion: v1, kind: Pod, metadata: {name: debug}, spec: {containers: [{name: c, image: "busybox:1.36", securityContext: {privileged: true}}]}}\n',
      1,
    ],
    [
      'JSON',
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": { "name": "debug" },\n  "spec": { "containers": [ { "name": "c", "image": "busybox:1.36",\n    "securityContext": { "privileged": true } } ] }\n}\n',
      6,
    ],
    ['indented as a whole', block.replace(/^/gm, '  '), 10],
  ])('%s', async (_style, text, line) => {
    const findings = await runBuiltin('k8s-privileged-container', { 'deploy/pod.yaml': text });
    expect(findings.map((f) => [f.location?.path, f.location?.startLine])).toEqual([
      ['deploy/pod.yaml', line],
    ]);
  });

  it('does not read a YAML file that names no kind the rules judge', async () => {
    const findings = await runBuiltin('k8s-privileged-container', {
      'config/settings.yaml': '  apiVersion: v1\n  kind: ConfigMap\n  data: {privileged: "true"}\n',
    });
    expect(findings).toEqual([]);
  });
});

/**
 * What kustomize builds: each kustomization's resources with its patches applied (strategic merge by
 * kind and name, or by `target`; JSON 6902 operations at their pointers; inline or in files), judged
 * by the Kubernetes rules, each finding located where the value that causes it is written.
 */
describe('objects as the kustomizations build them', () => {
  const BASE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: app
          image: app:1
          securityContext: {privileged: false}
`;
  const base = {
    'base/web.yaml': BASE,
    'base/kustomization.yaml': 'resources: [web.yaml]\nnamePrefix: acme-\n',
  };
  const overlay = (body: string) => ({ ...base, 'prod/kustomization.yaml': `resources: [../base]\n${body}` });
  const inline = (target: string, ops: string) =>
    overlay(`patches:\n  - target: ${target}\n    patch: |-\n${ops.replace(/^/gm, '      ')}\n`);
  const PRIVILEGED_OP =
    '- op: replace\n  path: /spec/template/spec/containers/0/securityContext/privileged\n  value: true';
  const SMP_PRIVILEGED =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          securityContext:\n            privileged: true\n';
  const RULES = {
    privileged: (files: Record<string, string>) => run(k8sPrivileged, {}, files),
    hostNamespaces: (files: Record<string, string>) => run(k8sHostNamespaces, {}, files),
    runAsRoot: (files: Record<string, string>) => run(k8sRunAsRoot, {}, files),
    resourceLimits: (files: Record<string, string>) => run(k8sResourceLimits, {}, files),
    imageTag: (files: Record<string, string>) => run(k8sImageTag, {}, files),
  };
  type Case = {
    name: string;
    files: Record<string, string>;
    rule?: keyof typeof RULES;
    found: string[];
  };
  const CASES: Case[] = [
    { name: 'the base alone, hardened (the control)', files: base, found: [] },
    {
      name: "a build for a Helm chart: the pod's securityContext left to the chart's values is a lead",
      files: inline(
        '{kind: Deployment}',
        '- op: replace\n  path: /spec/template/spec/securityContext\n  value: "{{- toYaml .Values.podSecurityContext | nindent 8 }}"',
      ),
      rule: 'runAsRoot',
      found: ['base/web.yaml:16:11 low'],
    },
    {
      name: 'the same build writing the pod securityContext empty (the control)',
      files: inline(
        '{kind: Deployment}',
        '- op: replace\n  path: /spec/template/spec/securityContext\n  value: {}',
      ),
      rule: 'runAsRoot',
      found: ['base/web.yaml:16:11 medium'],
    },
    {
      name: 'an inline JSON 6902 patch by kind and name',
      files: inline('{kind: Deployment, name: web}', PRIVILEGED_OP),
      found: ['prod/kustomization.yaml:7:16 -'],
    },
    {
      name: "an inline JSON 6902 patch by the name the base's namePrefix gives, a regular expression",
      files: inline('{kind: Deployment, name: "acme-w.*"}', PRIVILEGED_OP),
      found: ['prod/kustomization.yaml:7:16 -'],
    },
    {
      name: 'an inline JSON 6902 patch by label selector, group and version',
      files: inline('{group: apps, version: v1, kind: Deployment, labelSelector: "app=web"}', PRIVILEGED_OP),
      found: ['prod/kustomization.yaml:7:16 -'],
    },
    {
      name: 'an inline JSON 6902 patch of another Deployment (the control)',
      files: inline('{kind: Deployment, name: api}', PRIVILEGED_OP),
      found: [],
    },
    {
      name: 'an inline JSON 6902 patch of another namespace (the control)',
      files: inline('{kind: Deployment, name: web, namespace: dev}', PRIVILEGED_OP),
      found: [],
    },
    {
      name: 'an inline JSON 6902 patch whose path does not exist: kustomize fails, nothing applied',
      files: inline(
        '{kind: Deployment, name: web}',
        '- op: replace\n  path: /spec/template/spec/containers/3/securityContext/privileged\n  value: true',
      ),
      found: [],
    },
    {
      name: 'an operation that applies before one that fails: kustomize fails the build, nothing of it applied',
      files: overlay(
        'patches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n' +
          `${PRIVILEGED_OP}\n- op: remove\n  path: /spec/template/spec/hostAliases`.replace(/^/gm, '      ') +
          '\n  - target: {kind: Deployment}\n    patch: |-\n      - {op: add, path: /spec/replicas, value: 2}\n',
      ),
      found: [],
    },
    {
      name: 'a JSON 6902 patch file in patchesJson6902, written as JSON',
      files: {
        ...overlay(
          'patchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: web}\n    path: p.json\n',
        ),
        'prod/p.json':
          '[\n  {"op": "add", "path": "/spec/template/spec/initContainers", "value": [\n    {"name": "init", "image": "busybox:1", "securityContext": {"privileged": true}}\n  ]}\n]\n',
      },
      found: ['prod/p.json:3:78 -'],
    },
    {
      name: 'a strategic-merge patch file in patchesStrategicMerge, merged by container name',
      files: { ...overlay('patchesStrategicMerge: [p.yaml]\n'), 'prod/p.yaml': SMP_PRIVILEGED },
      found: ['prod/p.yaml:11:25 -'],
    },
    {
      name: 'a strategic-merge patch inline in patches, without a target',
      files: overlay(`patches:\n  - patch: |\n${SMP_PRIVILEGED.replace(/^/gm, '      ').trimEnd()}\n`),
      found: ['prod/kustomization.yaml:14:31 -'],
    },
    {
      name: 'a strategic-merge patch of another container name adds that container',
      files: {
        ...overlay('patches:\n  - path: p.yaml\n'),
        'prod/p.yaml': SMP_PRIVILEGED.replace('name: app', 'name: debug\n          image: busybox:1'),
      },
      found: ['prod/p.yaml:12:25 -'],
    },
    {
      name: 'a strategic-merge patch that sets it false again (the control)',
      files: {
        ...overlay('patches:\n  - path: p.yaml\n'),
        'prod/p.yaml': SMP_PRIVILEGED.replace('privileged: true', 'privileged: false'),
      },
      found: [],
    },
    {
      name: 'a component (kind: Component) whose patch the overlay takes',
      files: {
        ...overlay('components: [../debug]\n'),
        'debug/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: p.yaml\n',
        'debug/p.yaml': SMP_PRIVILEGED,
      },
      found: ['debug/p.yaml:11:25 -'],
    },
    {
      name: 'a patch in a base, and an overlay over it: one finding, at the base patch',
      files: {
        ...base,
        'base/kustomization.yaml': 'resources: [web.yaml]\npatches:\n  - path: p.yaml\n',
        'base/p.yaml': SMP_PRIVILEGED,
        'prod/kustomization.yaml':
          'resources: [../base]\npatches:\n  - target: {kind: Deployment}\n    patch: |-\n      - {op: add, path: /spec/replicas, value: 2}\n',
      },
      found: ['base/p.yaml:11:25 -'],
    },
    {
      name: 'a base privileged as written, and an overlay that patches another field: once, at the base',
      files: {
        ...inline('{kind: Deployment}', '- {op: add, path: /spec/replicas, value: 2}'),
        'base/web.yaml': BASE.replace('privileged: false', 'privileged: true'),
      },
      found: ['base/web.yaml:16:41 -'],
    },
    {
      name: 'an inline JSON 6902 patch that adds hostPID',
      rule: 'hostNamespaces',
      files: inline(
        '{kind: Deployment, name: web}',
        '- op: add\n  path: /spec/template/spec/hostPID\n  value: true',
      ),
      found: ['prod/kustomization.yaml:7:16 -'],
    },
    {
      name: "an inline JSON 6902 patch that removes the pod's runAsNonRoot: at the base's container",
      rule: 'runAsRoot',
      files: inline(
        '{kind: Deployment, name: web}',
        '- op: remove\n  path: /spec/template/spec/securityContext/runAsNonRoot',
      ),
      found: ['base/web.yaml:16:11 medium'],
    },
    {
      name: "a JSON 6902 patch that removes the container's securityContext: at the operation",
      rule: 'runAsRoot',
      files: {
        ...inline(
          '{kind: Deployment, name: web}',
          '- op: remove\n  path: /spec/template/spec/containers/0/securityContext',
        ),
        'base/web.yaml': BASE.replace('        runAsNonRoot: true\n', '        fsGroup: 2000\n').replace(
          '{privileged: false}',
          '{privileged: false, runAsNonRoot: true}',
        ),
      },
      found: ['prod/kustomization.yaml:5:9 medium'],
    },
    {
      name: "a strategic-merge patch that deletes the container's runAsNonRoot (null): at the deletion",
      rule: 'runAsRoot',
      files: {
        ...overlay('patches:\n  - path: p.yaml\n'),
        'prod/p.yaml': SMP_PRIVILEGED.replace('privileged: true', 'runAsNonRoot: null'),
        'base/web.yaml': BASE.replace('        runAsNonRoot: true\n', '        fsGroup: 2000\n').replace(
          '{privileged: false}',
          '{privileged: false, runAsNonRoot: true}',
        ),
      },
      found: ['prod/p.yaml:11:13 medium'],
    },
    {
      name: 'a finding the rule grades on a copy (no cpu limit, memory limited), and an overlay patching another field: once',
      rule: 'resourceLimits',
      files: {
        ...inline('{kind: Deployment}', '- {op: add, path: /spec/replicas, value: 2}'),
        'base/web.yaml': BASE.replace(
          '{privileged: false}',
          '{privileged: false}\n          resources: {limits: {memory: 64Mi}}',
        ),
      },
      found: ['base/web.yaml:17:23 -'],
    },
    {
      name: 'an inline patch of one line (a block scalar without a line break is no file name)',
      rule: 'hostNamespaces',
      files: inline(
        '{kind: Deployment, name: web}',
        '- {op: add, path: /spec/template/spec/hostPID, value: true}',
      ),
      found: ['prod/kustomization.yaml:5:61 -'],
    },
    {
      name: 'a sidecar a patch adds with an untagged image: at the patch',
      rule: 'imageTag',
      files: {
        ...overlay('patches:\n  - path: p.yaml\n'),
        'base/web.yaml': BASE.replace('app:1', 'app:1.2.3'),
        'prod/p.yaml': SMP_PRIVILEGED.replace(
          'name: app',
          'name: proxy\n          image: acme/proxy',
        ).replace('privileged: true', 'privileged: false'),
      },
      found: ['prod/p.yaml:10:18 -'],
    },
    {
      name: 'the same sidecar, tagged by the images: of the overlay that adds it, beside another overlay of the base',
      rule: 'imageTag',
      files: {
        ...overlay('patches:\n  - path: p.yaml\nimages:\n  - {name: acme/proxy, newTag: 1.4.0}\n'),
        'dev/kustomization.yaml': 'resources: [../base]\n',
        'base/web.yaml': BASE.replace('app:1', 'app:1.2.3'),
        'prod/p.yaml': SMP_PRIVILEGED.replace(
          'name: app',
          'name: proxy\n          image: acme/proxy',
        ).replace('privileged: true', 'privileged: false'),
      },
      found: [],
    },
    {
      name: 'kustomizations that list each other: the loop is cut where it closes',
      files: {
        ...base,
        'base/kustomization.yaml': 'resources: [web.yaml, ../prod]\n',
        'prod/kustomization.yaml': `resources: [../base]\npatches:\n  - path: p.yaml\n`,
        'prod/p.yaml': SMP_PRIVILEGED,
      },
      found: ['prod/p.yaml:11:25 -'],
    },
  ];

  it.each(CASES)('$name', async ({ files, rule = 'privileged', found }) => {
    const findings = await RULES[rule](files);
    expect(findings.map((f) => `${at(f)} ${f.confidence ?? '-'}`)).toEqual(found);
  });

  it('says which kustomization builds the workload it judges', async () => {
    const [finding] = await run(
      k8sRunAsRoot,
      {},
      inline(
        '{kind: Deployment, name: web}',
        '- op: remove\n  path: /spec/template/spec/securityContext/runAsNonRoot',
      ),
    );
    expect(finding?.message).toMatch(/\(In Deployment "web" as prod\/kustomization\.yaml builds it\.\)$/);
  });

  it.each([
    [
      'a remote base',
      'resources: [../base, "https://github.com/acme/deploy//base?ref=v1"]\n',
      'kustomization with a remote resource',
    ],
    [
      'a Helm chart',
      'resources: [../base]\nhelmCharts: [{name: redis, repo: https://charts.example}]\n',
      'kustomization with generators, Helm charts, replacements or plugins',
    ],
    [
      'a patch of a resource it does not hold',
      'resources: [../base]\npatches:\n  - target: {kind: StatefulSet, name: db}\n    patch: |-\n      - {op: add, path: /spec/replicas, value: 2}\n',
      'kustomization with a patch not applied',
    ],
    [
      'a base that lists the overlay back',
      'resources: [../base]\npatches:\n  - target: {kind: Deployment}\n    patch: |-\n      - {op: add, path: /spec/replicas, value: 2}\n',
      'kustomization not built',
      { 'base/kustomization.yaml': 'resources: [web.yaml, ../prod]\n' },
    ],
  ] as [string, string, string, Record<string, string>?][])(
    'says what it does not build: %s',
    async (_what, body, kind, more = {}) => {
      const report = await runCheck({
        root: makeTree({ ...base, 'prod/kustomization.yaml': body, ...more }),
        onlyRules: ['k8s-privileged-container'],
        failOn: 'never',
      });
      const left = report.rules.find((r) => r.id === 'k8s-privileged-container')?.scope?.leftOut ?? [];
      expect(left.map((l) => `${l.kind}: ${l.examples.join(', ')}`)).toContain(
        `${kind}: prod/kustomization.yaml`,
      );
    },
  );
});

describe('workloads only OpenShift runs: what its default security context constraint writes', () => {
  // restricted-v2 (OpenShift 4.11 and later) gives a pod that leaves them out seccomp RuntimeDefault,
  // allowPrivilegeEscalation: false, no capabilities and a non-root user id: "Kubernetes defaults it
  // to true" is not what happens there, unless a more permissive constraint is granted.
  const container = `        spec:
          containers:
            - name: app
              image: registry.example.org/acme/app:1.4.2
              securityContext:
                privileged: false
`;
  const files: Record<string, string> = {
    'openshift/dc.yaml': `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: app
spec:
  replicas: 2
  template:
${container}`,
    'openshift/template.yaml': `apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: app
objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app
    spec:
      replicas: 2
      selector:
        matchLabels: { app: app }
      template:
        metadata:
          labels: { app: app }
        spec:
          containers:
            - name: app
              image: registry.example.org/acme/app:1.4.2
              securityContext:
                privileged: false
`,
    'k8s/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: { app: app }
  template:
    metadata:
      labels: { app: app }
${container.replace(/^ {4}/gm, '')}`,
    // An explicit value is what the pod asks for, on OpenShift too.
    'openshift/escalates.yaml': `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: escalates
spec:
  template:
        spec:
          containers:
            - name: app
              image: registry.example.org/acme/app:1.4.2
              securityContext:
                allowPrivilegeEscalation: true
                capabilities:
                  drop: ["ALL"]
                runAsNonRoot: true
                seccompProfile:
                  type: RuntimeDefault
`,
  };
  it.each([
    ['k8s-seccomp-profile', k8sSeccomp, {}, 'the RuntimeDefault seccomp profile'],
    ['k8s-privilege-escalation', k8sPrivilegeEscalation, {}, 'allowPrivilegeEscalation: false'],
    [
      'k8s-capabilities-drop-all',
      k8sCapabilities,
      { requireDropAll: true },
      'no capabilities (it drops ALL)',
    ],
    ['k8s-run-as-root', k8sRunAsRoot, {}, "a non-root user id from its project's range"],
  ] as const)(
    '%s: low on a DeploymentConfig and in a Template, saying why',
    async (_id, evaluator, options, gives) => {
      const findings = await run(evaluator as Evaluator<unknown>, options, files);
      const byFile = Object.fromEntries(findings.map((f) => [f.location!.path, f]));
      expect(Object.keys(byFile).sort()).toEqual(
        _id === 'k8s-privilege-escalation'
          ? ['k8s/deploy.yaml', 'openshift/dc.yaml', 'openshift/escalates.yaml', 'openshift/template.yaml']
          : ['k8s/deploy.yaml', 'openshift/dc.yaml', 'openshift/template.yaml'],
      );
      expect(byFile['k8s/deploy.yaml']!.confidence).not.toBe('low');
      for (const file of ['openshift/dc.yaml', 'openshift/template.yaml']) {
        expect(byFile[file]!.confidence, file).toBe('low');
        expect(byFile[file]!.message, file).toContain(
          `default security context constraint (restricted-v2, OpenShift 4.11 and later) gives a pod that leaves it out ${gives}`,
        );
      }
      if (_id === 'k8s-privilege-escalation')
        expect(byFile['openshift/escalates.yaml']!.confidence).toBeUndefined();
    },
  );

  it('in a DeploymentConfig as a kustomization builds it, too', async () => {
    // The base is settled; the container a patch adds is the build's, reported at the patch.
    const findings = await run(
      k8sPrivilegeEscalation,
      {},
      {
        'dc.yaml': `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.org/acme/app:1.4.2
          securityContext:
            allowPrivilegeEscalation: false
`,
        'kustomization.yaml': `resources: [dc.yaml]
patches:
  - target: {kind: DeploymentConfig, name: app}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/-
        value: {name: proxy, image: registry.example.org/acme/proxy:2.0.1}
`,
      },
    );
    expect(findings.map((f) => [at(f), f.confidence ?? null])).toEqual([['kustomization.yaml:7:16', 'low']]);
    expect(findings[0]!.message).toContain('(But only OpenShift runs a DeploymentConfig,');
  });
});
