/**
 * @module The Maven POM cataloger: a pom.xml's own coordinates and every dependency and managed
 * dependency it declares with one exact version (literal or through properties, its local
 * parent POMs included); test scope marks a development dependency.
 * @see https://maven.apache.org/pom.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePom } from './parse-pom.js';

export const javaPomCataloger = defineCataloger({
  name: 'java-pom',
  version: 1,
  reads: 'declared',
  patterns: ['/**/pom.xml'],
  parse: parsePom,
}) satisfies Cataloger;
