/**
 * A TypeScript server plugin (package.json `typescriptServerPlugins`) that gives `.initnb` cells
 * the types of the names InitLab's kernel defines for them. VS Code checks each notebook cell in
 * an inferred project that knows nothing of the kernel; this plugin adds the cells' declarations to
 * the program of every project that holds an `.initnb` cell. tsserver only watches the files a
 * plugin's getExternalFiles names; it is the host's script file names that put them in the
 * program (seen in tsserver's log: an external file alone stayed out of the project's files).
 *
 * It also puts a notebook's other open cells in each cell's program. tsserver gives the cells
 * of a notebook outside any workspace folder (an untitled one, as Open Lesson and Compare
 * initializations make) one project per cell, where a cell could not see the `x` an earlier cell
 * declared; in a workspace folder they share one project, and there this adds nothing.
 *
 * It runs inside tsserver, not the extension host: no `vscode` here. The build writes it to
 * node_modules/initlab-cell-types/, where tsserver looks for plugins, and the .vsix carries it.
 */
import type * as ts from 'typescript/lib/tsserverlibrary';
import { CELL_DECLARATIONS, isInitnbCell, siblingCells } from './cellFiles';

function init(): ts.server.PluginModule {
  return {
    create(info) {
      const host = info.languageServiceHost;
      const scriptFileNames = host.getScriptFileNames.bind(host);
      const service = info.project.projectService;
      const openFileNames = () => [...service.openFiles.keys()].flatMap((path) => service.getScriptInfoForPath(path)?.fileName ?? []);
      host.getScriptFileNames = () => {
        const names = scriptFileNames();
        const cells = names.filter((file) => isInitnbCell(file));
        if (cells.length === 0) return names;
        const added = [...siblingCells(cells, openFileNames()), ...CELL_DECLARATIONS].filter((file) => !names.includes(file));
        return added.length > 0 ? [...names, ...added] : names;
      };
      return info.languageService;
    },
    getExternalFiles: (project) => (project.getRootFiles().some((file) => isInitnbCell(file)) ? CELL_DECLARATIONS : []),
  };
}

export = init;
