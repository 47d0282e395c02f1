// esbuild options shared by every Node-side bundle: the shipped ones (scripts/build.mjs) and the
// kernel that the process tests build (test/unit/support/kernelBuild.ts), so tests drive the
// kernel exactly as it ships.
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * vega-canvas's Node build loads the optional native `canvas` package with a top-level await,
 * which a CommonJS bundle cannot hold. The kernel only renders SVG, which needs no canvas (Vega
 * then estimates text widths), so the bundle takes vega-canvas's browser build: in Node it
 * finds no DOM and returns null, exactly what the Node build does when `canvas` is absent.
 */
const vegaCanvasWithoutNodeCanvas = {
  name: 'vega-canvas-without-node-canvas',
  setup(build) {
    const browserBuild = path.join(path.dirname(require.resolve('vega-canvas')), 'vega-canvas.browser.js');
    build.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: browserBuild }));
  },
};

export const nodeBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // tfjs-node is native code, found at run time where the user installed it (engine.ts).
  external: ['vscode', '@tensorflow/tfjs-node'],
  // jsonc-parser's "main" is a UMD build whose factory requires its parts at run time, which a
  // bundle cannot satisfy; its ES module build bundles cleanly. An absolute path, because esbuild
  // resolves an alias from the working directory, and the build may run from anywhere.
  alias: { 'jsonc-parser': path.join(path.dirname(require.resolve('jsonc-parser/package.json')), 'lib', 'esm', 'main.js') },
  plugins: [vegaCanvasWithoutNodeCanvas],
};
