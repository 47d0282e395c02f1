// Compare Initializations on the notebook's own nn model, appended to that notebook.
import { outputFrame, openFile, runCommand, runAllAndWait, waitOnScreen } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'When the notebook defines a model, Compare Initializations offers it and compares on it in that notebook',
  async run({ page, screenshot }) {
    await openFile(page, 'ui/own-model.initnb');
    await runAllAndWait(page);
    await outputFrame(page).getByText('net is ready').first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'InitLab: Compare Initializations');
    const offer = page.locator('.quick-input-widget', { hasText: 'on which network?' });
    await offer.waitFor({ state: 'visible', timeout: 30_000 });
    // The notebook's model comes first; Enter picks it, then Enter through its four questions (the last: no training).
    await offer.locator('.monaco-list-row').first().filter({ hasText: 'net' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    for (let step = 1; step <= 4; step++) {
      await page.locator('.quick-input-widget', { hasText: `(${step}/4)` }).waitFor({ state: 'visible', timeout: 20_000 });
      await page.keyboard.press('Enter');
    }
    await page.locator('.notification-toast', { hasText: 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).' }).waitFor({ state: 'visible', timeout: 180_000 });
    // The cells went into this notebook, not a new one.
    if ((await page.locator('.tab', { hasText: 'Untitled' }).count()) !== 0) throw new Error('the comparison opened a new notebook');
    await page.locator('.tab.active', { hasText: 'own-model.initnb' }).waitFor({ timeout: 10_000 });
    // The verdict, appended after the user's own cells, is on screen as the notification says it.
    const verdictOutput = outputFrame(page).getByText('Healthy at every layer: Xavier normal, Kaiming normal (fan_in).').first();
    await waitOnScreen(page, verdictOutput, 'the verdict appended to the notebook, as the notification appears');
    await page.waitForTimeout(2_000);
    await waitOnScreen(page, verdictOutput, 'the verdict appended to the notebook, 2 s later');
    await screenshot('compare-on-own-model');
  },
};
