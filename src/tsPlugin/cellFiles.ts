/** Which files are `.initnb` cells, and where their global declarations are. */
import * as path from 'node:path';

/** From the plugin's folder, node_modules/initlab-cell-types/, to the declarations in dist/. */
export const CELL_GLOBALS = path.join(__dirname, '..', '..', 'dist', 'cell-types', 'cellTypes', 'cellGlobals.d.ts');

/**
 * VS Code names a cell `vscode-notebook-cell:/…/lesson.initnb#<cell>`, which its TypeScript
 * extension hands to tsserver as `^/vscode-notebook-cell/<authority>/…/lesson.initnb#<cell>`.
 */
export function isInitnbCell(fileName: string): boolean {
  return fileName.includes('vscode-notebook-cell') && /\.initnb#/.test(fileName);
}
