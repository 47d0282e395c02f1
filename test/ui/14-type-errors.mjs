// The UI test of cells' type errors: a notebook whose second cell has two, squiggled in the
// cell and listed in the Problems panel, with the hover on the first. Its screenshot is the
// README's media/screenshots/type-error.png.
import { openFile } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'a type error in a cell is squiggled, listed in Problems and explained on hover',
  async run({ page, screenshot }) {
    await openFile(page, 'ui/type-error.initnb');
    const squiggles = page.locator('.notebook-editor .cell-editor-container .squiggly-error');
    await squiggles.first().waitFor({ state: 'visible', timeout: 90_000 });
    const count = await squiggles.count();
    if (count !== 2) throw new Error(`expected 2 squiggles (the shape as text, the number for a tensor), found ${count}`);
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row');
    await problems.filter({ hasText: "Argument of type 'string' is not assignable to parameter of type 'ShapeOrTensor'" }).first().waitFor({ timeout: 30_000 });
    await problems.filter({ hasText: "Argument of type 'number' is not assignable to parameter of type 'GradTensor'" }).first().waitFor({ timeout: 30_000 });
    // The squiggle lies under the editor's text layer: the mouse goes where it is drawn.
    const box = await squiggles.first().boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'ShapeOrTensor' });
    await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('type-error');
  },
};
