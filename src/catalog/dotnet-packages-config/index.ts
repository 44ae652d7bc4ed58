/**
 * @module The packages.config cataloger: NuGet packages of .NET Framework-era projects, with
 * NuGet's developmentDependency flag marking development-only packages.
 * @see https://learn.microsoft.com/en-us/nuget/reference/packages-config
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePackagesConfig } from './parse-packages-config.js';

export const dotnetPackagesConfigCataloger = defineCataloger({
  name: 'dotnet-packages-config',
  version: 1,
  reads: 'declared',
  patterns: ['/**/packages.config'],
  parse: parsePackagesConfig,
}) satisfies Cataloger;
