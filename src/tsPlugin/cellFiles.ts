/** Which files are `.initnb` cells, and where their global declarations are. */
import * as path from 'node:path';

/** From the plugin's folder, node_modules/initlab-cell-types/, to the declarations in dist/. */
const CELL_TYPES = path.join(__dirname, '..', '..', 'dist', 'cell-types');

/**
 * The cells' globals, the module 'initlab' that holds the same names, and everything they refer
 * to (the toolkit's and tfjs-core's declarations), in one file (scripts/cellTypes.mjs).
 */
export const CELL_DECLARATIONS = [path.join(CELL_TYPES, 'initlab-cells.d.ts')];

/**
 * VS Code names a cell `vscode-notebook-cell:/…/lesson.initnb#<cell>`, which its TypeScript
 * extension hands to tsserver as `^/vscode-notebook-cell/<authority>/…/lesson.initnb#<cell>`.
 */
export function isInitnbCell(fileName: string): boolean {
  return fileName.includes('vscode-notebook-cell') && /\.initnb#/.test(fileName);
}

/** The notebook a cell belongs to: its name up to the `#` that starts the cell's own part. */
function notebookOf(cell: string): string {
  return cell.slice(0, cell.lastIndexOf('#'));
}

/** Of the open files, the cells of the same notebooks as `cells`, `cells` themselves left out. */
export function siblingCells(cells: readonly string[], openFiles: readonly string[]): string[] {
  const notebooks = new Set(cells.map(notebookOf));
  return openFiles.filter((file) => isInitnbCell(file) && !cells.includes(file) && notebooks.has(notebookOf(file)));
}
