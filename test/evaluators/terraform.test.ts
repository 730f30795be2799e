// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform and manifest sources write ${...} literally.
import { afterAll, describe, expect, it } from 'vitest';
import { leaks } from '../../src/core/evaluators/secrets/evaluator.js';
import { terraformAttribute } from '../../src/core/evaluators/terraform/attribute.js';
import { terraformOpenEgress } from '../../src/core/evaluators/terraform/open-egress.js';
import { terraformOpenIngress } from '../../src/core/evaluators/terraform/open-ingress.js';
import {
  isPlaceholder,
  terraformProviderCredentials,
} from '../../src/core/evaluators/terraform/provider-credentials.js';
import { terraformS3Encryption } from '../../src/core/evaluators/terraform/s3-encryption.js';
import type { RawFinding } from '../../src/core/types.js';
import { at, cleanup, examinedBy, run, runBuiltin, withDefaults } from './kit.js';

afterAll(cleanup);

describe('terraform.attribute', () => {
  const ebs = {
    resources: ['aws_ebs_volume'],
    attribute: 'encrypted',
    expect: true,
    missing: 'report',
    defaultFrom: { resource: 'aws_ebs_encryption_by_default', attribute: 'enabled', value: true },
  };
  const volumes = `resource "aws_ebs_volume" "a" {
  size = 1
}

resource "aws_ebs_volume" "b" {
  encrypted = false
}

resource "aws_ebs_volume" "c" {
  encrypted = var.encrypted
}
`;

  it('reports a missing attribute at the resource and a wrong literal at its value; computed values are unknown', async () => {
    const findings = await run(terraformAttribute, { targets: [ebs] }, { 'main.tf': volumes });
    expect(findings.map(at)).toEqual(['main.tf:1:1', 'main.tf:6:15']);
    expect(findings[0]!.message).toBe('aws_ebs_volume "a" does not set encrypted = true.');
    expect(findings[1]!.message).toBe('aws_ebs_volume "b" sets encrypted = false.');
  });

  it('accepts an absent attribute when the configuration declares the account default', async () => {
    const findings = await run(
      terraformAttribute,
      { targets: [{ ...ebs, explain: 'unencrypted' }] },
      {
        'main.tf': volumes,
        'account/defaults.tf': 'resource "aws_ebs_encryption_by_default" "this" {\n  enabled = true\n}\n',
      },
    );
    expect(findings.map(at)).toEqual(['main.tf:6:15']);
    expect(findings[0]!.message).toBe('aws_ebs_volume "b" sets encrypted = false: unencrypted.');
  });

  it('walks nested and dynamic blocks; report-in-block only reports inside an existing block', async () => {
    const target = {
      resources: ['aws_lb'],
      attribute: 'access_logs.enabled',
      expect: true,
      missing: 'report-in-block',
    };
    const findings = await run(
      terraformAttribute,
      { targets: [target] },
      {
        'lb.tf': `resource "aws_lb" "none" {}

resource "aws_lb" "omitted" {
  access_logs {
    bucket = "x"
  }
}

resource "aws_lb" "dynamic" {
  dynamic "access_logs" {
    for_each = var.logs
    content {
      bucket  = access_logs.value
      enabled = false
    }
  }
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['lb.tf:4:3', 'lb.tf:14:17']);
  });

  it('skips resources by the presence or the value of another attribute', async () => {
    const target = {
      resources: ['aws_rds_cluster'],
      attribute: 'storage_encrypted',
      expect: true,
      missing: 'report',
      skipWhen: [{ attribute: 'engine_mode', value: 'serverless' }, { attribute: 'snapshot_identifier' }],
    };
    const findings = await run(
      terraformAttribute,
      { targets: [target] },
      {
        'db.tf': `resource "aws_rds_cluster" "a" {
  engine_mode = "serverless"
}
resource "aws_rds_cluster" "b" {
  snapshot_identifier = var.snapshot
}
resource "aws_rds_cluster" "c" {
  engine_mode = "provisioned"
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['db.tf:7:1']);
  });

  it('skips by a path through nested blocks, by a block, and when the value that would skip is computed', async () => {
    const target = {
      resources: ['google_container_cluster'],
      attribute: 'node_config.service_account',
      missing: 'report',
      skipWhen: [
        { attribute: 'private_cluster_config.enable_private_endpoint', value: true },
        { attribute: 'node_pool' },
      ],
    };
    const findings = await run(
      terraformAttribute,
      { targets: [target] },
      {
        'gke.tf': `resource "google_container_cluster" "private" {
  private_cluster_config {
    enable_private_endpoint = true
  }
}
resource "google_container_cluster" "pools" {
  node_pool {
    name = "a"
  }
}
resource "google_container_cluster" "module" {
  private_cluster_config {
    enable_private_endpoint = var.private
  }
}
resource "google_container_cluster" "public" {
  private_cluster_config {
    enable_private_endpoint = false
  }
}
resource "google_container_cluster" "bare" {}
`,
      },
    );
    expect(findings.map(at)).toEqual(['gke.tf:16:1', 'gke.tf:21:1']);
  });

  it('requires a block to exist when the target has neither expect nor forbid', async () => {
    const target = {
      resources: ['google_container_cluster'],
      attribute: 'master_authorized_networks_config',
      missing: 'report',
    };
    const findings = await run(
      terraformAttribute,
      { targets: [target] },
      {
        'gke.tf': `resource "google_container_cluster" "open" {}
resource "google_container_cluster" "closed" {
  master_authorized_networks_config {}
}
resource "google_container_cluster" "module" {
  dynamic "master_authorized_networks_config" {
    for_each = var.networks
    content {}
  }
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['gke.tf:1:1']);
    expect(findings[0]!.message).toBe(
      'google_container_cluster "open" does not set master_authorized_networks_config.',
    );
    expect(() =>
      withDefaults(terraformAttribute, { targets: [{ resources: ['x'], attribute: 'y', missing: 'ok' }] }),
    ).toThrow();
  });

  it('judges each literal item of a list against forbid; computed items and lists are unknown', async () => {
    const target = {
      resources: ['google_storage_bucket_iam_binding'],
      attribute: 'members',
      forbid: ['allUsers', 'allAuthenticatedUsers'],
    };
    const findings = await run(
      terraformAttribute,
      { targets: [target] },
      {
        'iam.tf': `resource "google_storage_bucket_iam_binding" "a" {
  members = ["group:x@example.com", var.member, "allUsers"]
}
resource "google_storage_bucket_iam_binding" "b" {
  members = concat(var.members, ["user:y@example.com"])
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['iam.tf:2:49']);
    expect(findings[0]!.message).toBe(
      'google_storage_bucket_iam_binding "a" includes "allUsers" in members.',
    );
  });

  it('compares literals as Terraform converts them and validates its options', async () => {
    const target = { resources: ['aws_db_instance'], attribute: 'backup_retention_period', forbid: [0] };
    const findings = await run(
      terraformAttribute,
      { targets: [target] },
      {
        'db.tf': 'resource "aws_db_instance" "a" {\n  backup_retention_period = "0"\n}\n',
      },
    );
    expect(findings.map(at)).toEqual(['db.tf:2:29']);
    expect(() =>
      withDefaults(terraformAttribute, { targets: [{ resources: ['x'], attribute: 'y' }] }),
    ).toThrow();
    expect(() => withDefaults(terraformAttribute, { targets: [] })).toThrow();
  });

  it('ignores files that do not parse (they are input problems), and judges .tf.json files alike', async () => {
    const findings = await run(
      terraformAttribute,
      { targets: [ebs] },
      {
        'broken.tf': 'resource "aws_ebs_volume" "a" {\n',
        'broken.tf.json': '{"resource": {"aws_ebs_volume": {"b": {"encrypted": false}}}',
        'main.tf.json': '{"resource": {"aws_ebs_volume": {"a": {}}}}',
      },
    );
    expect(findings.map(at)).toEqual(['main.tf.json:1:34']);
    expect(findings[0]!.message).toBe('aws_ebs_volume "a" does not set encrypted = true.');
  });
});

describe('terraform values from locals and variable defaults', () => {
  const rds = {
    resources: ['aws_db_instance'],
    attribute: 'storage_encrypted',
    expect: true,
    missing: 'report',
    skipWhen: [{ attribute: 'replicate_source_db' }],
  };

  it('judges a local or a variable default as the literal, at the place it is used', async () => {
    const findings = await run(
      terraformAttribute,
      { targets: [rds] },
      {
        'db/variables.tf': `variable "encrypted" {
  type    = bool
  default = false
}
variable "on" { default = true }
variable "unset" { type = bool }
variable "source" { default = null }
`,
        'db/main.tf': `locals {
  enc  = local.hop
  hop  = false
}
resource "aws_db_instance" "a" {
  storage_encrypted = var.encrypted
}
resource "aws_db_instance" "b" {
  storage_encrypted = local.enc
}
resource "aws_db_instance" "c" {
  storage_encrypted = "\${var.encrypted}"
}
resource "aws_db_instance" "d" {
  storage_encrypted = var.on
}
resource "aws_db_instance" "e" {
  storage_encrypted = var.unset
}
resource "aws_db_instance" "f" {
  storage_encrypted   = true
  replicate_source_db = var.source
}
resource "aws_db_instance" "g" {
  replicate_source_db = var.source
}
`,
        // Another module's variable of the same name is not this module's.
        'other/main.tf': `resource "aws_db_instance" "h" {
  storage_encrypted = var.encrypted
}
`,
      },
    );
    expect(findings.map(at)).toEqual([
      'db/main.tf:6:23',
      'db/main.tf:9:23',
      'db/main.tf:12:23',
      'db/main.tf:24:1',
    ]);
    expect(findings[0]!.message).toBe(
      'aws_db_instance "a" sets storage_encrypted = var.encrypted (default false).',
    );
    expect(findings[1]!.message).toBe('aws_db_instance "b" sets storage_encrypted = local.enc (false).');
  });

  it('keeps the origin of a value read through a long reference in the message', async () => {
    const findings = await run(
      terraformAttribute,
      { targets: [{ resources: ['aws_db_instance'], attribute: 'storage_encrypted', expect: true }] },
      {
        'main.tf': `variable "database_storage_encryption_at_rest_enabled_flag" {
  default = false
}
resource "aws_db_instance" "a" {
  storage_encrypted = var.database_storage_encryption_at_rest_enabled_flag
}
`,
      },
    );
    expect(findings.map((f) => f.message)).toEqual([
      'aws_db_instance "a" sets storage_encrypted = var.database_storage_encryption_at_rest_… (default false).',
    ]);
  });

  it('accepts an account default enabled by a variable default', async () => {
    const ebs = {
      resources: ['aws_ebs_volume'],
      attribute: 'encrypted',
      expect: true,
      missing: 'report',
      defaultFrom: { resource: 'aws_ebs_encryption_by_default', attribute: 'enabled', value: true },
    };
    const findings = await run(
      terraformAttribute,
      { targets: [ebs] },
      {
        'main.tf': 'resource "aws_ebs_volume" "a" {\n  size = 1\n}\n',
        'account/main.tf':
          'variable "on" {\n  default = true\n}\nresource "aws_ebs_encryption_by_default" "this" {\n  enabled = var.on\n}\n',
      },
    );
    expect(findings).toEqual([]);
  });

  it('resolves the sources of firewall rules, list defaults item by item', async () => {
    const findings = await run(
      terraformOpenIngress,
      {},
      {
        'sg.tf': `variable "admin_cidrs" {
  default = ["10.0.0.0/8", "0.0.0.0/0"]
}
locals {
  anywhere = "::/0"
}
resource "aws_security_group_rule" "pg" {
  type        = "ingress"
  from_port   = 5432
  to_port     = 5432
  protocol    = "tcp"
  cidr_blocks = var.admin_cidrs
}
resource "aws_security_group" "ssh" {
  ingress {
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    ipv6_cidr_blocks = [local.anywhere]
  }
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['sg.tf:12:17', 'sg.tf:19:25']);
  });

  describe("a library's module variant without a setting that a sibling module offers", () => {
    const privateNodes = {
      resources: ['google_container_cluster'],
      attribute: 'private_cluster_config.enable_private_nodes',
      expect: true,
      missing: 'report',
      explain: 'its nodes get public IP addresses',
      variants: true,
    };
    const publicCluster = `resource "google_container_cluster" "primary" {
  name = var.name
}
`;
    const privateCluster = `resource "google_container_cluster" "primary" {
  name = var.name
  private_cluster_config {
    enable_private_nodes = var.enable_private_nodes
  }
}
`;
    const examples = {
      'examples/simple/main.tf': `provider "google" {
  project = "p"
}
module "gke" {
  source = "acme/gke/google//modules/public-cluster"
}
`,
    };
    const graded = (findings: RawFinding[]) => findings.map((f) => [at(f), f.confidence ?? null]);

    it.each([
      [
        'a public variant beside a private one in a library of modules: low, saying why',
        {
          'modules/public-cluster/main.tf': publicCluster,
          'modules/private-cluster/main.tf': privateCluster,
        },
        [['modules/public-cluster/main.tf:1:1', 'low']],
      ],
      [
        'no sibling offers the setting: kept',
        { 'modules/public-cluster/main.tf': publicCluster, 'modules/other/main.tf': publicCluster },
        [
          ['modules/other/main.tf:1:1', null],
          ['modules/public-cluster/main.tf:1:1', null],
        ],
      ],
      [
        'a configuration outside tests configures a provider (a deployment, not a library): kept',
        {
          'modules/public-cluster/main.tf': publicCluster,
          'modules/private-cluster/main.tf': privateCluster,
          'live/main.tf': 'provider "google" {\n  project = "p"\n}\n',
        },
        [['modules/public-cluster/main.tf:1:1', null]],
      ],
      [
        'a deployed configuration of the tree calls the variant: kept',
        {
          'modules/public-cluster/main.tf': publicCluster,
          'modules/private-cluster/main.tf': privateCluster,
          'main.tf': 'module "gke" {\n  source = "./modules/public-cluster"\n}\n',
        },
        [['modules/public-cluster/main.tf:1:1', null]],
      ],
    ])('%s', async (_what, files, expected) => {
      const findings = await run(terraformAttribute, { targets: [privateNodes] }, { ...examples, ...files });
      expect(graded(findings).sort()).toEqual(expected);
    });

    it('a setting without variants (backups) stays reported beside a sibling module that sets it', async () => {
      const backups = {
        resources: ['google_sql_database_instance'],
        attribute: 'settings.backup_configuration.enabled',
        expect: true,
        missing: 'report',
      };
      const findings = await run(
        terraformAttribute,
        { targets: [backups] },
        {
          ...examples,
          'modules/plain/main.tf': 'resource "google_sql_database_instance" "db" {\n  name = var.name\n}\n',
          'modules/safe/main.tf': `resource "google_sql_database_instance" "db" {
  name = var.name
  settings {
    backup_configuration {
      enabled = var.backups
    }
  }
}
`,
        },
      );
      expect(graded(findings)).toEqual([['modules/plain/main.tf:1:1', null]]);
    });
  });

  describe('variables set by the variable files Terraform loads by itself', () => {
    const sg = `variable "admin_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}
resource "aws_security_group" "ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}
`;
    it.each<[what: string, files: Record<string, string>, expected: string[]]>([
      ['the default alone', { 'net/sg.tf': sg }, []],
      [
        'terraform.tfvars',
        { 'net/sg.tf': sg, 'net/terraform.tfvars': 'admin_cidrs = ["0.0.0.0/0"]\n' },
        ['net/sg.tf:10:19'],
      ],
      [
        'terraform.tfvars.json',
        { 'net/sg.tf': sg, 'net/terraform.tfvars.json': '{"admin_cidrs": ["0.0.0.0/0"]}' },
        ['net/sg.tf:10:19'],
      ],
      [
        'a later *.auto.tfvars overrides terraform.tfvars',
        {
          'net/sg.tf': sg,
          'net/terraform.tfvars': 'admin_cidrs = ["10.1.0.0/16"]\n',
          'net/z.auto.tfvars': 'admin_cidrs = ["0.0.0.0/0"]\n',
        },
        ['net/sg.tf:10:19'],
      ],
      [
        "another folder's file is not loaded",
        { 'net/sg.tf': sg, 'terraform.tfvars': 'admin_cidrs = ["0.0.0.0/0"]\n' },
        [],
      ],
      [
        'a module another calls keeps its default (its callers do not load its files)',
        {
          'net/sg.tf': sg.replace('10.0.0.0/8', '0.0.0.0/0'),
          'net/terraform.tfvars': 'admin_cidrs = ["10.1.0.0/16"]\n',
          'main.tf': 'module "net" {\n  source = "./net"\n}\n',
        },
        ['net/sg.tf:10:19'],
      ],
    ])('%s', async (_what, files, expected) => {
      const findings = await run(terraformOpenIngress, {}, files);
      expect(findings.map(at)).toEqual(expected);
    });
  });

  // The attribute checks judge what a run may be given as well, once, naming the file.
  it.each<[what: string, files: Record<string, string>, expected: string[]]>([
    [
      'a -var-file turns encryption off',
      { 'prod.tfvars': 'encrypted = false\n' },
      ['main.tf:5:15 prod.tfvars'],
    ],
    ['a -var-file keeps it on', { 'prod.tfvars': 'encrypted = true\n' }, []],
    [
      'the default is off: one finding, not one per file',
      { 'prod.tfvars': 'encrypted = false\n', x: '' },
      [],
    ],
  ])('terraform.attribute with variables a run may be given: %s', async (what, extra, expected) => {
    const ebs = { resources: ['aws_ebs_volume'], attribute: 'encrypted', expect: true, missing: 'report' };
    const off = what.startsWith('the default is off');
    const main = `variable "encrypted" {\n  default = ${!off}\n}\nresource "aws_ebs_volume" "a" {\n  encrypted = var.encrypted\n}\n`;
    const { x: _x, ...files } = extra as Record<string, string>;
    const findings = await run(terraformAttribute, { targets: [ebs] }, { 'main.tf': main, ...files });
    expect(
      findings.map((f) =>
        `${at(f)} ${/\(with the values of (.+?), which a run/.exec(f.message)?.[1] ?? ''}`.trim(),
      ),
    ).toEqual(off ? ['main.tf:5:15'] : expected);
  });

  // A run may be given variables on the command line: what the deploy job gives is judged too.
  describe('variables a run may be given (-var-file, -var, other *.tfvars of the folder)', () => {
    const sg = `variable "admin_cidrs" {
  default = ["10.0.0.0/8"]
}
resource "aws_security_group" "ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}
`;
    const job = (run: string) =>
      `on: push\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: ${run}\n`;
    const OPEN = 'admin_cidrs = ["0.0.0.0/0"]\n';
    it.each<[what: string, files: Record<string, string>, expected: string[]]>([
      [
        'a -var-file the deploy job names, from the folder it runs in',
        {
          'net/sg.tf': sg,
          'envs/prod.tfvars': OPEN,
          '.github/workflows/deploy.yml': job(
            'cd net && terraform apply -auto-approve -var-file=../envs/prod.tfvars',
          ),
        },
        ['net/sg.tf:9:19 envs/prod.tfvars'],
      ],
      [
        'a -var-file named with a variable: every file it may match',
        {
          'sg.tf': sg,
          'envs/dev.tfvars': 'admin_cidrs = ["10.1.0.0/16"]\n',
          'envs/prod.tfvars': OPEN,
          'deploy.sh': '#!/bin/sh\nterraform plan -var-file "envs/${ENV}.tfvars" -out plan\n',
        },
        ['sg.tf:9:19 envs/prod.tfvars'],
      ],
      [
        'a -var of a Makefile recipe',
        {
          'sg.tf': sg,
          Makefile: `apply:\n\tterraform apply -var 'admin_cidrs=["0.0.0.0/0"]'\n`,
        },
        ['sg.tf:9:19 Makefile (-var admin_cidrs)'],
      ],
      [
        "a TF_VAR_ a deploy job's env sets",
        {
          'sg.tf': sg,
          '.github/workflows/deploy.yml': `on: push\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    env:\n      TF_VAR_admin_cidrs: '["0.0.0.0/0"]'\n    steps:\n      - run: terraform apply -auto-approve\n`,
        },
        ['sg.tf:9:19 .github/workflows/deploy.yml (TF_VAR_admin_cidrs)'],
      ],
      [
        'a TF_VAR_ a script exports',
        {
          'sg.tf': sg,
          'deploy.sh': `#!/bin/sh\nexport TF_VAR_admin_cidrs='["0.0.0.0/0"]'\nterraform apply\n`,
        },
        ['sg.tf:9:19 deploy.sh (TF_VAR_admin_cidrs)'],
      ],
      [
        'a TF_VAR_ a Makefile recipe sets for one command',
        {
          'sg.tf': sg,
          Makefile: `apply:\n\tTF_VAR_admin_cidrs='["0.0.0.0/0"]' terraform apply -auto-approve\n`,
        },
        ['sg.tf:9:19 Makefile (TF_VAR_admin_cidrs)'],
      ],
      [
        'a *.tfvars of the folder that is not auto-loaded, named nowhere: it may be given',
        { 'sg.tf': sg, 'prod.tfvars': OPEN },
        ['sg.tf:9:19 prod.tfvars'],
      ],
      // Legitimate: what every run may be given keeps the ranges private, or is unknown.
      [
        'a -var-file of private ranges',
        {
          'sg.tf': sg,
          'prod.tfvars': 'admin_cidrs = ["10.2.0.0/16"]\n',
          '.github/workflows/deploy.yml': job('terraform apply -var-file=prod.tfvars'),
        },
        [],
      ],
      [
        'a -var from a shell variable is unknown, and a file only a comment names is not given',
        {
          'sg.tf': sg,
          'envs/prod.tfvars': OPEN,
          'deploy.sh':
            '#!/bin/sh\n# terraform apply -var-file=envs/prod.tfvars\nterraform apply -var "admin_cidrs=$CIDRS"\n',
        },
        [],
      ],
      ["another folder's file no command names", { 'net/sg.tf': sg, 'other/prod.tfvars': OPEN }, []],
      [
        'a TF_VAR_ from a shell variable is unknown',
        { 'sg.tf': sg, 'deploy.sh': '#!/bin/sh\nTF_VAR_admin_cidrs=$CIDRS terraform apply -auto-approve\n' },
        [],
      ],
      [
        'a TF_VAR_ from a secret is unknown, and one of private ranges keeps them private',
        {
          'sg.tf': sg,
          '.github/workflows/deploy.yml': `on: push\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    env:\n      TF_VAR_admin_cidrs: \${{ secrets.CIDRS }}\n    steps:\n      - run: TF_VAR_admin_cidrs='["10.3.0.0/16"]' terraform apply\n`,
        },
        [],
      ],
    ])('%s', async (_what, files, expected) => {
      const findings = await run(terraformOpenIngress, {}, files);
      expect(
        findings.map(
          (f) =>
            `${at(f)} ${/\((?:with the values of|as) (.+?)(?: sets it)?, which a run/.exec(f.message)?.[1] ?? ''}`,
        ),
      ).toEqual(expected);
    });
  });

  describe("a reusable module's input defaults", () => {
    const singleAz = {
      resources: ['aws_db_instance'],
      attribute: 'multi_az',
      expect: true,
      missing: 'report',
      explain: 'the database runs in one availability zone',
    };
    const NOTE =
      ' (var.multi_az is an input of a reusable module: its callers set the value, and this is only its default.)';
    const instance = `variable "multi_az" {
  default = false
}
resource "aws_db_instance" "this" {
  multi_az = var.multi_az
}
resource "aws_db_instance" "fixed" {
  multi_az = false
}
`;
    // A repository of modules: the root module passes the input on, examples configure providers.
    const library = {
      'modules/db_instance/main.tf': instance,
      'main.tf': `variable "multi_az" {
  default = false
}
module "db_instance" {
  source   = "./modules/db_instance"
  multi_az = var.multi_az
}
`,
      'examples/complete/main.tf': `provider "aws" {
  region = "eu-west-1"
}
module "db" {
  source   = "../../"
  multi_az = true
}
`,
    };
    const graded = (findings: RawFinding[]) =>
      findings.map((f) => [at(f), f.confidence ?? null, f.message.endsWith(NOTE)]);

    it('grades one its callers set as the default it is: low, saying why; a literal stays as it was', async () => {
      const findings = await run(terraformAttribute, { targets: [singleAz] }, library);
      expect(graded(findings)).toEqual([
        ['modules/db_instance/main.tf:5:14', 'low', true],
        ['modules/db_instance/main.tf:8:14', null, false],
      ]);
      expect(findings[0]!.message).toBe(
        'aws_db_instance "this" sets multi_az = var.multi_az (default false): the database runs in one availability zone.' +
          NOTE,
      );
    });

    it('judges the default where a deployment leaves it unset, or where the module configures its provider', async () => {
      const findings = await run(
        terraformAttribute,
        { targets: [singleAz] },
        {
          ...library,
          // A configuration applied as it stands calls the module without setting the input.
          'live/prod/main.tf': `terraform {
  backend "s3" {}
}
module "db" {
  source = "../../modules/db_instance"
}
`,
          // A module that nothing calls, and one that configures its own provider, may be applied as roots.
          'standalone/main.tf': instance,
          'rooted/main.tf': `provider "aws" {}\n${instance}`,
          'rooted/caller/main.tf': 'module "db" {\n  source   = "../"\n  multi_az = true\n}\n',
        },
      );
      expect(graded(findings)).toEqual([
        ['modules/db_instance/main.tf:5:14', null, false],
        ['modules/db_instance/main.tf:8:14', null, false],
        ['standalone/main.tf:5:14', null, false],
        ['standalone/main.tf:8:14', null, false],
        ['rooted/main.tf:6:14', null, false],
        ['rooted/main.tf:9:14', null, false],
      ]);
    });

    it('grades a firewall source that is such a default low, unless a configuration outside examples calls the module without setting it', async () => {
      const group = {
        'modules/sg/main.tf': `variable "ingress_cidr_blocks" {
  default = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "ssh" {
  type        = "ingress"
  from_port   = 22
  to_port     = 22
  protocol    = "tcp"
  cidr_blocks = var.ingress_cidr_blocks
}
`,
        'examples/ssh/main.tf': 'provider "aws" {}\nmodule "sg" {\n  source = "../../modules/sg"\n}\n',
      };
      const modules = await run(terraformOpenIngress, {}, group);
      expect(modules.map((f) => [at(f), f.confidence ?? null])).toEqual([['modules/sg/main.tf:9:17', 'low']]);
      expect(modules[0]!.message).toContain('(var.ingress_cidr_blocks is an input of a reusable module');
      // A configuration that deploys something else does not deploy this module's default.
      const beside = await run(
        terraformOpenIngress,
        {},
        { ...group, 'infra/main.tf': 'provider "aws" {}\n' },
      );
      expect(beside.map((f) => [at(f), f.confidence ?? null])).toEqual([['modules/sg/main.tf:9:17', 'low']]);
      // A configuration of the repository that calls it by its git address, leaving the input unset.
      const deployed = await run(
        terraformOpenIngress,
        {},
        {
          ...group,
          'infra/main.tf':
            'provider "aws" {}\nmodule "sg" {\n  source = "git::https://example.com/acme/net.git//modules/sg?ref=v2"\n}\n',
        },
      );
      expect(deployed.map((f) => [at(f), f.confidence ?? null])).toEqual([['modules/sg/main.tf:9:17', null]]);
    });

    // A module that nothing outside examples and tests calls is still a module: its input's default is
    // one a caller may override, unless the folder is evidently applied as a root.
    describe('in a module that no configuration of the tree deploys', () => {
      const DB = 'modules/db/main.tf';
      const graded1 = async (files: Record<string, string>) =>
        graded(await run(terraformAttribute, { targets: [singleAz] }, files))[0];
      const LOW = [`${DB}:5:14`, 'low', true];
      const HIGH = [`${DB}:5:14`, null, false];
      const withCall = (source: string, set = '') =>
        `terraform {\n  backend "s3" {}\n}\nmodule "db" {\n  source = "${source}"\n${set}}\n`;
      it.each<[string, Record<string, string>, unknown[]]>([
        ['a module folder nothing calls', { [DB]: instance }, LOW],
        [
          'one that declares an empty provider block',
          { [DB]: `provider "aws" {}\n${instance}` },
          [`${DB}:6:14`, 'low', true],
        ],
        [
          'one that only a test calls, by the path of its harness',
          { [DB]: instance, 'tests/fixtures/db/main.tf': withCall('./upstream/modules/db') },
          LOW,
        ],
        [
          'one a root calls by its git address, setting the input',
          {
            [DB]: instance,
            'live/main.tf': withCall(
              'git::https://example.com/acme/infra.git//modules/db?ref=v1',
              '  multi_az = true\n',
            ),
          },
          LOW,
        ],
        [
          'a folder whose README calls it by a registry address',
          {
            'db/main.tf': instance,
            'db/README.md':
              '# db\n\n```hcl\nmodule "db" {\n  source   = "acme/db/aws"\n  multi_az = true\n}\n```\n',
          },
          ['db/main.tf:5:14', 'low', true],
        ],
        // Evidently a root: applied as it stands, where the default is what runs.
        [
          'a folder outside modules/ with no other sign',
          { 'db/main.tf': instance },
          ['db/main.tf:5:14', null, false],
        ],
        [
          'one that configures its provider',
          { [DB]: `provider "aws" {\n  region = "eu-west-1"\n}\n${instance}` },
          [`${DB}:8:14`, null, false],
        ],
        [
          'one with a backend',
          { [DB]: `terraform {\n  backend "s3" {}\n}\n${instance}` },
          [`${DB}:8:14`, null, false],
        ],
        [
          'one with a variable file of its own',
          { [DB]: instance, 'modules/db/prod.tfvars': 'multi_az = false\n' },
          HIGH,
        ],
        [
          'one a workflow applies',
          {
            [DB]: instance,
            '.github/workflows/deploy.yml':
              'on: push\npermissions: { id-token: write }\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    steps:\n      - run: terraform -chdir=modules/db apply -auto-approve\n',
          },
          HIGH,
        ],
        [
          'one a Makefile applies',
          { [DB]: instance, Makefile: 'deploy:\n\tcd modules/db && terraform apply\n' },
          HIGH,
        ],
        [
          'one a root calls by its git address, leaving the input unset',
          {
            [DB]: instance,
            'live/main.tf': withCall('git::https://example.com/acme/infra.git//modules/db?ref=v1'),
          },
          HIGH,
        ],
      ])('%s', async (_name, files, expected) => {
        expect(await graded1(files)).toEqual(expected);
      });
    });
  });

  it('finds the bucket of an encryption configuration through a local', async () => {
    const findings = await run(
      terraformS3Encryption,
      {},
      {
        'main.tf': `locals {
  logs = aws_s3_bucket.logs.id
}
resource "aws_s3_bucket" "logs" {}
resource "aws_s3_bucket" "other" {}
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = local.logs
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['main.tf:5:1']);
  });
});

describe('terraform.s3-encryption', () => {
  it('matches configurations to buckets by reference or literal name, within a module', async () => {
    const sse = (name: string, bucket: string) =>
      `resource "aws_s3_bucket_server_side_encryption_configuration" "${name}" {\n  bucket = ${bucket}\n}\n`;
    const findings = await run(
      terraformS3Encryption,
      {},
      {
        'main.tf': `resource "aws_s3_bucket" "ref" {}
resource "aws_s3_bucket" "indexed" {
  count = 2
}
resource "aws_s3_bucket" "named" {
  bucket = "acme-named"
}
resource "aws_s3_bucket" "plain" {}
`,
        'sse.tf':
          sse('a', 'aws_s3_bucket.ref.id') +
          sse('b', 'aws_s3_bucket.indexed[count.index].bucket') +
          sse('c', '"acme-named"'),
        'mod/main.tf': 'resource "aws_s3_bucket" "ref" {}\n',
      },
    );
    expect(findings.map(at)).toEqual(['main.tf:8:1', 'mod/main.tf:1:1']);
  });
});

describe('terraform: resources that a local emulator receives', () => {
  const provider = (settings: string, endpoints: string) =>
    `provider "aws" {\n  access_key = "test"\n  secret_key = "test"\n${settings}  endpoints {\n${endpoints}  }\n}\n`;
  const SKIP = '  skip_credentials_validation = true\n';
  const bucket = 'resource "aws_s3_bucket" "data" {}\n';
  const grade = (f: RawFinding) => `${at(f)}:${f.confidence ?? 'rule'}`;
  const NOTE =
    'Its provider sends these requests to http://localstack:4566, a local emulator, without validating credentials: nothing is created in an AWS account.';

  it.each<[what: string, files: Record<string, string>, expected: string[]]>([
    [
      "the bucket's service at a container of the network, credentials not validated",
      {
        'main.tf':
          provider(SKIP, '    s3 = "http://localstack:4566"\n    sts = "http://localstack:4566"\n') + bucket,
      },
      ['main.tf:10:1:low'],
    ],
    [
      'at the loopback address',
      { 'main.tf': provider(SKIP, '    s3 = "http://127.0.0.1:4566"\n') + bucket },
      ['main.tf:9:1:low'],
    ],
    [
      "only another service's endpoint is local: the bucket is created in AWS",
      { 'main.tf': provider(SKIP, '    sts = "http://localhost:4566"\n') + bucket },
      ['main.tf:9:1:rule'],
    ],
    [
      'credentials validated: not an emulator that takes any key',
      { 'main.tf': provider('', '    s3 = "http://localstack:4566"\n') + bucket },
      ['main.tf:8:1:rule'],
    ],
    [
      'an endpoint with a dotted name may lead to AWS (a proxy, a VPC endpoint)',
      { 'main.tf': provider(SKIP, '    s3 = "https://s3.proxy.corp-example.io"\n') + bucket },
      ['main.tf:9:1:rule'],
    ],
    [
      'an aliased emulator provider covers the resources that choose it, not the default one',
      {
        'main.tf':
          'provider "aws" {\n  region = "eu-west-1"\n}\n' +
          provider(`  alias = "local"\n${SKIP}`, '    s3 = "http://localhost:4566"\n') +
          'resource "aws_s3_bucket" "local" {\n  provider = aws.local\n}\n' +
          'resource "aws_s3_bucket" "real" {}\n',
      },
      ['main.tf:13:1:low', 'main.tf:16:1:rule'],
    ],
    [
      "a module without a provider of its own inherits its caller's, unknown here",
      {
        'main.tf': provider(SKIP, '    s3 = "http://localstack:4566"\n'),
        'modules/store/main.tf': bucket,
      },
      ['modules/store/main.tf:1:1:rule'],
    ],
  ])('%s', async (_what, files, expected) => {
    expect((await run(terraformS3Encryption, {}, files)).map(grade)).toEqual(expected);
  });

  describe('from variables, which the auto-loaded variable files may set otherwise', () => {
    const variables = (skip: string, endpoint: string) =>
      `variable "local_run" {\n${skip}}\nvariable "s3_endpoint" {\n${endpoint}}\n` +
      'provider "aws" {\n  skip_credentials_validation = var.local_run\n  endpoints {\n    s3 = var.s3_endpoint\n  }\n}\n' +
      bucket;
    const DEFAULTS = variables('  default = true\n', '  default = "http://localstack:4566"\n');
    const AWS = 'https://s3.eu-west-1.amazonaws.com';
    it.each<[what: string, files: Record<string, string>, expected: string[]]>([
      ['emulator defaults, no variable file', { 'main.tf': DEFAULTS }, ['main.tf:13:1:low']],
      [
        'terraform.tfvars confirms them',
        {
          'main.tf': DEFAULTS,
          'terraform.tfvars': 'local_run   = true\ns3_endpoint = "http://localhost:4566"\n',
        },
        ['main.tf:13:1:low'],
      ],
      [
        'no defaults; terraform.tfvars sets emulator values',
        {
          'main.tf': variables('', ''),
          'terraform.tfvars': 'local_run   = true\ns3_endpoint = "http://localstack:4566"\n',
        },
        ['main.tf:11:1:low'],
      ],
      [
        'terraform.tfvars sends them to AWS',
        { 'main.tf': DEFAULTS, 'terraform.tfvars': `local_run   = false\ns3_endpoint = "${AWS}"\n` },
        ['main.tf:13:1:rule'],
      ],
      [
        'terraform.tfvars.json sets only the endpoint to AWS',
        { 'main.tf': DEFAULTS, 'terraform.tfvars.json': `{"s3_endpoint": "${AWS}"}` },
        ['main.tf:13:1:rule'],
      ],
      [
        'an *.auto.tfvars file validates credentials',
        { 'main.tf': DEFAULTS, 'ci.auto.tfvars': 'local_run = false\n' },
        ['main.tf:13:1:rule'],
      ],
      [
        'a variable file that does not parse may set anything',
        { 'main.tf': DEFAULTS, 'terraform.tfvars': 'local_run = = \n' },
        ['main.tf:13:1:rule'],
      ],
      [
        "another folder's variable file is not loaded here",
        { 'main.tf': DEFAULTS, 'prod/terraform.tfvars': 'local_run = false\n' },
        ['main.tf:13:1:low'],
      ],
      [
        'a -var-file the deploy job names sends them to AWS',
        {
          'main.tf': DEFAULTS,
          'envs/prod.tfvars': `local_run   = false\ns3_endpoint = "${AWS}"\n`,
          '.github/workflows/deploy.yml':
            'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: terraform apply -var-file=envs/prod.tfvars\n',
        },
        ['main.tf:13:1:rule'],
      ],
      [
        'a *.tfvars of the folder that is not auto-loaded may be given',
        { 'main.tf': DEFAULTS, 'prod.tfvars': 'local_run = false\n' },
        ['main.tf:13:1:rule'],
      ],
      [
        'a -var validates credentials',
        { 'main.tf': DEFAULTS, 'apply.sh': 'terraform apply -var local_run=false\n' },
        ['main.tf:13:1:rule'],
      ],
      [
        'a -var-file that confirms the emulator',
        {
          'main.tf': DEFAULTS,
          'ci.tfvars': 'local_run = true\n',
          'apply.sh': 'terraform apply -var-file=ci.tfvars\n',
        },
        ['main.tf:13:1:low'],
      ],
      [
        'an endpoint default of AWS that terraform.tfvars sends to the emulator: the default may still run',
        {
          'main.tf': variables('  default = true\n', `  default = "${AWS}"\n`),
          'terraform.tfvars': 's3_endpoint = "http://localstack:4566"\n',
        },
        ['main.tf:13:1:rule'],
      ],
    ])('%s', async (_what, files, expected) => {
      expect((await run(terraformS3Encryption, {}, files)).map(grade)).toEqual(expected);
    });
  });

  it('says where the requests go', async () => {
    const files = { 'main.tf': provider(SKIP, '    s3 = "http://localstack:4566"\n') + bucket };
    const [finding] = await run(terraformS3Encryption, {}, files);
    expect(finding!.message).toMatch(/left to account defaults\. /);
    expect(finding!.message.endsWith(NOTE)).toBe(true);
  });

  it('lowers the attribute rules by the endpoint of the service of the resource (ec2 for a volume)', async () => {
    const ebs = { resources: ['aws_ebs_volume'], attribute: 'encrypted', expect: true, missing: 'report' };
    const volume = 'resource "aws_ebs_volume" "a" {\n  size = 1\n}\n';
    const local = await run(
      terraformAttribute,
      { targets: [ebs] },
      { 'main.tf': provider(SKIP, '    ec2 = "http://localstack:4566"\n') + volume },
    );
    expect(local.map(grade)).toEqual(['main.tf:9:1:low']);
    const other = await run(
      terraformAttribute,
      { targets: [ebs] },
      { 'main.tf': provider(SKIP, '    s3 = "http://localstack:4566"\n') + volume },
    );
    expect(other.map(grade)).toEqual(['main.tf:9:1:rule']);
  });
});

describe('terraform.open-ingress', () => {
  const files = {
    'sg.tf': `resource "aws_security_group" "a" {
  ingress {
    from_port   = 3000
    to_port     = 4000
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = -1
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "azurerm_network_security_rule" "ranges" {
  direction               = "Inbound"
  access                  = "Allow"
  protocol                = "*"
  source_address_prefix   = "*"
  destination_port_ranges = ["80", "3000-3400"]
}

resource "google_compute_firewall" "all" {
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "egress" {
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
`,
  };

  describe('Hetzner Cloud firewalls', () => {
    const firewall = `variable "ssh_port" {
  default = 22
}
variable "ssh_source" {
  default = ["0.0.0.0/0", "::/0"]
}
resource "hcloud_firewall" "k3s" {
  name = "k3s"
  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "22"
    source_ips = ["0.0.0.0/0", "::/0"]
  }
  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "any"
    source_ips = ["::/0"]
  }
  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "3300-3400"
    source_ips = ["0.0.0.0/0"]
  }
  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = var.ssh_port
    source_ips = var.ssh_source
  }
  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "80-85"
    source_ips = ["0.0.0.0/0"]
  }
  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "3389"
    source_ips = ["203.0.113.0/24"]
  }
  rule {
    direction  = "in"
    protocol   = "udp"
    port       = "22"
    source_ips = ["0.0.0.0/0"]
  }
  rule {
    direction       = "out"
    protocol        = "tcp"
    port            = "22"
    destination_ips = ["0.0.0.0/0"]
  }
  rule {
    direction  = "in"
    protocol   = "icmp"
    source_ips = ["0.0.0.0/0"]
  }
}
`;
    it.each<[what: string, files: Record<string, string>, expected: string[]]>([
      [
        'a root configuration: literal rules, and a rule of variables at their defaults',
        { 'main.tf': firewall },
        [
          'main.tf:13:19 high port 22 (SSH)',
          'main.tf:13:32 high port 22 (SSH)',
          'main.tf:19:19 high all ports, including 22 (SSH), 1433 (SQL Server), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 6379 (Redis), 27017 (MongoDB)',
          'main.tf:25:19 high ports 3306 (MySQL), 3389 (RDP)',
          'main.tf:31:18 high port 22 (SSH)',
          'main.tf:31:18 high port 22 (SSH)',
        ],
      ],
      [
        "a reusable module that only an example calls: its inputs' defaults are its callers' to set",
        {
          'modules/fw/main.tf': firewall,
          'examples/k3s/main.tf': 'module "fw" {\n  source = "../../modules/fw"\n}\n',
        },
        [
          'modules/fw/main.tf:13:19 high port 22 (SSH)',
          'modules/fw/main.tf:13:32 high port 22 (SSH)',
          'modules/fw/main.tf:19:19 high all ports, including 22 (SSH), 1433 (SQL Server), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 6379 (Redis), 27017 (MongoDB)',
          'modules/fw/main.tf:25:19 high ports 3306 (MySQL), 3389 (RDP)',
          'modules/fw/main.tf:31:18 low port 22 (SSH)',
          'modules/fw/main.tf:31:18 low port 22 (SSH)',
        ],
      ],
    ])('%s', async (_what, files, expected) => {
      const findings = await run(terraformOpenIngress, {}, files);
      expect(
        findings.map(
          (f) =>
            `${at(f)} ${f.confidence ?? 'high'} ${/ to (.+?): administrative/.exec(f.message)?.[1] ?? ''}`,
        ),
      ).toEqual(expected);
      expect(findings[0]!.message).toBe(
        'hcloud_firewall "k3s" allows ingress from 0.0.0.0/0 to port 22 (SSH): administrative and database services should only be reachable from known networks.',
      );
    });
  });

  it('reports watched ports inside ranges and all-protocol rules, computed ports with low confidence; not UDP or egress', async () => {
    const findings = await run(terraformOpenIngress, {}, files);
    expect(findings.map(at)).toEqual([
      'sg.tf:6:20',
      'sg.tf:12:20',
      'sg.tf:24:20',
      'sg.tf:32:29',
      'sg.tf:37:20',
    ]);
    expect(findings[2]).toMatchObject({ confidence: 'low' });
    expect(findings[2]!.message).toContain('on ports that could not be read');
    expect(findings[0]!.message).toContain('to ports 3306 (MySQL), 3389 (RDP)');
    expect(findings[1]!.message).toContain('to all ports, including 22 (SSH)');
  });

  // Ports computed over a literal collection were never read, and a world written as several blocks
  // was not the world: SSH and RDP open to every address passed.
  const sg = (inner: string) => `resource "aws_security_group" "bastion" {\n  name = "bastion"\n${inner}}\n`;
  const dynamicIngress = (forEach: string, port: string, cidr: string) =>
    sg(
      `  dynamic "ingress" {\n    for_each = ${forEach}\n    content {\n      from_port   = ${port}\n      to_port     = ${port}\n      protocol    = "tcp"\n      cidr_blocks = [${cidr}]\n    }\n  }\n`,
    );
  const rule = (head: string, port: string, cidrs = '"0.0.0.0/0"') =>
    `resource "aws_security_group_rule" "admin" {\n${head}  type              = "ingress"\n  from_port         = ${port}\n  to_port           = ${port}\n  protocol          = "tcp"\n  cidr_blocks       = [${cidrs}]\n  security_group_id = "sg-123"\n}\n`;
  const literalIngress = (cidrs: string, port = 22) =>
    sg(
      `  ingress {\n    from_port   = ${port}\n    to_port     = ${port}\n    protocol    = "tcp"\n    cidr_blocks = [${cidrs}]\n  }\n`,
    );
  it.each([
    // [case, file, expected `line:column:confidence:ports`]
    [
      'a dynamic block over a literal list',
      dynamicIngress('[22, 3389]', 'ingress.value', '"0.0.0.0/0"'),
      ['9:22::port 22 (SSH)', '9:22::port 3389 (RDP)'],
    ],
    [
      'a dynamic block over a locals map',
      `locals {\n  rules = {\n    ssh = { port = 22, cidr = "0.0.0.0/0" }\n    web = { port = 443, cidr = "0.0.0.0/0" }\n  }\n}\n${dynamicIngress('local.rules', 'ingress.value.port', 'ingress.value.cidr')}`,
      ['15:22::port 22 (SSH)'],
    ],
    [
      'a dynamic block with its own iterator name',
      sg(
        '  dynamic "ingress" {\n    for_each = [3389]\n    iterator = port\n    content {\n      from_port   = port.value\n      to_port     = port.value\n      protocol    = "tcp"\n      cidr_blocks = ["::/0"]\n    }\n  }\n',
      ),
      ['10:22::port 3389 (RDP)'],
    ],
    [
      'for_each over toset() with tonumber(each.value)',
      rule('  for_each          = toset(["22", "3389"])\n', 'tonumber(each.value)'),
      ['7:24::port 22 (SSH)', '7:24::port 3389 (RDP)'],
    ],
    [
      'count over a variable default indexed by count.index',
      `variable "ports" {\n  default = [443, 22]\n}\n${rule('  count             = length(var.ports)\n', 'var.ports[count.index]')}`,
      ['10:24::port 22 (SSH)'],
    ],
    [
      'the world as two /1 halves',
      literalIngress('"0.0.0.0/1", "128.0.0.0/1"'),
      ['7:20::port 22 (SSH)', '7:33::port 22 (SSH)'],
    ],
    [
      'the world as four IPv4 blocks',
      literalIngress('"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1", "10.0.0.0/8"'),
      ['7:20::port 22 (SSH)', '7:33::port 22 (SSH)', '7:47::port 22 (SSH)', '7:62::port 22 (SSH)'],
    ],
    [
      'the IPv6 world as two halves',
      literalIngress('"::/1", "8000::/1"'),
      ['7:20::port 22 (SSH)', '7:28::port 22 (SSH)'],
    ],
    ['half the addresses (a /1)', literalIngress('"128.0.0.0/1"'), ['7:20::port 22 (SSH)']],
    [
      'a port no literal gives, open to the world',
      dynamicIngress('var.admin_ports', 'ingress.value', '"0.0.0.0/0"'),
      ['9:22:low:computed'],
    ],
    // Controls: what is not open to the world, or not a watched port, is not reported.
    ['a dynamic block over web ports only', dynamicIngress('[80, 443]', 'ingress.value', '"0.0.0.0/0"'), []],
    [
      'a dynamic block over admin ports from a known network',
      dynamicIngress('[22, 3389]', 'ingress.value', '"203.0.113.0/24"'),
      [],
    ],
    ['two blocks that leave a gap', literalIngress('"0.0.0.0/2", "128.0.0.0/2"'), []],
    [
      'a computed port from a known network',
      dynamicIngress('var.admin_ports', 'ingress.value', '"10.0.0.0/8"'),
      [],
    ],
  ])('judges SSH/RDP ingress written as %s', async (_case, text, expected) => {
    const findings = await run(terraformOpenIngress, {}, { 'infra/network.tf': text });
    expect(
      findings.map((f) => {
        const ports = /on ports that could not be read/.test(f.message)
          ? 'computed'
          : /to (port [^:]*):/.exec(f.message)?.[1];
        return `${at(f).replace(/^infra\/network\.tf:/, '')}:${f.confidence ?? ''}:${ports}`;
      }),
    ).toEqual(expected);
  });

  it('watches the configured ports', async () => {
    const findings = await run(terraformOpenIngress, { ports: [80] }, files);
    expect(findings.map(at)).toEqual(['sg.tf:12:20', 'sg.tf:24:20', 'sg.tf:32:29', 'sg.tf:37:20']);
  });
});

describe('terraform.open-egress', () => {
  /** An AWS group whose one egress rule allows everything to `cidrs`, written by `lines` before it. */
  const group = (cidrs: string, before = '') =>
    `${before}resource "aws_security_group" "app" {\n  egress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    cidr_blocks = ${cidrs}\n  }\n}\n`;
  const dynamicEgress = (forEach: string, cidr: string) =>
    `resource "aws_security_group" "app" {\n  dynamic "egress" {\n    for_each = ${forEach}\n    content {\n      from_port   = 0\n      to_port     = 0\n      protocol    = "-1"\n      cidr_blocks = [${cidr}]\n    }\n  }\n}\n`;
  it.each<[what: string, text: string, expected: string[]]>([
    ['a literal rule to the world', group('["0.0.0.0/0"]'), ['6:20::0.0.0.0/0']],
    [
      'a dynamic block over a literal list of destinations',
      dynamicEgress('["0.0.0.0/0", "::/0"]', 'egress.value'),
      ['8:22::0.0.0.0/0', '8:22::::/0'],
    ],
    [
      'a local list of destinations',
      group('local.everywhere', 'locals {\n  everywhere = ["0.0.0.0/0"]\n}\n'),
      ['9:19::0.0.0.0/0'],
    ],
    [
      'the world as two /1 halves',
      group('["0.0.0.0/1", "128.0.0.0/1"]'),
      ['6:20::0.0.0.0/1', '6:33::128.0.0.0/1'],
    ],
    [
      'an Azure outbound rule to the Internet tag',
      'resource "azurerm_network_security_rule" "out" {\n  direction                  = "Outbound"\n  access                     = "Allow"\n  protocol                   = "*"\n  destination_port_range     = "*"\n  destination_address_prefix = "Internet"\n}\n',
      ['6:32::Internet'],
    ],
    // Controls: a known network, one port, a gap in the address space, a data service's group.
    ['a rule to a private network', group('["10.0.0.0/8"]'), []],
    ['a dynamic block over private networks', dynamicEgress('["10.0.0.0/8"]', 'egress.value'), []],
    ['two blocks that leave a gap', group('["0.0.0.0/2", "128.0.0.0/2"]'), []],
    [
      'a rule to one port',
      'resource "aws_security_group" "app" {\n  egress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      [],
    ],
    ['the group of a database', group('["0.0.0.0/0"]').replace('"app"', '"db"'), []],
  ])('judges an allow-all egress rule written as %s', async (_case, text, expected) => {
    const findings = await run(terraformOpenEgress, {}, { 'infra/network.tf': text });
    expect(
      findings.map(
        (f) =>
          `${at(f).replace(/^infra\/network\.tf:/, '')}:${f.confidence ?? ''}:${/traffic to (\S+) \(/.exec(f.message)?.[1]}`,
      ),
    ).toEqual(expected);
  });
});

describe('terraform.provider-credentials', () => {
  it('reports literal credentials in providers (nested blocks too) and backends, never their value', async () => {
    const secret = 'Zm9vYmFyYmF6cXV4LXJlYWxseS1hLXNlY3JldA';
    const findings = await run(
      terraformProviderCredentials,
      {},
      {
        'providers.tf': `provider "aws" {
  alias = "prod"
  assume_role_with_web_identity {
    web_identity_token = "${secret}"
  }
  token = "${secret}"
}

provider "azurerm" {
  features {}
  client_secret = var.client_secret
}

terraform {
  backend "remote" {
    token = "${secret}"
  }
}

provider "postgresql" {
  password = "example-password"
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['providers.tf:6:11', 'providers.tf:16:13']);
    expect(findings[0]!.message).toContain('provider "aws" (alias "prod") sets token to a literal value');
    expect(findings[1]!.message).toContain('backend "remote" sets token');
    for (const f of findings) {
      expect(f.message).not.toContain(secret);
      expect(f.key ?? '').not.toContain(secret);
    }
    const custom = await run(
      terraformProviderCredentials,
      { attributes: ['web_identity_token'] },
      {
        'p.tf': `provider "aws" {\n  assume_role_with_web_identity {\n    web_identity_token = "${secret}"\n  }\n}\n`,
      },
    );
    expect(custom.map((f) => f.message.split(' to ')[0])).toEqual([
      'provider "aws" sets assume_role_with_web_identity.web_identity_token',
    ]);
  });

  it("reports Google's credentials when they hold a key file's contents, not a path", async () => {
    const key =
      '{\n  "type": "service_account",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDq7vT2mK9xLp4RzW8\\n-----END PRIVATE KEY-----\\n"\n}';
    const findings = await run(
      terraformProviderCredentials,
      {},
      {
        'providers.tf': `provider "google" {
  credentials = <<-EOT
    ${key.replaceAll('\n', '\n    ')}
  EOT
}

provider "google" {
  alias       = "dns"
  credentials = "keys/dns.json"
}
`,
      },
    );
    expect(findings.map(at)).toEqual(['providers.tf:2:17']);
    expect(findings[0]!.message).not.toContain('MIIE');
  });

  it.each([
    ['a placeholder that says where the key goes', '"ACCESS_KEY_HERE"', '"SECRET_KEY_HERE"', []],
    ['the same words in lower case', '"access-key-here"', '"put your secret here"', []],
    [
      'a key whose last letters spell "here"',
      '"AKIA4HQX7RZ2M9KDhere"',
      '"Mf6Ty1Ug8Ie3Ro5Pa2Sd9Gh4"',
      ['2:16', '3:16'],
    ],
  ])('%s: %s / %s', async (_what, access, secret, expected) => {
    const text = `provider "aws" {\n  access_key = ${access}\n  secret_key = ${secret}\n  region     = "us-east-1"\n}\n`;
    const findings = await run(terraformProviderCredentials, {}, { 'main.tf': text });
    expect(findings.map((f) => at(f).replace(/^main\.tf:/, ''))).toEqual(expected);
  });

  it('treats empty values and common stand-ins as placeholders', () => {
    for (const v of ['', 'test', 'mock_access_key', 'dummy', '<token>', '${TOKEN}', 'xxxxxxxx', 'changeme']) {
      expect([v, isPlaceholder(v)]).toEqual([v, true]);
    }
    // AWS's documented example key is an example, not a credential; a key of the same shape is one.
    expect(isPlaceholder('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(isPlaceholder('AKIA4HQX7RZ2M9KD3TWB')).toBe(false);
  });

  // A finding is the block, the setting and a keyed hash of the value: another credential in the
  // same setting is a new finding on a pull request, the same one moved is not.
  const A = 'Aq3Lm9Xz7Pw2Rt5Vk8Nb4Hs6';
  const B = 'Mf6Ty1Ug8Ie3Ro5Pa2Sd9Gh4';
  const aws = (settings: string) => `provider "aws" {\n  region = "eu-west-1"\n${settings}}\n`;
  it.each([
    [
      'another value in the same setting',
      aws(`  secret_key = "${A}"\n`),
      aws(`  secret_key = "${B}"\n`),
      false,
    ],
    ['the same value in another setting', aws(`  secret_key = "${A}"\n`), aws(`  token = "${A}"\n`), false],
    [
      'the same value, moved down',
      aws(`  secret_key = "${A}"\n`),
      `# the production account\n${aws(`  profile = "prod"\n  secret_key = "${A}"\n`)}`,
      true,
    ],
  ])('%s: the same finding: %s', async (_what, before, after, same) => {
    const keys = [];
    for (const text of [before, after]) {
      const findings = await run(terraformProviderCredentials, {}, { 'providers.tf': text });
      expect(findings).toHaveLength(1);
      keys.push(findings[0]!.key!);
    }
    expect(keys[1] === keys[0], keys.join(' / ')).toBe(same);
    for (const key of keys) for (const value of [A, B]) expect(leaks(key, value)).toBe(false);
  });
});

describe('terraform.audit-access: what a pass rests on', () => {
  it('examines the grants to identities named for audit, not every IAM resource', async () => {
    const examined = async (files: Record<string, string>) => {
      const o = await examinedBy('audit-principal-write-access', files);
      return [o.found, o.files];
    };
    const flowLogRole =
      'resource "aws_iam_role" "vpc_flow_log" {\n  name = "vpc-flow-log"\n  assume_role_policy = "{}"\n}\n' +
      'resource "aws_iam_role_policy_attachment" "flow" {\n  role = aws_iam_role.vpc_flow_log.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n';
    expect(await examined({ 'vpc-flow-logs.tf': flowLogRole })).toEqual([0, []]);
    const auditor =
      'resource "aws_iam_role_policy_attachment" "audit" {\n  role = "security-auditor"\n  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"\n}\n';
    expect(await examined({ 'vpc-flow-logs.tf': flowLogRole, 'audit.tf': auditor })).toEqual([
      0,
      ['audit.tf'],
    ]);
  });
});

describe('inputs of calls of registry modules', () => {
  const call = (source: string, inputs: string, label = 'm') =>
    `module "${label}" {\n  source  = "${source}"\n  version = "~> 20.0"\n${inputs}}\n`;
  const EKS = 'terraform-aws-modules/eks/aws';
  const SG = 'terraform-aws-modules/security-group/aws';
  it.each<[rule: string, what: string, files: Record<string, string>, expected: string[]]>([
    [
      'terraform-eks-endpoint-public',
      'a public endpoint without CIDRs (the module defaults them to 0.0.0.0/0), and with 0.0.0.0/0',
      {
        'a.tf': call(EKS, '  cluster_endpoint_public_access = true\n'),
        'b.tf': call(
          EKS,
          '  cluster_endpoint_public_access       = true\n  cluster_endpoint_public_access_cidrs = ["10.0.0.0/8", "0.0.0.0/0"]\n',
        ),
      },
      ['a.tf:1:1', 'b.tf:5:57'],
    ],
    [
      'terraform-eks-endpoint-public',
      "v21's names, a variable's default, a GitHub source; not narrowed CIDRs, an endpoint at its version's default, a fork, a local module",
      {
        'a.tf': call(EKS, '  endpoint_public_access = true\n'),
        'b.tf': `${call(EKS, '  cluster_endpoint_public_access = var.public\n')}variable "public" {\n  default = true\n}\n`,
        'c.tf': call(
          'git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v20.8.0',
          '  cluster_endpoint_public_access = true\n',
        ),
        'not-a.tf': call(
          EKS,
          '  cluster_endpoint_public_access       = true\n  cluster_endpoint_public_access_cidrs = ["203.0.113.0/24"]\n',
        ),
        'not-b.tf': call(EKS, '  cluster_endpoint_public_access_cidrs = ["0.0.0.0/0"]\n'),
        'not-c.tf': call(
          'git::https://github.com/acme/terraform-aws-eks.git',
          '  cluster_endpoint_public_access = true\n',
        ),
        'not-d.tf': call('./modules/eks', '  cluster_endpoint_public_access = true\n'),
      },
      ['a.tf:1:1', 'b.tf:1:1', 'c.tf:1:1'],
    ],
    [
      'terraform-db-publicly-accessible',
      'publicly_accessible = true in the rds module, its submodule and rds-aurora; not false or a local false',
      {
        'a.tf': call('terraform-aws-modules/rds/aws', '  publicly_accessible = true\n'),
        'b.tf': call(
          'registry.terraform.io/terraform-aws-modules/rds/aws//modules/db_instance',
          '  publicly_accessible = true\n',
        ),
        'c.tf': call('terraform-aws-modules/rds-aurora/aws', '  publicly_accessible = true\n'),
        'd.tf': `${call('terraform-aws-modules/rds/aws', '  publicly_accessible = local.public\n')}locals {\n  public = false\n}\n`,
      },
      ['a.tf:4:25', 'b.tf:4:25', 'c.tf:4:25'],
    ],
    [
      'terraform-rds-unencrypted',
      'storage_encrypted = false; not unset (false before v4), a replica, or Aurora Serverless v1',
      {
        'a.tf': call('terraform-aws-modules/rds/aws', '  storage_encrypted = false\n'),
        'b.tf': call('terraform-aws-modules/rds/aws', '  engine = "postgres"\n'),
        'c.tf': call(
          'terraform-aws-modules/rds/aws',
          '  storage_encrypted   = false\n  replicate_source_db = module.primary.db_instance_identifier\n',
        ),
        'd.tf': call(
          'terraform-aws-modules/rds-aurora/aws',
          '  storage_encrypted = false\n  engine_mode = "serverless"\n',
        ),
        'e.tf': call('terraform-aws-modules/rds-aurora/aws', '  storage_encrypted = false\n'),
      },
      ['a.tf:4:23', 'e.tf:4:23'],
    ],
    [
      'terraform-bucket-public',
      'a public canned ACL of the s3-bucket module; not a private one',
      {
        'a.tf': call('terraform-aws-modules/s3-bucket/aws', '  acl = "public-read"\n'),
        'b.tf': call('terraform-aws-modules/s3-bucket/aws', '  acl = "private"\n'),
      },
      ['a.tf:4:9'],
    ],
    [
      'terraform-admin-ports-public',
      "a submodule's own rules and named ingress_rules open to everyone; not web ports, private sources, a table of rules of its own",
      {
        'a.tf': call(`${SG}//modules/ssh`, '  ingress_cidr_blocks = ["0.0.0.0/0"]\n'),
        'b.tf': call(
          SG,
          '  ingress_rules            = ["https-443-tcp", "rdp-tcp"]\n  ingress_ipv6_cidr_blocks = ["::/0"]\n',
        ),
        'c.tf': call(`${SG}//modules/postgresql`, '  ingress_cidr_blocks = var.cidrs\n'),
        'c-vars.tf': 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n',
        'not-a.tf': call(
          SG,
          '  ingress_cidr_blocks = ["0.0.0.0/0"]\n  ingress_rules = ["http-80-tcp", "all-icmp"]\n',
        ),
        'not-b.tf': call(`${SG}//modules/http-80`, '  ingress_cidr_blocks = ["0.0.0.0/0"]\n'),
        'not-c.tf': call(`${SG}//modules/ssh`, '  ingress_cidr_blocks = ["10.0.0.0/8"]\n'),
        'not-d.tf': call(
          SG,
          '  ingress_cidr_blocks = ["0.0.0.0/0"]\n  ingress_rules = ["ssh-tcp"]\n  rules = { ssh-tcp = [2222, 2222, "tcp", "x"] }\n',
        ),
      },
      ['a.tf:4:26', 'b.tf:5:31', 'c.tf:4:25'],
    ],
    [
      'terraform-admin-ports-public',
      'ingress_with_cidr_blocks items: by rule name, by ports, falling back on ingress_cidr_blocks',
      {
        'a.tf': call(
          SG,
          `  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp", cidr_blocks = "10.0.0.0/8,0.0.0.0/0" },
    { from_port = 3389, to_port = 3389, protocol = "tcp" },
    { from_port = 443, to_port = 443, protocol = "tcp" },
    { rule = "ssh-tcp", cidr_blocks = "10.0.0.0/8" },
  ]
`,
        ),
      },
      ['a.tf:4:26', 'a.tf:6:46'],
    ],
  ])('%s: %s', async (rule, _what, files, expected) => {
    const findings = await runBuiltin(rule, files);
    expect(findings.map(at)).toEqual(expected);
  });

  it('names the module call and grades a reusable module’s input default as one', async () => {
    const [eks] = await runBuiltin('terraform-eks-endpoint-public', {
      'main.tf': call(EKS, '  cluster_endpoint_public_access = true\n', 'eks'),
    });
    expect(eks!.message).toBe(
      'module "eks" (terraform-aws-modules/eks/aws) does not set cluster_endpoint_public_access_cidrs: its public API endpoint accepts connections from any address.',
    );
    const [sg] = await runBuiltin('terraform-admin-ports-public', {
      'main.tf': call(`${SG}//modules/ssh`, '  ingress_cidr_blocks = ["0.0.0.0/0"]\n', 'bastion'),
    });
    expect(sg!.message).toBe(
      'module "bastion" (terraform-aws-modules/security-group/aws//modules/ssh) allows ingress from 0.0.0.0/0 to port 22 (SSH): administrative and database services should only be reachable from known networks.',
    );
    // A module of modules/ whose callers set the input: its default is only that.
    const [db] = await runBuiltin(
      'terraform-db-publicly-accessible',
      {
        'modules/db/main.tf': `${call('terraform-aws-modules/rds/aws', '  publicly_accessible = var.public\n')}variable "public" {\n  default = true\n}\n`,
        'main.tf': 'module "db" {\n  source = "./modules/db"\n  public = false\n}\n',
      },
      { persona: 'auditor' },
    );
    expect([at(db!), db!.confidence]).toEqual(['modules/db/main.tf:4:25', 'low']);
  });
});

describe('Terraform configuration besides *.tf: JSON syntax, OpenTofu files and override files', () => {
  const rule = (cidr: string, port = 22) =>
    `resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = ${port}
  to_port           = ${port}
  protocol          = "tcp"
  cidr_blocks       = ["${cidr}"]
  security_group_id = "sg-123"
}
`;
  const cidrOverride = (cidr: string) =>
    `resource "aws_security_group_rule" "ssh" {\n  cidr_blocks = ["${cidr}"]\n}\n`;
  const group = (cidr: string) =>
    `resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["${cidr}"]
  }
}
`;
  const groupJson = (cidrs: string) =>
    `{
  "//": "written by a generator",
  "resource": {
    "aws_security_group": {
      "bastion": {
        "ingress": [
          {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ${cidrs}}
        ]
      }
    }
  }
}
`;
  const CASES: { name: string; files: Record<string, string>; found: string[] }[] = [
    {
      name: 'a .tf.json security group',
      files: { 'net.tf.json': groupJson('["0.0.0.0/0"]') },
      found: ['net.tf.json:7:79'],
    },
    {
      name: 'a .tf.json security group whose source is a "${var.x}" whose default a JSON variable gives',
      files: {
        'net.tf.json': groupJson('["${var.admin}"]'),
        'variables.tf.json': '{"variable": {"admin": {"default": "0.0.0.0/0"}}}',
      },
      found: ['net.tf.json:7:79'],
    },
    {
      name: 'the same with a private default',
      files: {
        'net.tf.json': groupJson('["${var.admin}"]'),
        'variables.tf.json': '{"variable": {"admin": {"default": "10.0.0.0/8"}}}',
      },
      found: [],
    },
    { name: 'a .tofu security group', files: { 'net.tofu': group('0.0.0.0/0') }, found: ['net.tofu:6:20'] },
    {
      name: 'a .tofu.json security group',
      files: { 'net.tofu.json': groupJson('["::/0"]') },
      found: ['net.tofu.json:7:79'],
    },
    {
      name: 'a .tf file beside its OpenTofu twin: both are judged (each tool reads one)',
      files: { 'net.tf': group('0.0.0.0/0'), 'net.tofu': group('10.0.0.0/8') },
      found: ['net.tf:6:20'],
    },
    {
      name: 'an override file that sets the CIDR of a private rule',
      files: { 'network.tf': rule('10.0.0.0/8'), 'network_override.tf': cidrOverride('0.0.0.0/0') },
      found: ['network_override.tf:2:18'],
    },
    {
      name: 'an override file that sets a private CIDR on an open rule',
      files: { 'network.tf': rule('0.0.0.0/0'), 'override.tf': cidrOverride('10.0.0.0/8') },
      found: [],
    },
    {
      name: 'an override file that moves an open rule to the SSH port: the open source is in the original',
      files: {
        'network.tf': rule('0.0.0.0/0', 8080),
        'override.tf': 'resource "aws_security_group_rule" "ssh" {\n  from_port = 22\n  to_port   = 22\n}\n',
      },
      found: ['network.tf:6:24'],
    },
    {
      name: 'an override ingress block replaces every ingress block of the original',
      files: { 'sg.tf': group('0.0.0.0/0'), 'sg_override.tf': group('10.0.0.0/8') },
      found: [],
    },
    {
      name: 'an override ingress block replaces the dynamic ingress blocks of the original too',
      files: {
        'sg.tf': group('10.0.0.0/8').replace(
          '  ingress {',
          '  dynamic "ingress" {\n    for_each = var.rules\n    content {\n      cidr_blocks = ingress.value\n    }\n  }\n  ingress {',
        ),
        'sg_override.tf': group('0.0.0.0/0'),
      },
      found: ['sg_override.tf:6:20'],
    },
    {
      name: 'a dynamic ingress block of an override replaces the static ones of the original',
      files: {
        'sg.tf': group('0.0.0.0/0'),
        'sg_override.tf':
          'resource "aws_security_group" "bastion" {\n  dynamic "ingress" {\n    for_each = var.rules\n    content {\n      from_port   = 22\n      to_port     = 22\n      cidr_blocks = ingress.value\n    }\n  }\n}\n',
      },
      found: [],
    },
    {
      name: 'an override ingress block opens a group whose ingress was private',
      files: { 'sg.tf': group('10.0.0.0/8'), 'sg_override.tf': group('0.0.0.0/0') },
      found: ['sg_override.tf:6:20'],
    },
    {
      name: 'a JSON override file of a native-syntax rule',
      files: {
        'network.tf': rule('10.0.0.0/8'),
        'override.tf.json':
          '{"resource": {"aws_security_group_rule": {"ssh": {"cidr_blocks": ["0.0.0.0/0"]}}}}',
      },
      found: ['override.tf.json:1:67'],
    },
    {
      name: 'overrides compound in the order of their names: the last one wins',
      files: {
        'network.tf': rule('10.0.0.0/8'),
        'a_override.tf': cidrOverride('0.0.0.0/0'),
        'b_override.tf': cidrOverride('10.1.0.0/16'),
      },
      found: [],
    },
    {
      name: 'overrides compound in the order of their names: an open last one',
      files: {
        'network.tf': rule('10.0.0.0/8'),
        'a_override.tf': cidrOverride('10.1.0.0/16'),
        'b_override.tf': cidrOverride('0.0.0.0/0'),
      },
      found: ['b_override.tf:2:18'],
    },
    {
      name: 'an override of a local value, read before the file that has it',
      files: {
        'a_override.tf': 'locals {\n  admin = "0.0.0.0/0"\n}\n',
        'network.tf': `locals {\n  admin = "10.0.0.0/8"\n}\n${rule('${local.admin}').replace('["${local.admin}"]', '[local.admin]')}`,
      },
      found: ['network.tf:9:24'],
    },
    {
      name: "an override of a variable's default, read before the file that declares it",
      files: {
        'a_override.tf': 'variable "admin" {\n  default = "0.0.0.0/0"\n}\n',
        'network.tf': `variable "admin" {\n  type    = string\n  default = "10.0.0.0/8"\n}\n${rule('x').replace('["x"]', '[var.admin]')}`,
      },
      found: ['network.tf:10:24'],
    },
    {
      name: 'an override block without an original is judged as written',
      files: { 'network.tf': rule('10.0.0.0/8'), 'extra_override.tf': group('0.0.0.0/0') },
      found: ['extra_override.tf:6:20'],
    },
    {
      name: 'an override file in another folder overrides nothing here',
      files: { 'network.tf': rule('10.0.0.0/8'), 'other/network_override.tf': cidrOverride('0.0.0.0/0') },
      found: [],
    },
  ];

  it.each(CASES)('open-ingress: $name', async ({ files, found }) => {
    const findings = await run(terraformOpenIngress, {}, files);
    expect(findings.map(at)).toEqual(found);
  });

  it('an override of a database resource is judged by the attribute rules, at the override', async () => {
    const findings = await runBuiltin('terraform-db-publicly-accessible', {
      'db.tf':
        'resource "aws_db_instance" "main" {\n  engine              = "postgres"\n  publicly_accessible = false\n}\n',
      'db_override.tf.json':
        '{\n  "resource": {"aws_db_instance": {"main": {\n    "publicly_accessible": true\n  }}}\n}\n',
    });
    expect(findings.map(at)).toEqual(['db_override.tf.json:3:28']);
    expect(findings[0]!.message).toContain('aws_db_instance "main" sets publicly_accessible = true');
  });

  it('an override of a provider merges by its alias', async () => {
    const secret = 'Zm9vYmFyYmF6cXV4LXJlYWxseS1hLXNlY3JldA';
    const files = (override: string) => ({
      'providers.tf': `provider "aws" {\n  token = "${secret}"\n}\n\nprovider "aws" {\n  alias = "prod"\n  token = "${secret}"\n}\n`,
      'providers_override.tf': `provider "aws" {\n  alias = "prod"\n  ${override}\n}\n`,
    });
    // The override takes the literal out of the "prod" provider only.
    const replaced = await run(terraformProviderCredentials, {}, files('token = var.prod_token'));
    expect(replaced.map(at)).toEqual(['providers.tf:2:11']);
    expect(replaced[0]!.message).toContain('provider "aws" sets token');
    // An override that writes a literal is reported there.
    const written = await run(terraformProviderCredentials, {}, files(`token = "${secret}x"`));
    expect(written.map(at)).toEqual(['providers.tf:2:11', 'providers_override.tf:3:11']);
    expect(written[1]!.message).toContain('provider "aws" (alias "prod") sets token');
  });
});

describe('a call of a local module with a literal for_each, judged per element', () => {
  // `module "sg" { for_each = { ssh = 22, web = 443 }, port = each.value }` is one call per element:
  // each element's port is what the module opens, and the finding names the element's address.
  const MODULE = [
    'variable "port" {}',
    'variable "cidr" {}',
    'resource "aws_security_group" "this" {',
    '  ingress {',
    '    from_port   = var.port',
    '    to_port     = var.port',
    '    protocol    = "tcp"',
    '    cidr_blocks = [var.cidr]',
    '  }',
    '}',
    '',
  ].join('\n');
  const call = (body: string) => `module "sg" {\n  source = "./modules/sg"\n${body}}\n`;
  it.each<[what: string, body: string, expected: string[]]>([
    [
      'a map of ports, each.value',
      '  for_each = { ssh = 22, web = 443 }\n  port     = each.value\n  cidr     = "0.0.0.0/0"\n',
      ['modules/sg/main.tf:8:20 port 22 module "sg"["ssh"] in main.tf'],
    ],
    [
      'a map of objects, each.value.<attribute>',
      '  for_each = {\n    admin = { port = 3389, cidr = "0.0.0.0/0" }\n    app   = { port = 3389, cidr = "10.0.0.0/8" }\n  }\n  port = each.value.port\n  cidr = each.value.cidr\n',
      ['modules/sg/main.tf:8:20 port 3389 module "sg"["admin"] in main.tf'],
    ],
    [
      'a map in a local',
      '  for_each = local.ports\n  port     = each.value\n  cidr     = "0.0.0.0/0"\n',
      ['modules/sg/main.tf:8:20 port 22 module "sg"["ssh"] in main.tf'],
    ],
    [
      'a set of strings, each.key',
      '  for_each = toset(["0.0.0.0/0", "10.0.0.0/8"])\n  port     = 22\n  cidr     = each.key\n',
      ['modules/sg/main.tf:8:20 port 22 module "sg"["0.0.0.0/0"] in main.tf'],
    ],
    [
      'a for_each that is not written in place: unknown as before',
      '  for_each = data.x.y\n  port = each.value\n  cidr = "0.0.0.0/0"\n',
      [],
    ],
  ])('%s', async (_what, body, expected) => {
    const findings = await runBuiltin('terraform-admin-ports-public', {
      'modules/sg/main.tf': MODULE,
      'main.tf': `locals {\n  ports = { ssh = 22, web = 443 }\n}\n${call(body)}`,
    });
    expect(
      findings.map((f) => {
        const port = /to port (\d+)/.exec(f.message)?.[1];
        const by = /with the inputs (.*) gives the module/.exec(f.message)?.[1];
        return `${at(f)} port ${port} ${by}`;
      }),
    ).toEqual(expected);
  });
});
