// `npm run package`: a production build, then the .vsix, offline (vsce --no-dependencies: every
// run-time dependency is bundled into dist/). Prints the .vsix's path and size.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLUGIN_NAME } from './cellTypes.mjs';
import { addFolderToVsix } from './vsixAddFolder.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `${name}-${version}.vsix`);

execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--production'], { stdio: 'inherit', cwd: root });
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix],
  // No stdin: vsce must never wait at a prompt (docs/building.md, "Packaging").
  { stdio: ['ignore', 'inherit', 'inherit'], cwd: root },
);
// The TypeScript server plugin that types cells (written by the build), where tsserver looks.
await addFolderToVsix(vsix, path.join(root, 'node_modules', PLUGIN_NAME), `node_modules/${PLUGIN_NAME}`);
const size = fs.statSync(vsix).size;
console.log(`packaged ${path.relative(root, vsix)}: ${(size / 1024 / 1024).toFixed(2)} MiB`);
