import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTrees, roundTrip } from './round-trip.js';

afterAll(cleanupTrees);

const RULE = 'k8s-privilege-escalation';

const DEPLOYMENT = (containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the front end
spec:
  template:
    spec:
      containers:
${containers}`;

/** Input manifest -> the expected fixed manifest (the whole file). */
const CASES: { name: string; file: string; input: string; output: string }[] = [
  {
    name: 'no securityContext: one is added after the last key',
    file: 'k8s/web.yaml',
    input: DEPLOYMENT('        - name: web\n          image: nginx:1.27 # pinned later\n'),
    output: DEPLOYMENT(
      '        - name: web\n          image: nginx:1.27 # pinned later\n          securityContext:\n            allowPrivilegeEscalation: false\n',
    ),
  },
  {
    name: 'a securityContext without the setting gets it',
    file: 'k8s/web.yaml',
    input: DEPLOYMENT(
      '        - name: web\n          securityContext:\n            runAsNonRoot: true\n          image: nginx:1.27\n',
    ),
    output: DEPLOYMENT(
      '        - name: web\n          securityContext:\n            runAsNonRoot: true\n            allowPrivilegeEscalation: false\n          image: nginx:1.27\n',
    ),
  },
  {
    name: 'true becomes false, the comment stays',
    file: 'k8s/web.yaml',
    input: DEPLOYMENT(
      '        - name: web\n          securityContext:\n            allowPrivilegeEscalation: true # legacy\n',
    ),
    output: DEPLOYMENT(
      '        - name: web\n          securityContext:\n            allowPrivilegeEscalation: false # legacy\n',
    ),
  },
  {
    name: 'a flow mapping stays a flow mapping',
    file: 'k8s/web.yaml',
    input: DEPLOYMENT('        - { name: web, image: nginx, securityContext: { runAsNonRoot: true } }\n'),
    output: DEPLOYMENT(
      '        - { name: web, image: nginx, securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }\n',
    ),
  },
  {
    name: 'a flow container without securityContext',
    file: 'k8s/web.yaml',
    input: DEPLOYMENT('        - {name: web, image: nginx}\n'),
    output: DEPLOYMENT(
      '        - {name: web, image: nginx, securityContext: { allowPrivilegeEscalation: false }}\n',
    ),
  },
  {
    name: 'CRLF line breaks are kept',
    file: 'k8s/web.yaml',
    input: DEPLOYMENT('        - name: web\n          image: nginx\n').replace(/\n/g, '\r\n'),
    output: DEPLOYMENT(
      '        - name: web\n          image: nginx\n          securityContext:\n            allowPrivilegeEscalation: false\n',
    ).replace(/\n/g, '\r\n'),
  },
  {
    name: 'four-space indentation and no final line break',
    file: 'k8s/job.yml',
    input:
      'apiVersion: batch/v1\nkind: Job\nspec:\n    template:\n        spec:\n            containers:\n                -   name: migrate\n                    image: migrate:2',
    output:
      'apiVersion: batch/v1\nkind: Job\nspec:\n    template:\n        spec:\n            containers:\n                -   name: migrate\n                    image: migrate:2\n                    securityContext:\n                        allowPrivilegeEscalation: false',
  },
  {
    name: 'pretty JSON: one entry per line, keys quoted',
    file: 'k8s/pod.json',
    input:
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "spec": {\n    "containers": [\n      {\n        "name": "app",\n        "image": "app:1"\n      }\n    ]\n  }\n}\n',
    output:
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "spec": {\n    "containers": [\n      {\n        "name": "app",\n        "image": "app:1",\n        "securityContext": {"allowPrivilegeEscalation": false}\n      }\n    ]\n  }\n}\n',
  },
  {
    name: 'a second document and an init container',
    file: 'k8s/all.yaml',
    input:
      '---\nkind: ConfigMap\napiVersion: v1\ndata: {a: b}\n---\napiVersion: v1\nkind: Pod\nspec:\n  initContainers:\n  - name: init\n    image: busybox\n  containers:\n  - name: app\n    image: app\n    securityContext: {allowPrivilegeEscalation: false}\n',
    output:
      '---\nkind: ConfigMap\napiVersion: v1\ndata: {a: b}\n---\napiVersion: v1\nkind: Pod\nspec:\n  initContainers:\n  - name: init\n    image: busybox\n    securityContext:\n      allowPrivilegeEscalation: false\n  containers:\n  - name: app\n    image: app\n    securityContext: {allowPrivilegeEscalation: false}\n',
  },
];

describe('fix: allowPrivilegeEscalation: false', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { final } = await roundTrip({ [c.file]: c.input }, RULE, { fixes: 1 });
      expect(final[c.file]).toBe(c.output);
    });
  }

  it('a container reached through an alias is reported as not fixable, not edited', async () => {
    const input =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  spec:\n    containers:\n    - &app\n      name: app\n      image: app\n- apiVersion: v1\n  kind: Pod\n  spec:\n    containers:\n    - *app\n';
    const { findings } = await roundTrip({ 'k8s/list.yaml': input }, RULE);
    expect(findings.map((f) => [f.location?.startLine, f.unfixable ?? 'fix'])).toEqual([
      [9, 'fix'],
      [15, expect.stringMatching(/alias/)],
    ]);
  });
});
