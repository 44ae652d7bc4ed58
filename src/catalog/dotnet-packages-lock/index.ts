/**
 * @module The NuGet lock file cataloger: packages.lock.json, written by `dotnet restore` when a
 * project opts into RestorePackagesWithLockFile: every package of every target framework.
 * @see https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePackagesLock } from './parse-packages-lock.js';

export const dotnetPackagesLockCataloger = defineCataloger({
  name: 'dotnet-packages-lock',
  version: 1,
  reads: 'declared',
  patterns: ['/**/packages.lock.json'],
  parse: parsePackagesLock,
}) satisfies Cataloger;
