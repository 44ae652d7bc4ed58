/**
 * @module The MSBuild project file cataloger: PackageReference items of *.csproj, *.fsproj and
 * *.vbproj files that name one exact version (literal, from the file's own properties, or from
 * the Directory.Packages.props of central package management).
 * @see https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseProjectFile } from './parse-project-file.js';

export const dotnetCsprojCataloger = defineCataloger({
  name: 'dotnet-csproj',
  version: 1,
  reads: 'declared',
  patterns: ['/**/*.csproj', '/**/*.fsproj', '/**/*.vbproj'],
  parse: parseProjectFile,
}) satisfies Cataloger;
