/**
 * @module The .NET deps.json cataloger: the NuGet packages a built or published application
 * loads, from the <app>.deps.json beside its assemblies (in images, the published output).
 * @see https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseDepsJson } from './parse-deps-json.js';

export const dotnetDepsJsonCataloger = defineCataloger({
  name: 'dotnet-deps-json',
  version: 1,
  reads: 'installed',
  patterns: ['/**/*.deps.json'],
  parse: parseDepsJson,
}) satisfies Cataloger;
