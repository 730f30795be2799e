import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PERSONAL_MAIL_DOMAINS } from '../../src/core/evaluators/data/personal-data.js';
import {
  detectPersonalData,
  type PersonalDataKind,
} from '../../src/core/evaluators/data/personal-detectors.js';
import { fingerprint } from '../../src/core/finding.js';
import { cleanup, runBuiltin } from './kit.js';

afterAll(cleanup);

const ALL = new Set<PersonalDataKind>(['card', 'iban', 'ssn', 'email']);
const DOMAINS = new Set(PERSONAL_MAIL_DOMAINS);
const kinds = (line: string) => detectPersonalData(line, ALL, DOMAINS).map((d) => `${d.kind} ${d.masked}`);

describe('personal data detectors', () => {
  it.each([
    ['card: 4532 0151 1283 0366', ['card card number ending 0366']],
    ['card: 4532-0151-1283-0366', ['card card number ending 0366']],
    ['"cardNumber": "5285173649027141"', ['card card number ending 7141']],
    ['amex 3741 928374 65106', ['card card number ending 5106']],
    ['IBAN DE88 5007 0010 0925 8416 73', ['iban DE IBAN ending 1673']],
    ['GB91NWBK40172938571604', ['iban GB IBAN ending 1604']],
    ['ssn=536-22-8143', ['ssn SSN ending 8143']],
    ['"email": "maria.lopez.84@hotmail.com"', ['email m…@hotmail.com']],
    ['imported from the CRM: maria.lopez.84@hotmail.com', ['email m…@hotmail.com']],
    ['"email": "kestrel.v@gmail.com"', ['email k…@gmail.com']],
    // Gmail ignores periods, but six letters or digits remain.
    ['"email": "k.v.a.n.e.8@gmail.com"', ['email k…@gmail.com']],
    // A first name that begins with a placeholder word is still a name.
    ['"email": "boguslawa.wrona84@o2.pl"', ['email b…@o2.pl']],
    // A generic account word is a placeholder only as a word of its own; names stay judged.
    ['assert validate_email("users.period1234@gmail.com")', ['email u…@gmail.com']],
    ['"email": "somerset.lane84@gmail.com"', ['email s…@gmail.com']],
    // A record's own field named after a maintainer is no credit.
    ['"maintainer_emails_sent_to": "somerset.lane84@gmail.com"', ['email s…@gmail.com']],
    ['assert validate_email("john.period1234@gmail.com")', ['email j…@gmail.com']],
    // A name that starts like a persona's first name and initial is still a name.
    ['Email: "janedoherty84@hotmail.com",', ['email j…@hotmail.com']],
  ])('finds %s', (line, expected) => {
    expect(kinds(line)).toEqual(expected);
  });

  it.each([
    'id: 4532015112830366', // no word about cards on the line
    'card: 4532 0151 1283 0367', // Luhn fails
    'card: 4242 4242 4242 4242', // a published test number
    'card: 4111111111111111',
    'card: 4532 015112 830366', // not a card grouping
    'DE89370400440532013000', // the textbook IBAN
    'DE88500700100925841674', // checksum fails
    'ssn: 123-45-6789',
    'ssn: 666-22-8143',
    'phone 536-22-8143', // an SSN needs its word
    'jane.doe@gmail.com test.user@gmail.com alice@yahoo.com noreply@gmail.com',
    'm.keller1979@example.com m.keller1979@acme.io',
    'version 4532015112830366.1',
    '{"SSN": "458-45-6789"}', // five consecutive digits: made up
    // Authorship and made-up addresses, as crater found them in real fixtures.
    'Signed-off-by: Wei Fu <weifu.dev@gmail.com>',
    '0000 1b6d Zach Example <zach.r1ce@protonmail.com> 1635896329 -0500\tclone',
    '"author_email": "mvoz.nik@protonmail.com",',
    // A package index's JSON (PyPI's `info.maintainer_email`) and setup.py credit the maintainer.
    '"maintainer_email": "kestrel.maint84@gmail.com",',
    "    maintainer_email='kestrel.maint84@gmail.com',",
    '"plus": "test alias@gmail.com",',
    '"email": "fabrikamfiber4@hotmail.com",',
    '"id":"2bb20d8a71fb7adbc1d6239cc9ff4130f26819dc@gmail.com"',
    'JSF was developed by Anders Example (anders.example.net@gmail.com)',
    // Addresses Gmail would refuse to create (under 6 characters, an underscore): no mailbox.
    'owner_email="kestr@gmail.com"',
    'owner_email="k_estrel99@googlemail.com"',
    // Periods count toward no length: `u.s.e.r` is four letters; nor may two stand in a row.
    'email: "u.s.e.r@gmail.com",',
    'email: "k.e.s.t.r@gmail.com",',
    'email: "kestrel..vane@gmail.com",',
    '"reply_to": "bogus.reply@hotmail.com",',
    // A generic account word and the case an address-syntax test varies.
    'assert validate_email("user.period1234@gmail.com") is True',
    'assert is_valid("someone_else99@hotmail.com")',
    // What stands for an unnamed person.
    '"someones.elses.name@gmail.com",',
    'Email: "some.user@gmail.com",',
    'owner: someone.else@hotmail.com',
    // The Jane and John Doe personas by a first name and the surname's initial.
    'Email: "janed@me.com",',
    'ExpectedEmail: "john.d@hotmail.com",',
    // The role an address fills in a test of permissions.
    'member = "user:member@gmail.com"',
    '{ "owner": "owner2@hotmail.com", "viewer": "viewer@gmail.com" }',
    // A copyright notice (the licence header of a source file) credits its author.
    '// Copyright (c) 2011-2015 Kestrel Vane (kestrel.vane84@gmail.com)',
    '# Portions copyright 2016 K. Vane <kestrel.vane84@gmail.com> and others',
    ' * Copyright © 2020 kestrel.vane84@gmail.com',
  ])('ignores %s', (line) => {
    expect(kinds(line)).toEqual([]);
  });

  // A name that merely starts with a role word is still a name.
  it.each([
    ['member = "user:membership.kestrel@gmail.com"', ['email m…@gmail.com']],
    ['"email": "ownerkestrel84@gmail.com"', ['email o…@gmail.com']],
    // The word alone, with no year after it, is no copyright notice.
    ['"copyright_contact": "kestrel.vane84@gmail.com", // since 2011', ['email k…@gmail.com']],
    ['// not copyrighted: kestrel.vane84@gmail.com 2011', ['email k…@gmail.com']],
  ])('finds %s', (line, expected) => {
    expect(kinds(line)).toEqual(expected);
  });

  it.each([
    ['"kestrel.vane84@gmail.com,kestrel@corp.io"', true],
    ['"kestrel@corp.io;kestrel.vane84@gmail.com"', true],
    ['"kestrel.vane84@gmail.com, kestrel@corp.io"', false],
    ['"kestrel.vane84@gmail.com", "kestrel@corp.io"', false],
    ['"kestrel.vane84@gmail.com,"', false],
  ])('%s: joined to another address in one value: %s', (line, joined) => {
    const [datum] = detectPersonalData(line, ALL, DOMAINS);
    expect(datum?.joined ?? false).toBe(joined);
  });

  it.each([
    ['"vcsCommitAuthorEmail": "kestrel.vane84@gmail.com",', true],
    ['    git_last_modified_by = "kestrelvane84@gmail.com"', true],
    ['committerEmail: kestrel.vane84@hotmail.com', true],
    ['"email": "kestrel.vane84@gmail.com", "commit": "b086f035"', false],
    ['"customer_email": "kestrel.vane84@gmail.com"', false],
  ])('%s: a commit author field: %s', (line, commit) => {
    const [datum] = detectPersonalData(line, ALL, DOMAINS);
    expect(datum?.commitIdentity ?? false).toBe(commit);
  });

  it('reports a commit author field at low confidence, saying why, and a record beside it as it is', async () => {
    const findings = await runBuiltin(
      'test-data-personal',
      {
        'cmd/testdata/prior.json':
          '{\n  "vcsCommitAuthorEmail": "kestrel.vane84@gmail.com",\n  "customer": "maria.lopez.84@hotmail.com"\n}\n',
      },
      { persona: 'auditor' },
    );
    const byLine = [...findings].sort((a, b) => (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0));
    expect(byLine.map((f) => [f.location?.startLine, f.confidence])).toEqual([
      [2, 'low'],
      [3, 'medium'],
    ]);
    expect(byLine[0]!.message).toMatch(/commit author's address/);
  });

  it('reports an address joined to another in one value at low severity, saying why', async () => {
    const findings = await runBuiltin('test-data-personal', {
      'handlers/recovery_test.go':
        'for _, v := range []string{"asdf", "kestrel.vane84@gmail.com,kestrel@corp.io"} {\n' +
        'user := "maria.lopez.84@hotmail.com"\n',
    });
    const byLine = [...findings].sort((a, b) => (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0));
    expect(byLine.map((f) => [f.location?.startLine, f.severity])).toEqual([
      [1, 'low'],
      [2, 'medium'],
    ]);
    expect(byLine[0]!.message).toMatch(
      /joined to another address in one value: an address-list or injection test vector/,
    );
  });

  it('keys a finding by the value without a digest that could confirm a guessed address', async () => {
    const file = 'fixtures/customers_test.json';
    const run = async (text: string) =>
      (await runBuiltin('test-data-personal', { [file]: text })).map((f) => f.fingerprint);
    const [moved] = await run('{\n\n  "email": "maria.lopez.84@hotmail.com"\n}\n');
    const [first] = await run('{\n  "email": "maria.lopez.84@hotmail.com"\n}\n');
    const [other] = await run('{\n  "email": "kestrel.vane84@hotmail.com"\n}\n');
    // The same value keeps its finding where it moves; another value is another finding.
    expect(moved).toBe(first);
    expect(other).not.toBe(first);
    // Not the fingerprint of a key that holds 64 bits of the value's plain SHA-256 (the old key).
    const plain = createHash('sha256').update('maria.lopez.84@hotmail.com').digest('hex').slice(0, 16);
    expect(first).not.toBe(fingerprint('test-data-personal', file, `email:${plain}`));
  });

  it.each([
    // A Sigstore policy's keyless identities: the certificate subject of a signed artifact.
    [
      'test/e2e/verify/policy.yaml',
      'verification:\n  cosign:\n    authorities:\n      - keyless:\n          identities:\n' +
        '            - issuer: https://accounts.example.com\n              subject: kestrel.vane84@gmail.com\n',
      7,
      'low',
    ],
    [
      'test/e2e/verify.sh',
      'cosign verify --certificate-identity=kestrel.vane84@gmail.com "$IMG"\n',
      1,
      'low',
    ],
    // A subject key in a file that is not about keyless signing, and a record in one that is: reported.
    [
      'test/fixtures/mail.yaml',
      'messages:\n  - subject: kestrel.vane84@gmail.com\n    body: hello\n',
      2,
      'medium',
    ],
    [
      'test/e2e/verify/policy.yaml',
      'keyless:\n  subject: https://ci.example.com/build\ncustomers:\n  - email: kestrel.vane84@gmail.com\n',
      4,
      'medium',
    ],
  ])(
    '%s (case %#): a keyless signing identity at low confidence, nothing else',
    async (path, text, line, confidence) => {
      const findings = await runBuiltin('test-data-personal', { [path]: text }, { persona: 'auditor' });
      expect(findings.map((f) => [f.location?.startLine, f.severity, f.confidence])).toEqual([
        [line, 'medium', confidence],
      ]);
      if (confidence === 'low') expect(findings[0]!.message).toMatch(/keyless signing identity/);
    },
  );

  it('never lets the whole value into the masked form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{3,10}\.[a-z]{3,10}[0-9]{0,4}$/), (local) => {
        const line = `"email": "${local}@gmail.com"`;
        for (const d of detectPersonalData(line, ALL, DOMAINS)) {
          expect(d.masked.includes(local)).toBe(false);
          expect(line.slice(d.start, d.end)).toBe(`${local}@gmail.com`);
        }
      }),
    );
  });

  it('keeps its confidence in test paths (where findings of other rules are lowered) and never prints the value', async () => {
    const findings = await runBuiltin('test-data-personal', {
      'test/fixtures/users.json':
        '{ "email": "maria.lopez.84@hotmail.com", "card": "4532 0151 1283 0366" }\n',
    });
    expect(findings.map((f) => [f.confidence, f.confidenceReason])).toEqual([
      ['medium', undefined],
      ['medium', undefined],
    ]);
    expect(findings.map((f) => f.message).join(' ')).not.toMatch(/lopez|4532 0151 1283 0366/);
  });

  it('leaves the credits of package metadata alone, and what mirrors them, but not a record after them', async () => {
    const pom = (developers: string) =>
      `<project>\n  <artifactId>lib</artifactId>\n  ${developers}\n</project>\n`;
    const developer =
      '<developers>\n    <developer>\n      <name>M. Keller</name>\n      <email>m.keller1979@gmail.com</email>\n    </developer>\n  </developers>';
    const findings = await runBuiltin('test-data-personal', {
      // A POM as a Maven repository publishes it, and one under another name: its developers.
      'testdata/maven-repo/org/acme/lib/1.0/lib-1.0.pom': pom(developer),
      'testdata/pom/lib.xml': pom(developer),
      // A Debian copyright file's Authors field, with its continuation lines.
      'testdata/copyright/python':
        'Files: lib/*\nCopyright: 2006 The Authors\nAuthors:\n  K. Strel - kestrel.v@gmail.com\n  M. Keller - m.keller1979@gmail.com\n\nLicense: MIT\n',
      // A test's expected value mirroring composer's authors, then a record that is no credit.
      'pkg/php/parse_test.go': [
        'var want = Package{',
        '\tAuthors: []Author{',
        '\t\t{',
        '\t\t\tName:  "K. Strel",',
        '\t\t\tEmail: "kestrel.v@gmail.com",',
        '\t\t},',
        '\t},',
        '\tBuyer: Customer{',
        '\t\tEmail: "maria.lopez.84@hotmail.com",',
        '\t},',
        '}',
        '',
      ].join('\n'),
      // YAML's entries at the key's own indentation are the key's; the next key is not.
      'test/fixtures/package.yaml':
        'authors:\n- name: K. Strel\n  email: kestrel.v@gmail.com\ncustomers:\n- email: m.keller1979@gmail.com\n',
    });
    expect(
      findings.map((f) => [`${f.location?.path}:${f.location?.startLine}`, f.severity, f.confidence]),
    ).toEqual([
      ['pkg/php/parse_test.go:9', 'medium', 'medium'],
      ['test/fixtures/package.yaml:5', 'medium', 'medium'],
    ]);
  });

  // The credits a man page or a photo carries, copied into a fixture. Reported medium before.
  it.each([
    [
      'a man page as man prints it',
      'tests/syntax-tests/source/Manpage/tool.man',
      'NAME\n       tool - a tool\n\nAUTHOR\n       Kestrel Vane (kestrel.vane84@gmail.com)\n\nSEE ALSO\n       maria.lopez.84@hotmail.com\n',
      [8],
    ],
    [
      'a man page captured with its colours',
      'tests/syntax-tests/highlighted/Manpage/tool.man',
      '\x1b[38;2;253;151;31mAUTHOR\x1b[0m\n\x1b[38;2;248;248;242m       Kestrel Vane (kestrel.vane84@gmail.com)\x1b[0m\n\x1b[1mSEE ALSO\x1b[0m\n       maria.lopez.84@hotmail.com\n',
      [4],
    ],
    [
      'its roff source',
      'test/fixtures/tool.1',
      '.TH TOOL 1\n.SH "AUTHORS"\nKestrel Vane (kestrel.vane84@gmail.com)\n.SH BUGS\nReport to maria.lopez.84@hotmail.com\n',
      [5],
    ],
    [
      "a test of an image's metadata",
      'resources/images/meta/meta_test.go',
      '// exif, iptc and xmp\n"ExifArtist: kestrel.vane84@gmail.com",\n"MergedAll_Creator: kestrel.vane84@gmail.com",\n"Buyer: maria.lopez.84@hotmail.com",\n',
      [4],
    ],
    [
      'a creator key in a file not about images',
      'test/fixtures/tickets.json',
      '{ "creator": "kestrel.vane84@gmail.com" }\n',
      [1],
    ],
    [
      'a heading in lower case is prose, not a section',
      'test/fixtures/notes.txt',
      'Author\n       kestrel.vane84@gmail.com\n',
      [2],
    ],
  ])('credits: %s', async (_name, file, text, lines) => {
    const findings = await runBuiltin('test-data-personal', { [file]: text });
    expect(findings.map((f) => f.location?.startLine)).toEqual(lines);
  });

  it('leaves addresses in authorship metadata files alone, but not card numbers there', async () => {
    const findings = await runBuiltin('test-data-personal', {
      'test/fixtures/chart/Chart.yaml':
        'maintainers:\n  - name: M. Keller\n    email: m.keller1979@gmail.com\n',
      'test/fixtures/registry/abbrev.json':
        '{\n  "maintainers": [\n    { "email": "m.keller1979@gmail.com" }\n  ]\n}\n',
      'test/fixtures/registry/card.json': '{\n  "maintainers": [],\n  "card": "4532 0151 1283 0366"\n}\n',
    });
    expect(findings.map((f) => `${f.location?.path}:${f.location?.startLine}`)).toEqual([
      'test/fixtures/registry/card.json:3',
    ]);
  });

  // Made-up bank statements: checksum-valid IBANs beside lorem ipsum, or in a file named as demo
  // data. Reported medium before, by both rules where their paths overlap.
  const row = (text: string) => `GB91NWBK40172938571604,DE88500700100925841673,"${text}",20160123,34.96\n`;
  it.each([
    [
      'data-export-personal',
      'storage/build/upload.csv',
      row('Vivamus ultrices tortor vel semper lacinia.') + row('Donec tincidunt nibh nec diam.'),
      'low',
      /lorem ipsum placeholder text/,
    ],
    [
      'data-export-personal',
      'db/demo-import.csv',
      row('Money back from a subscription'),
      'low',
      /its name, demo-import\.csv, says/,
    ],
    [
      'test-data-personal',
      'resources/stubs/demo-configuration.json',
      '{ "GB91NWBK40172938571604": 1 }\n',
      'low',
      /demonstration or example data/,
    ],
    ['test-data-personal', 'test/fixtures/users.example.csv', row('Groceries'), 'low', /users\.example\.csv/],
    [
      'data-export-personal',
      'db/import.csv',
      row('Money back from a subscription'),
      'medium',
      /: real-looking personal data/,
    ],
    [
      'test-data-personal',
      'test/api/review.test.ts',
      "login({ email: 'kestrel.vane84@gmail.com' })\nsend({ message: 'Lorem Ipsum' })\n",
      'medium',
      /: real-looking personal data/,
    ],
    [
      'data-export-personal',
      'db/customers_sample.csv',
      row('Money back from a subscription'),
      'medium',
      /: real-looking personal data/,
    ],
    [
      'data-export-personal',
      'db/import.csv',
      row('Dolor de cabeza') + row('Lorem'),
      'medium',
      /: real-looking personal data/,
    ],
  ])('%s %s (case %#)', async (rule, file, text, confidence, message) => {
    const findings = await runBuiltin(rule, { [file]: text }, { persona: 'auditor' });
    expect(findings.map((f) => f.confidence)).toEqual(findings.map(() => confidence));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.message).toMatch(message);
  });

  it('reports a stub once, as test data, not also as a committed data file', async () => {
    const files = { 'resources/stubs/import.csv': row('Money back from a subscription') };
    expect(await runBuiltin('data-export-personal', files)).toEqual([]);
    expect((await runBuiltin('test-data-personal', files)).map((f) => f.location?.startLine)).toEqual([1, 1]);
  });
});
