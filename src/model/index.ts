/** @module The shared types every part of Vigil speaks. */
export type * from './package.js';
export type * from './distro.js';
export type * from './warning.js';
export type * from './inventory.js';
