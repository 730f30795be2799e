/** Types of spdx-expression-parse (the package ships none): the parse tree of an SPDX expression. */
declare module 'spdx-expression-parse' {
  namespace parse {
    interface LicenseNode {
      license: string;
      plus?: true;
      exception?: string;
    }
    interface ConjunctionNode {
      left: Node;
      conjunction: 'and' | 'or';
      right: Node;
    }
    type Node = LicenseNode | ConjunctionNode;
  }
  /** Parses an SPDX license expression; throws on anything that is not one. */
  function parse(source: string): parse.Node;
  export = parse;
}
