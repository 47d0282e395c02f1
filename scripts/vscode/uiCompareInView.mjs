// UI checks that a comparison's answer reaches the user: its verdict on screen when the
// notification says it, and the notification's "Show verdict" bringing it back.

/** The notebook editor on screen (hidden editors keep their DOM). */
const visibleNotebook = (page) => page.locator('.notebook-editor:visible').first();

/**
 * Waits until `locator` (in the page or an output frame) lies inside the visible notebook editor,
 * and fails saying where both are. Output webviews are laid out whole and moved as the editor
 * scrolls, so an output's box says whether it is in view.
 */
export async function waitOnScreen(page, locator, what, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const area = await visibleNotebook(page).boundingBox();
    const box = await locator.boundingBox({ timeout: 500 }).catch(() => null);
    if (area && box && box.y >= area.y && box.y + box.height <= area.y + area.height) return;
    if (Date.now() > deadline) {
      const where = box ? `y ${Math.round(box.y)}–${Math.round(box.y + box.height)}` : 'not drawn';
      throw new Error(`${what} is not on screen: it is at ${where}, the notebook editor spans y ${Math.round(area?.y ?? 0)}–${Math.round((area?.y ?? 0) + (area?.height ?? 0))}`);
    }
    await page.waitForTimeout(100);
  }
}

/** Whether `locator` lies inside the visible notebook editor now. */
async function isOnScreen(page, locator) {
  const area = await visibleNotebook(page).boundingBox();
  const box = await locator.boundingBox({ timeout: 500 }).catch(() => null);
  return !!(area && box && box.y >= area.y && box.y + box.height <= area.y + area.height);
}

/**
 * Scrolls the notebook to its top with the mouse wheel until the verdict has left the screen and
 * stays away, then clicks the notification's "Show verdict" and checks it is back.
 *
 * The command holds the verdict in view for 3 s after it appears (verdictInView.ts), while the
 * charts above it draw: a wheel inside that time can be undone by its next reveal, which would
 * also bring the verdict back without "Show verdict". So the verdict must stay off screen for
 * 1 s, longer than any gap between two reveals, before the button is clicked.
 */
export async function showVerdictAgain(page, verdictOutput, notificationText) {
  const area = await visibleNotebook(page).boundingBox();
  await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (let i = 0; i < 20 && (await isOnScreen(page, verdictOutput)); i++) await page.mouse.wheel(0, -3_000);
    await page.waitForTimeout(1_000);
    if (!(await isOnScreen(page, verdictOutput))) break;
    if (Date.now() > deadline) throw new Error('scrolling to the top left the verdict on screen: the check below would prove nothing');
  }
  const notification = page.locator('.notification-toast', { hasText: notificationText });
  await notification.hover();
  await notification.getByRole('button', { name: 'Show verdict' }).click();
  await waitOnScreen(page, verdictOutput, 'the verdict, after "Show verdict"');
}
