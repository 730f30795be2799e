import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/reporters/text.js';
import { assembleReport, sampleReport } from '../fixtures/report/sample-report.js';

const ESC = '\u001b';

describe('renderText', () => {
  it('matches the snapshot without colour', async () => {
    await expect(renderText(sampleReport())).toMatchFileSnapshot('__snapshots__/text.txt');
  });

  it('matches the snapshot with colour', async () => {
    await expect(renderText(sampleReport(), { color: true })).toMatchFileSnapshot(
      '__snapshots__/text-color.txt',
    );
  });

  it('has no escape byte without colour, even though the report contains one', () => {
    const out = renderText(sampleReport());
    expect(JSON.stringify(sampleReport())).toContain('\\u001b');
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u202e');
  });

  it('uses ANSI colours only when asked, and never the ones from repository strings', () => {
    const out = renderText(sampleReport(), { color: true });
    expect(out).toContain(`${ESC}[`);
    // The only escape sequences are the reporter's own SGR codes.
    expect(out.match(/\u001b\[[0-9;]*m/g)?.length).toBe(out.split(ESC).length - 1);
    expect(out).not.toContain(`${ESC}[31mred`);
  });

  it('keeps a hostile path on one line, with its control characters visible', () => {
    const out = renderText(sampleReport());
    const line = out.split('\n').find((l) => l.includes('we|rd'));
    expect(line).toContain('`x`\\n::error::owned%0A,a,b.md:7:1');
    expect(out.split('\n').some((l) => l.startsWith('::'))).toBe(false);
  });

  it('lists a finding under its first control and names the others', () => {
    const out = renderText(sampleReport());
    const at = out.indexOf('8.24  Use of cryptography');
    expect(at).toBeGreaterThan(-1);
    expect(out.slice(at)).toMatch(/config\/app\.env:3:11[^\n]*\n[^\n]*also: 8\.12 Data leakage prevention/);
  });

  it('says so when there is nothing to report', () => {
    const out = renderText(assembleReport([], [], 'high'));
    expect(out).toContain('No findings.');
    expect(out).toContain('Gate: PASS (fail-on high; fail-on-gap)');
  });
});
