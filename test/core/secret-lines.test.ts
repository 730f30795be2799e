import { afterAll, describe, expect, it } from 'vitest';
import { secretLines } from '../../src/core/fix/secret-lines.js';
import { cleanup, workspaceOf } from '../evaluators/kit.js';
import { githubToken } from '../evaluators/secrets-kit.js';

afterAll(cleanup);

/** A password of letters only, which the secret scanner takes for a word and the structural rules do not. */
const LETTERS = 'qzkxvbnmwplrtyhgfdsa';

/**
 * The lines a fix may not change (its region would copy them into reports): the secret scanner's and
 * those of each rule that reads a literal credential from the file's structure, by that rule's own
 * judgement. One file per case, with the lines that hold a secret.
 */
const CASES: { name: string; file: string; text: string; lines: number[] }[] = [
  {
    name: 'a token the scanner finds',
    file: 'deploy/.env',
    text: `REGION=eu\nGH_TOKEN=${githubToken()}\n`,
    lines: [2],
  },
  {
    name: 'a Kubernetes env value below its name',
    file: 'k8s/pod.yaml',
    text: `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: api\n      image: api:1\n      env:\n        - name: DB_PASSWORD\n          value: ${LETTERS}\n        - name: LOG_LEVEL\n          value: debug\n`,
    lines: [9],
  },
  {
    name: 'a Kubernetes env value as a block scalar, and one in a flow mapping',
    file: 'k8s/pod.yaml',
    text: `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: api\n      image: api:1\n      env:\n        - name: API_TOKEN\n          value: |\n            ${LETTERS}\n    - {name: worker, image: w:1, env: [{name: SECRET_KEY, value: ${LETTERS}}]}\n`,
    lines: [10, 11],
  },
  {
    name: 'a Kubernetes env value through an alias: the alias and the anchor',
    file: 'k8s/pod.yaml',
    text: `apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    note: &pw ${LETTERS}\nspec:\n  containers:\n    - name: api\n      image: api:1\n      env:\n        - name: DB_PASSWORD\n          value: *pw\n`,
    lines: [5, 12],
  },
  {
    name: 'no Kubernetes secret: a reference, a stand-in, a neutral name',
    file: 'k8s/pod.yaml',
    text: `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: api\n      image: api:1\n      env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: db, key: password}\n        - name: API_TOKEN\n          value: changeme\n        - name: LOG_LEVEL\n          value: ${LETTERS}\n`,
    lines: [],
  },
  {
    name: 'a Dockerfile ENV written with a space, and one continued over lines',
    file: 'svc/Dockerfile',
    text: `FROM node:22-slim\nENV SERVICE_TOKEN ${LETTERS}\nENV MODE=prod \\\n    DB_PASSWORD=${LETTERS}\nENV NODE_ENV production\nCMD ["node"]\n`,
    lines: [2, 4],
  },
  {
    name: 'a Dockerfile ENV given a literal through an ARG default and another ENV: the ENV and where the value is written',
    file: 'svc/Dockerfile',
    text: `FROM node:22-slim\nARG P=${LETTERS}\nENV MODE=prod\nENV V=x${LETTERS}\nENV DB_PASSWORD=$P SERVICE_TOKEN=\${V}\nARG BUILD_TOKEN\nENV NPM_TOKEN=$BUILD_TOKEN\nCMD ["node"]\n`,
    lines: [2, 4, 5],
  },
  {
    name: "a job container's registry password, not an expression",
    file: '.github/workflows/ci.yml',
    text: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: r.example.com/ci:1\n      credentials:\n        username: ci\n        password: ${LETTERS}\n    services:\n      db:\n        image: r.example.com/db:1\n        credentials:\n          username: ci\n          password: \${{ secrets.DB }}\n    steps:\n      - run: make\n`,
    lines: [9],
  },
  {
    name: 'a Terraform provider credential, not a variable',
    file: 'infra/main.tf',
    text: `provider "aws" {\n  region     = "eu-west-1"\n  secret_key = "${LETTERS}"\n  token      = var.token\n}\n`,
    lines: [3],
  },
  {
    name: 'nothing the rules report',
    file: 'infra/notes.tf',
    text: `resource "null_resource" "a" {\n  triggers = { password = "${LETTERS}" }\n}\n`,
    lines: [],
  },
];

describe('the lines of a file that hold a secret', () => {
  it.each(CASES)('$name', async ({ file, text, lines }) => {
    const found = await secretLines(workspaceOf({ [file]: text }), file);
    expect([...found].sort((a, b) => a - b)).toEqual(lines);
  });
});
