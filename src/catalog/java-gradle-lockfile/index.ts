/**
 * @module The Gradle lock file cataloger: gradle.lockfile and the legacy
 * gradle/dependency-locks/*.lockfile, every locked module with the configurations that use it;
 * a module only test classpaths use is a development dependency.
 * @see https://docs.gradle.org/current/userguide/dependency_locking.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGradleLockfile } from './parse-gradle-lockfile.js';

export const javaGradleLockfileCataloger = defineCataloger({
  name: 'java-gradle-lockfile',
  version: 1,
  reads: 'declared',
  patterns: ['/**/gradle.lockfile', '/**/gradle/dependency-locks/*.lockfile'],
  parse: parseGradleLockfile,
}) satisfies Cataloger;
