// Compare Initializations on the notebook's tf.layers CNN, the verdict naming its layers.
import { outputFrame, openFile, runCommand, runAllAndWait } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'When the notebook defines a tf.layers CNN, Compare Initializations offers it with its layers and names them in the verdict',
  async run({ page, screenshot }) {
    await openFile(page, 'ui/own-cnn.initnb');
    await runAllAndWait(page);
    await outputFrame(page).getByText('cnn is ready').first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'InitLab: Compare Initializations');
    const offer = page.locator('.quick-input-widget', { hasText: 'on which network?' });
    await offer.waitFor({ state: 'visible', timeout: 30_000 });
    await offer.locator('.monaco-list-row').first().filter({ hasText: 'tf.LayersModel, 4 layers: conv2d ×2, flatten, dense' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    for (let step = 1; step <= 4; step++) {
      await page.locator('.quick-input-widget', { hasText: `(${step}/4)` }).waitFor({ state: 'visible', timeout: 20_000 });
      await page.keyboard.press('Enter');
    }
    const summary = 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).';
    await page.locator('.notification-toast', { hasText: summary }).waitFor({ state: 'visible', timeout: 240_000 });
    await page.locator('.tab.active', { hasText: 'own-cnn.initnb' }).waitFor({ timeout: 10_000 });
    // normal(0, 1) kernels blow up conv2 and the logits; the verdict names the layers.
    await outputFrame(page).getByText('activations explode at layers 2, 4 (conv2 … digits').first().waitFor({ timeout: 60_000 });
    await screenshot('compare-on-own-cnn');
  },
};
