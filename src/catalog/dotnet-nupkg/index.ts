/**
 * @module The NuGet package cataloger: every `*.nupkg` (the global packages folder NuGet restores
 * into, a local feed, or one given alone as the target), read in place (see parse-nupkg.ts).
 * @see https://learn.microsoft.com/en-us/nuget/reference/nuspec
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseNupkg } from './parse-nupkg.js';

export const dotnetNupkgCataloger = defineCataloger({
  name: 'dotnet-nupkg',
  version: 1,
  reads: 'installed',
  patterns: ['/**/*.nupkg'],
  parse: parseNupkg,
}) satisfies Cataloger;
