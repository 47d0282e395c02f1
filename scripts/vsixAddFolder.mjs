// Adds a folder to a packaged .vsix. vsce packs no node_modules when run with --no-dependencies
// (docs/building.md: the only way it packages offline), yet tsserver loads plugins only from the
// extension's node_modules/ (src/tsPlugin). So the plugin's small package is added afterwards:
// the .vsix is rewritten entry by entry (yauzl reads, yazl writes, the zip libraries vsce uses).
import * as fs from 'node:fs';
import * as path from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Copies `folder`'s files into the .vsix under `extension/<asPath>/`. */
export async function addFolderToVsix(vsix, folder, asPath) {
  const output = new yazl.ZipFile();
  const zip = await new Promise((resolve, reject) => yauzl.open(vsix, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  await new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry) => {
      if (entry.fileName.startsWith(`extension/${asPath}/`)) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
          output.addBuffer(Buffer.concat(chunks), entry.fileName, { mtime: entry.getLastModDate() });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  for (const file of listFiles(folder)) {
    output.addBuffer(fs.readFileSync(file), `extension/${asPath}/${path.relative(folder, file).split(path.sep).join('/')}`);
  }
  output.end();
  const temp = `${vsix}.tmp`;
  await new Promise((resolve, reject) => output.outputStream.pipe(fs.createWriteStream(temp)).on('close', resolve).on('error', reject));
  fs.renameSync(temp, vsix);
}
