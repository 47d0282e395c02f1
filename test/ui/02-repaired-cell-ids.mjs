// A notebook with invalid and repeated cell ids opens repaired, and the warning lists each repair.
import { openFile } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'a notebook with invalid and repeated cell ids opens repaired, and a warning names the file and each repair',
  async run({ page, screenshot }) {
    await openFile(page, 'repairs/bad-cell-ids.initnb');
    const warning = page.locator('.notification-toast', { hasText: 'repairs/bad-cell-ids.initnb: InitLab repaired cell ids' });
    await warning.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await warning.innerText();
    for (const repair of [/cells\[1\]\.id: "intro" is already the id of cells\[0\], so it is now "[0-9a-f]{8}"/, /cells\[2\]\.id: "my cell!" is not a valid cell id/]) {
      if (!repair.test(text)) throw new Error(`the warning does not say ${repair}: ${text}`);
    }
    await screenshot('cell-ids-repaired');
  },
};
