// The declarations that give `.initnb` cells their types in VS Code (src/tsPlugin), as one file,
// dist/cell-types/initlab-cells.d.ts: the toolkit's own .d.ts files, emitted by TypeScript's
// compiler API, tfjs-core's declarations and the cells' globals, laid out as a tree in a staging
// folder so the imports in them resolve, then bundled by scripts/dtsBundle.mjs.
// Also writes the TypeScript server plugin's package to node_modules/initlab-cell-types/, the
// only place tsserver looks for a plugin (the .vsix gets a copy: scripts/package.mjs).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { bundleDeclarations, declarationFiles } from './dtsBundle.mjs';

const ENTRIES = ['src/toolkit/index.ts', 'src/toolkit/engine/engine.ts', 'src/kernel/execution/formatValue.ts'];

export const PLUGIN_NAME = 'initlab-cell-types';

function copyDeclarations(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyDeclarations(source, path.join(to, entry.name));
    // Tests' declarations are of no use in a cell, and a third of the files.
    else if (entry.name.endsWith('.d.ts') && !entry.name.endsWith('_test.d.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, path.join(to, entry.name));
    }
  }
}

/** The declaration tree, with tfjs-core's files under node_modules/ as a compiler would find them. */
function writeDeclarationTree(root, outDir) {
  const program = ts.createProgram(
    ENTRIES.map((entry) => path.join(root, entry)),
    {
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: path.join(root, 'src'),
      outDir,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      strict: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  const { diagnostics } = program.emit();
  if (diagnostics.length) throw new Error(`cell types: ${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' })}`);
  fs.mkdirSync(path.join(outDir, 'cellTypes'), { recursive: true });
  for (const file of ['cellGlobals.d.ts', 'cellModule.d.ts']) fs.copyFileSync(path.join(root, 'src/cellTypes', file), path.join(outDir, 'cellTypes', file));
  // tfjs-core's and tfjs-layers' declarations as published. `@tensorflow/tfjs` is given as
  // tfjs-core plus its chained ops (tensor.add()...) and tf.layers (cells build and probe
  // tf.sequential and tf.model networks); converter's and data's declarations would add size
  // for names cells do not use.
  let version;
  for (const pkg of ['tfjs-core', 'tfjs-layers']) {
    const from = path.join(root, 'node_modules/@tensorflow', pkg);
    const to = path.join(outDir, 'node_modules/@tensorflow', pkg);
    copyDeclarations(path.join(from, 'dist'), path.join(to, 'dist'));
    const manifest = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8'));
    version ??= manifest.version;
    fs.writeFileSync(path.join(to, 'package.json'), JSON.stringify({ name: `@tensorflow/${pkg}`, version: manifest.version, types: manifest.types }, null, 2));
  }
  const tfjsOut = path.join(outDir, 'node_modules/@tensorflow/tfjs');
  fs.mkdirSync(tfjsOut, { recursive: true });
  fs.writeFileSync(path.join(tfjsOut, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs', version, types: 'index.d.ts' }, null, 2));
  fs.writeFileSync(
    path.join(tfjsOut, 'index.d.ts'),
    "// InitLab's cells see TensorFlow.js through tfjs-core's and tfjs-layers' API (scripts/cellTypes.mjs).\nimport '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';\nexport * from '@tensorflow/tfjs-core';\nexport * from '@tensorflow/tfjs-layers';\n",
  );
}

/** The module id of a file in the tree: tfjs-core's by its package path (as its own import types name them), ours under @initlab/. */
function moduleId(tree, file) {
  const relative = path.relative(tree, file).split(path.sep).join('/').replace(/\.d\.ts$/, '');
  return relative.startsWith('node_modules/') ? relative.slice('node_modules/'.length) : `@initlab/${relative}`;
}

export const CELL_DECLARATIONS_FILE = 'initlab-cells.d.ts';

/**
 * Writes outDir/initlab-cells.d.ts. cellGlobals.d.ts goes in as a module like the rest (its
 * `declare global` takes effect from inside an ambient module); cellModule.d.ts, a script
 * declaring the module 'initlab', goes in as it is.
 */
export function writeCellTypes(root, outDir) {
  const tree = path.join(root, 'out', 'cell-types-tree');
  fs.rmSync(tree, { recursive: true, force: true });
  writeDeclarationTree(root, tree);
  const files = declarationFiles(tree).filter((file) => path.basename(file) !== 'cellModule.d.ts');
  const ids = new Map(files.map((file) => [file, moduleId(tree, file)]));
  const packages = {
    '@tensorflow/tfjs-core': path.join(tree, 'node_modules/@tensorflow/tfjs-core/dist/index.d.ts'),
    '@tensorflow/tfjs': path.join(tree, 'node_modules/@tensorflow/tfjs/index.d.ts'),
    '@tensorflow/tfjs-layers': path.join(tree, 'node_modules/@tensorflow/tfjs-layers/dist/index.d.ts'),
  };
  const resolve = (from, specifier) => {
    const base = specifier.startsWith('.') ? path.resolve(path.dirname(from), specifier) : specifier in packages ? packages[specifier].replace(/\.d\.ts$/, '') : path.join(tree, 'node_modules', specifier);
    for (const candidate of [`${base}.d.ts`, path.join(base, 'index.d.ts')]) if (ids.has(candidate)) return ids.get(candidate);
    return undefined;
  };
  const bundle = bundleDeclarations(files.map((file) => ({ id: ids.get(file), file })), resolve);
  const cellModule = fs.readFileSync(path.join(root, 'src/cellTypes/cellModule.d.ts'), 'utf8');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const header = '// The types of InitLab cells, generated by scripts/cellTypes.mjs: do not edit.\n';
  fs.writeFileSync(path.join(outDir, CELL_DECLARATIONS_FILE), `${header}${bundle}\n${cellModule}`);
}

export async function writeTsPlugin(root) {
  const dir = path.join(root, 'node_modules', PLUGIN_NAME);
  fs.rmSync(dir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'src/tsPlugin/index.ts')],
    outfile: path.join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: PLUGIN_NAME, version: '1.0.0', private: true, main: 'index.js' }, null, 2));
  return dir;
}
