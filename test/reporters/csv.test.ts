import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.js';
import { CSV_COLUMNS, csvField, renderCsv } from '../../src/reporters/csv.js';
import { assembleReport, HOSTILE_PATH, sampleReport } from '../fixtures/report/sample-report.js';

/**
 * A strict RFC 4180 reader: records end with CRLF, a quoted field may hold commas, doubled quotes and
 * line breaks, and anything else (a bare quote inside an unquoted field, a lone CR or LF between
 * records, text after a closing quote) is an error.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`record not ended by CRLF at ${i}`);
    i += 2;
    records.push(record);
    record = [];
  }
  return records;
}

describe('renderCsv', () => {
  const report = sampleReport();
  const rows = parseCsv(renderCsv(report));

  it('is RFC 4180: a header, then one record of every column per finding, each ended by CRLF', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.findings.length + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    expect(renderCsv(assembleReport([]))).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('gives each finding its values back exactly, line breaks and quotes included', () => {
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const first = rows[1]!;
    expect(first[col('rule')]).toBe('secrets-hardcoded');
    expect(first[col('controls')]).toBe('8.24 8.12');
    expect([first[col('path')], first[col('start_line')], first[col('start_column')]]).toEqual([
      'config/app.env',
      '3',
      '11',
    ]);
    expect([first[col('blocking')], first[col('new')]]).toEqual(['true', 'true']);
    const repoLevel = rows.find((r) => r[col('rule')] === 'codeowners-present')!;
    expect([repoLevel[col('path')], repoLevel[col('start_line')]]).toEqual(['', '']);
    const hostile = rows.find((r) => r[col('path')]?.startsWith('docs/we|rd'))!;
    expect(hostile[col('path')]).toBe(HOSTILE_PATH);
    const quoted = rows.find((r) => r[col('rule')] === 'workflow-unpinned-action')!;
    expect(quoted[col('message')]).toBe('Action "some-org/deploy@v2" is referenced by a mutable tag.');
    expect(rows.find((r) => r[col('status')] === 'excepted')![col('exception')]).toBe('EXC-2026-004');
    expect(rows.find((r) => r[col('status')] === 'ignored')![col('exception')]).toBe('inline-ignore');
  });

  it('shows terminal escapes and bidirectional overrides as visible text', () => {
    const text = renderCsv(report);
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('\\x1B[31mred');
  });

  it('defuses spreadsheet formulas: a cell starting with = + - @ tab or CR gets an apostrophe', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\\t=1");
    expect(csvField('\r=1')).toBe(`"'\n=1"`);
    expect(csvField('a=1')).toBe('a=1');
    expect(csvField('8.24 8.12')).toBe('8.24 8.12');
    const f = sampleReport().findings[0]!;
    const evil: Finding = {
      ...f,
      message: '=cmd|"/c calc"!A1',
      location: { path: '-oops.yml', startLine: 2 },
    };
    const [, row] = parseCsv(renderCsv(assembleReport([evil])));
    expect(row![CSV_COLUMNS.indexOf('message')]).toBe('\'=cmd|"/c calc"!A1');
    expect(row![CSV_COLUMNS.indexOf('path')]).toBe("'-oops.yml");
  });
});
