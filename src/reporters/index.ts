/** Reporters: pure functions of one Report. No I/O here; the sinks write what these return. */
export * from './aggregate.js';
export * from './annotations.js';
export * from './csv.js';
export * from './escape.js';
export * from './json.js';
export * from './junit.js';
export * from './markdown.js';
export * from './oscal.js';
export * from './sarif.js';
export * from './sarif-anchor.js';
export type * from './sarif-types.js';
export * from './soa.js';
export * from './text.js';
export type * from './types.js';
