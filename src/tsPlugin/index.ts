/**
 * A TypeScript server plugin (package.json `typescriptServerPlugins`) that gives `.initnb` cells
 * the types of the names InitLab's kernel defines for them. VS Code checks each notebook cell in
 * an inferred project that knows nothing of the kernel; this plugin adds the cells' declarations to
 * the program of every project that holds an `.initnb` cell. tsserver only watches the files a
 * plugin's getExternalFiles names; it is the host's script file names that put them in the
 * program (seen in tsserver's log: an external file alone stayed out of the project's files).
 *
 * It runs inside tsserver, not the extension host: no `vscode` here. The build writes it to
 * node_modules/initlab-cell-types/, where tsserver looks for plugins, and the .vsix carries it.
 */
import type * as ts from 'typescript/lib/tsserverlibrary';
import { CELL_DECLARATIONS, isInitnbCell } from './cellFiles';

function init(): ts.server.PluginModule {
  return {
    create(info) {
      const host = info.languageServiceHost;
      const scriptFileNames = host.getScriptFileNames.bind(host);
      host.getScriptFileNames = () => {
        const names = scriptFileNames();
        return names.some((file) => isInitnbCell(file)) && !names.includes(CELL_DECLARATIONS[0]) ? [...names, ...CELL_DECLARATIONS] : names;
      };
      return info.languageService;
    },
    getExternalFiles: (project) => (project.getRootFiles().some((file) => isInitnbCell(file)) ? CELL_DECLARATIONS : []),
  };
}

export = init;
