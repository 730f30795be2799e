import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import {
  apiGroup,
  containersOf,
  isPatchFragment,
  k8sManifestPaths,
  k8sObjects,
  podMetadata,
  podSpecOf,
  readK8sObjects,
} from '../../src/core/parsers/k8s.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { removeTrees, tree } from './tree.js';

afterAll(removeTrees);

const pos = (span: { start: { line: number; column: number } }) => `${span.start.line}:${span.start.column}`;

/** A Deployment that can be applied alone: a selector, and an image for every container. */
const COMPLETE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

const DEPLOYMENT = `apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: setup
          image: busybox:1.36
      containers:
        - name: web
          image: nginx:1.27
      ephemeralContainers:
        - name: debug
          image: busybox:1.36
---
# just a comment
---
not: a manifest
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: ghcr.io/acme/report:1.0.0
`;

describe('Kubernetes manifests', () => {
  it('reads every object of a multi-document file and ignores documents that are not objects', () => {
    const ws = tree({ 'k8s/app.yaml': DEPLOYMENT });
    const objects = readK8sObjects(ws, 'k8s/app.yaml');
    expect(objects.map((o) => `${o.kind}/${o.name}@${o.document.index}`)).toEqual([
      'Service/web@0',
      'Deployment/web@1',
    ]);
    expect(pos(objects[1]!.node.span)).toBe('6:1');
  });

  it('finds the pod spec of each workload kind, CronJob through its job template', () => {
    const ws = tree({ 'app.yaml': DEPLOYMENT, 'cron.yml': CRONJOB });
    const [, deployment] = readK8sObjects(ws, 'app.yaml');
    const [cron] = readK8sObjects(ws, 'cron.yml');
    expect(podSpecOf(deployment!)?.node.pointer).toBe('/spec/template/spec');
    expect(podSpecOf(cron!)?.node.pointer).toBe('/spec/jobTemplate/spec/template/spec');
    const containers = containersOf(podSpecOf(cron!)!);
    expect(containers.map((c) => [c.name, c.group, pos(c.node.span)])).toEqual([
      ['report', 'containers', '12:15'],
    ]);
  });

  it('lists init, regular and ephemeral containers with their positions', () => {
    const ws = tree({ 'app.yaml': DEPLOYMENT });
    const pod = podSpecOf(readK8sObjects(ws, 'app.yaml')[1]!)!;
    expect(containersOf(pod).map((c) => `${c.group}:${c.name}:${pos(c.node.span)}`)).toEqual([
      'initContainers:setup:14:11',
      'containers:web:17:11',
      'ephemeralContainers:debug:20:11',
    ]);
    expect(containersOf(pod, ['containers']).map((c) => c.name)).toEqual(['web']);
  });

  it('knows the API groups of workloads and ignores custom resources of the same kind', () => {
    expect(apiGroup('apps/v1')).toBe('apps');
    expect(apiGroup('v1')).toBe('');
    const ws = tree({
      'crd.yaml':
        'apiVersion: example.com/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n',
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n',
    });
    expect(podSpecOf(readK8sObjects(ws, 'crd.yaml')[0]!)).toBeUndefined();
    expect(podSpecOf(readK8sObjects(ws, 'pod.yaml')[0]!)?.node.pointer).toBe('/spec');
  });

  it('reads JSON manifests, OpenShift DeploymentConfigs and the objects of a Template', () => {
    const ws = tree({
      'dc.json': JSON.stringify(
        {
          apiVersion: 'v1',
          kind: 'DeploymentConfig',
          metadata: { name: 'legacy' },
          spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'app' }] } } },
        },
        null,
        2,
      ),
      'template.yaml':
        'apiVersion: template.openshift.io/v1\nkind: Template\nobjects:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: { name: d }\n    spec:\n      template:\n        spec:\n          containers:\n            - name: c\n',
      'package.json': '{ "apiVersion": "1", "kind": "app" }',
      'settings.json': '{ "kind": "not a manifest" }',
    });
    const objects = k8sObjects(ws);
    expect(objects.map((o) => `${o.path}:${o.kind}:${o.node.pointer}`)).toEqual([
      'dc.json:DeploymentConfig:',
      'template.yaml:Deployment:/objects/0',
    ]);
    const [dc, deployment] = objects.map((o) => podSpecOf(o)!);
    expect(containersOf(dc!).map((c) => pos(c.node.span))).toEqual(['16:11']);
    expect(podMetadata(dc!)?.pointer).toBe('/spec/template/metadata');
    expect(containersOf(deployment!).map((c) => c.name)).toEqual(['c']);
  });

  it('reads the items of a List', () => {
    const ws = tree({
      'list.yaml':
        'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: { name: p }\n    spec:\n      containers:\n        - name: c\n',
    });
    const [pod] = readK8sObjects(ws, 'list.yaml');
    expect(pod?.node.pointer).toBe('/items/0');
    expect(containersOf(podSpecOf(pod!)!).map((c) => pos(c.node.span))).toEqual(['9:11']);
  });

  it('skips Helm chart templates and kustomize patches, but not a plain templates/ directory', () => {
    const ws = tree({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'charts/web/templates/deploy.yaml':
        'apiVersion: {{ include "web.apiVersion" . }}\nkind: {{ .Values.kind }}\nmetadata:\n  name: {{ .Release.Name }}\n',
      'templates/pod.yaml': 'apiVersion: v1\nkind: Pod\n',
      'overlays/prod/kustomization.yaml':
        'patches:\n  - path: patch.yaml\npatchesStrategicMerge:\n  - more.yaml\n',
      'overlays/prod/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
      'overlays/prod/more.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
      'overlays/prod/base.yaml': COMPLETE,
    });
    const paths = k8sManifestPaths(ws);
    expect(paths).toContain('templates/pod.yaml');
    expect(paths).toContain('overlays/prod/base.yaml');
    for (const skipped of [
      'charts/web/templates/deploy.yaml',
      'overlays/prod/patch.yaml',
      'overlays/prod/more.yaml',
    ]) {
      expect(paths).not.toContain(skipped);
    }
    expect(k8sObjects(ws).map((o) => o.path)).toEqual(['templates/pod.yaml', 'overlays/prod/base.yaml']);
  });

  it("judges a chart's template that holds no template action: helm renders it as written", () => {
    const ws = tree({
      'deploy/Chart.yaml': 'apiVersion: v2\nname: debug\nversion: 0.1.0\n',
      'deploy/templates/debug.yaml': COMPLETE,
      'deploy/templates/app.yaml':
        'apiVersion: v1\nkind: {{ .Values.kind }}\nmetadata:\n  name: {{ .Release.Name }}\n',
      // A library chart's templates are rendered only through the charts that include them.
      'lib/Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 0.1.0\n',
      'lib/templates/base.yaml': COMPLETE,
    });
    expect(k8sManifestPaths(ws)).toEqual(['deploy/templates/debug.yaml']);
  });

  // helm renders every file of templates/ but partials and NOTES.txt, whatever its name ends with:
  // a privileged Pod in templates/debug.tpl was never read.
  it('reads the files a chart renders whose names are not YAML ones, and no other templates/ files', () => {
    const ws = tree({
      'deploy/Chart.yaml': 'apiVersion: v2\nname: debug\nversion: 0.1.0\n',
      'deploy/templates/debug.tpl': COMPLETE,
      'deploy/templates/jobs/cleanup.txt': COMPLETE.replace('name: web', 'name: {{ .Release.Name }}'),
      'deploy/templates/_helpers.tpl': COMPLETE,
      'deploy/templates/NOTES.txt': COMPLETE,
      'lib/Chart.yaml': 'apiVersion: v2\nname: common\ntype: library\nversion: 0.1.0\n',
      'lib/templates/base.tpl': COMPLETE,
      'site/templates/page.txt': COMPLETE,
    });
    expect(k8sManifestPaths(ws)).toEqual(['deploy/templates/debug.tpl', 'deploy/templates/jobs/cleanup.txt']);
    expect(
      k8sObjects(ws).map((o) => `${o.path} ${o.kind} ${o.template ? 'template' : 'as written'}`),
    ).toEqual([
      'deploy/templates/debug.tpl Deployment as written',
      'deploy/templates/jobs/cleanup.txt Deployment template',
    ]);
  });

  it("skips the manifests in a chart's files/ when its templates render or patch them, not when they include them as written", () => {
    const chart = (name: string, template: string) => ({
      [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
      [`charts/${name}/templates/_render.tpl`]: template,
      [`charts/${name}/files/base/resources.yaml`]: COMPLETE,
    });
    const ws = tree({
      // The base is parsed and deep-merged with a patch rendered from values.
      ...chart(
        'patched',
        '{{- define "patched.render" -}}\n{{- $base := .context.Files.Get .baseFile | fromYaml -}}\n' +
          '{{- $patch := tpl (.context.Files.Get .patchFile) .context | fromYaml -}}\n{{ toYaml (mergeOverwrite $base $patch) }}\n{{- end -}}\n',
      ),
      // The file goes into the output as it is.
      ...chart('raw', '{{ .Files.Get "files/base/resources.yaml" }}\n'),
      // files/ outside a chart is an ordinary directory.
      'deploy/files/app.yaml': COMPLETE,
    });
    expect(k8sManifestPaths(ws)).toEqual(['charts/raw/files/base/resources.yaml', 'deploy/files/app.yaml']);
  });

  it('tells a patch fragment from a workload that can be applied alone, by its shape', () => {
    const fragment = (yaml: string) => {
      const [object] = readK8sObjects(tree({ 'x.yaml': yaml }), 'x.yaml');
      return isPatchFragment(object!);
    };
    const containers = (c: string) => `  template:\n    spec:\n      containers:\n        - name: app\n${c}`;
    const apps = (spec: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec}`;
    const selector = '  selector:\n    matchLabels: { app: web }\n';
    const image = '          image: nginx:1.27\n';
    const env = '          env: [{ name: A, value: b }]\n';
    expect(fragment(COMPLETE)).toBe(false);
    // An apps/v1 controller without the selector its API requires, even with every image.
    expect(fragment(apps(containers(image)))).toBe(true);
    expect(fragment(apps('  template:\n    spec:\n      imagePullSecrets: [{ name: regcred }]\n'))).toBe(
      true,
    );
    // A container without its image is rejected alone, whatever else the object has.
    expect(fragment(apps(selector + containers(env)))).toBe(true);
    expect(fragment(apps(selector + containers("          image: ''\n")))).toBe(true);
    // extensions/v1beta1 defaulted the selector; a Job's is generated; a Pod has none.
    expect(fragment(`apiVersion: extensions/v1beta1\nkind: Deployment\nspec:\n${containers(image)}`)).toBe(
      false,
    );
    expect(fragment(`apiVersion: batch/v1\nkind: Job\nspec:\n${containers(image)}`)).toBe(false);
    expect(fragment(`apiVersion: batch/v1\nkind: Job\nspec:\n${containers(env)}`)).toBe(true);
    const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
    expect(fragment(pod('  containers:\n    - name: c\n      image: nginx:1.27\n'))).toBe(false);
    expect(fragment(pod('  initContainers:\n    - name: c\n      image: nginx:1.27\n'))).toBe(true);
    expect(fragment('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n')).toBe(false);
  });

  it('leaves out a file of patch fragments in a kustomize tree that no kustomization names', () => {
    const patch =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          args: [--debug]\n';
    const ws = tree({
      'config/manager/kustomization.yaml': 'resources:\n  - manager.yaml\n',
      'config/manager/manager.yaml': COMPLETE,
      'config/manager/debug_patch.yaml': patch,
      // Below a kustomization, and in a stream with a patch of the Service.
      'config/manager/extra/both.yaml': `${patch}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n`,
      // A complete workload beside a fragment is applied as written: the file is judged whole.
      'config/manager/mixed.yaml': `${COMPLETE}---\n${patch}`,
      // Outside any kustomize tree, the same shape is judged as written.
      'k8s/patch.yaml': patch,
    });
    expect(k8sManifestPaths(ws).sort()).toEqual([
      'config/manager/manager.yaml',
      'config/manager/mixed.yaml',
      'k8s/patch.yaml',
    ]);
  });

  it('judges a file a kustomization lists among its resources, whatever its shape: its labels can add the selector', () => {
    // A resource without spec.selector (kustomize's labels with includeSelectors add it) that runs a
    // privileged container: listed as a resource, it is no patch, so dropping the selector hides nothing.
    const resource =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          securityContext: { privileged: true }\n';
    const ws = tree({
      'deploy/kustomization.yaml':
        'labels:\n  - pairs: { app: web }\n    includeSelectors: true\nresources:\n  - web.yaml\n  - https://example.com/remote.yaml\n',
      'deploy/web.yaml': resource,
      'deploy/unlisted.yaml': resource,
    });
    expect(k8sManifestPaths(ws).sort()).toEqual(['deploy/web.yaml']);
  });

  it('records a broken manifest as an input problem, and nothing for other broken YAML', () => {
    const ws = tree({
      'broken.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n',
      'templated.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .name }\n',
      // A build step substitutes `{NAME}` placeholders (`sed`, `make`) before the file is applied.
      'substituted.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  clusterIP: {SERVICE_IP_PREFIX}.16\n',
      'other.yaml': 'list: [\n',
    });
    expect(k8sObjects(ws)).toEqual([]);
    expect(ws.inputProblems().map((p) => `${p.path}:${p.line}`)).toEqual(['broken.yaml:5']);
  });

  it('never turns a Helm template into an unparsable-file finding', async () => {
    const { root } = tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'chart/templates/deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "x" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext: { privileged: {{ .Values.privileged }} }\n',
      'k8s/pod.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n',
    });
    const report = await runCheck({
      root,
      builtinRules: false,
      ruleDirs: [path.join(REPO_ROOT, 'rules', 'k8s'), path.join(REPO_ROOT, 'rules', 'core')],
      failOn: 'never',
    });
    expect(report.errors).toEqual([]);
    const paths = new Set(report.findings.map((f) => f.location?.path));
    // The template is judged by what every render writes; what its values decide, or it leaves out,
    // is a lead of low confidence, which the report does not show.
    expect([...paths]).toEqual(['k8s/pod.yaml']);
    expect(report.findings.filter((f) => f.ruleId === 'unparsable-file').map((f) => f.message)).toEqual([]);
  });
});

describe('Kubernetes model properties', () => {
  const fragment = fc.constantFrom(
    'apiVersion: v1\n',
    'apiVersion: apps/v1\n',
    'kind: Pod\n',
    'kind: Deployment\n',
    'kind: CronJob\n',
    'kind: List\n',
    'items:\n',
    '  - ',
    'spec:\n',
    '  template:\n',
    '    spec:\n',
    '  jobTemplate:\n',
    'containers:\n',
    '  containers:\n',
    '    - name: a\n',
    '      image: x\n',
    '---\n',
    '{{ x }}\n',
    '[',
    ']',
    '{',
    '}',
    ': ',
    '&a ',
    '*a ',
    '<<: *a\n',
    ' ',
    '\n',
    'é',
  );

  it('never throws on arbitrary YAML-like text, and every span lies inside the file', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const ws = tree({ 'm.yaml': text });
        const lines = new LineIndex(text);
        for (const object of readK8sObjects(ws, 'm.yaml')) {
          const pod = podSpecOf(object);
          const spans = [
            object.node.span,
            ...(pod ? [pod.node.span, ...containersOf(pod).map((c) => c.node.span)] : []),
          ];
          for (const s of spans) {
            expect(s.start.line).toBeGreaterThanOrEqual(1);
            expect(s.end.line).toBeLessThanOrEqual(lines.lineCount);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
