import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

/** The four themes of ISO/IEC 27002:2022, in the standard's order (clauses 5 to 8). */
export const THEMES = ['Organizational', 'People', 'Physical', 'Technological'] as const;
export type Theme = (typeof THEMES)[number];

/** One control of ISO/IEC 27002:2022 (the same numbers as ISO/IEC 27001:2022 Annex A). */
export interface Control {
  id: string;
  title: string;
  theme: Theme;
  /** controlgate's own one-line summary (never the standard's text). */
  description: string;
  newIn2022: boolean;
  /** The 2022 attribute tags; kept for the technological controls only. */
  attributes?: {
    controlType: string[];
    securityProperties: string[];
    cybersecurityConcepts: string[];
    operationalCapabilities: string[];
    securityDomains: string[];
  };
  /** ISO/IEC 27001:2013 Annex A controls this one replaces (in whole or in part). */
  iso27001_2013: string[];
}

let controls: Control[] | undefined;
let byId: Map<string, Control> | undefined;
let by2013: Map<string, Control[]> | undefined;

/** All 93 controls, in catalog order (5.1 .. 8.34). */
export function allControls(): readonly Control[] {
  if (!controls) {
    const raw = JSON.parse(readFileSync(packagePath('data', 'controls.json'), 'utf8')) as {
      controls: Control[];
    };
    controls = raw.controls;
  }
  return controls;
}

/** The controls of one theme, in catalog order (`Technological`: 8.1 .. 8.34). */
export function controlsOfTheme(theme: Theme): readonly Control[] {
  return allControls().filter((c) => c.theme === theme);
}

/** The control with a 2022 id such as "8.28" or "5.24", or undefined. */
export function getControl(id: string): Control | undefined {
  byId ??= new Map(allControls().map((c) => [c.id, c]));
  return byId.get(id);
}

/**
 * The 2022 controls that replace an ISO/IEC 27001:2013 Annex A id such as "A.9.2.3", of any theme
 * (A.18.2.3 became both 5.36 and 8.8). Empty for an id that is not a 2013 Annex A control.
 */
export function controlsFrom2013(id: string): Control[] {
  if (!by2013) {
    by2013 = new Map();
    for (const c of allControls()) {
      for (const old of c.iso27001_2013) {
        const list = by2013.get(old) ?? [];
        list.push(c);
        by2013.set(old, list);
      }
    }
  }
  return by2013.get(normalize2013(id)) ?? [];
}

/** Accepts "A.9.2.3", "a.9.2.3" and "9.2.3". */
function normalize2013(id: string): string {
  const t = id.trim();
  return /^a\./i.test(t) ? `A.${t.slice(2)}` : `A.${t}`;
}

/** Sorts control ids numerically ("8.2" before "8.10"). */
export function compareControlIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
