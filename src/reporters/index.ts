/** Reporters: pure functions of one Report. No I/O here; the sinks write what these return. */
export * from './annotations.js';
export * from './escape.js';
export * from './json.js';
export * from './markdown.js';
export * from './oscal.js';
export * from './sarif.js';
export type * from './sarif-types.js';
export * from './soa.js';
export * from './text.js';
export type * from './types.js';
