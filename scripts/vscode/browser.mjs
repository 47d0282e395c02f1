// Debian's Chromium, driven headless by playwright-core (never `playwright install`, which
// downloads a browser this machine cannot fetch). Flags per docs/vscode-tests.md: no sandbox
// (root), no GPU, and no background networking, which this closed network refuses. Every request
// is logged and any for another host refused (networkCheck.mjs).
import { chromium } from 'playwright-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { browserNetworkWatch } from './networkCheck.mjs';

export const CHROMIUM = process.env.INITLAB_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(scratch) {
  const profile = path.join(scratch, 'chromium-profile');
  fs.mkdirSync(profile, { recursive: true });
  const network = await browserNetworkWatch(scratch);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...network.args,
    ],
  }).catch((err) => {
    network.close();
    throw err;
  });
  network.watch(context);
  return context;
}
