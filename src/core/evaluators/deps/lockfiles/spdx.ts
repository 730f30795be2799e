import parse from 'spdx-expression-parse';

/** A parsed SPDX licence expression. */
export type SpdxNode = parse.Node;

/**
 * Parses an SPDX licence expression as package metadata writes it; undefined when it is not one
 * ("SEE LICENSE IN LICENSE.md", "BSD", a URL). The parser knows the SPDX licence and exception
 * lists, so a single identifier that parses is a real SPDX identifier.
 */
export function parseSpdx(text: string): SpdxNode | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 500) return undefined;
  try {
    return parse(trimmed);
  } catch {
    return undefined;
  }
}

/** The one SPDX licence identifier an expression consists of, or undefined for anything else. */
export function singleSpdxId(text: string): string | undefined {
  const node = parseSpdx(text);
  if (!node || !('license' in node) || node.plus || node.exception) return undefined;
  return /^(?:LicenseRef|DocumentRef)-/.test(node.license) ? undefined : node.license;
}
