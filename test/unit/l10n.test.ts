/**
 * Every UI string goes through VS Code's l10n and exists in Thai and Vietnamese: the manifest's
 * %keys% in package.nls.*.json, and every vscode.l10n.t('...') message in l10n/bundle.l10n.*.json.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './support/paths';

const languages = ['th', 'vi'];
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, string>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The first argument of each l10n.t(...) call: a plain string literal, by convention here. */
function l10nMessages(): string[] {
  const messages = new Set<string>();
  for (const file of sourceFiles(path.join(repoRoot, 'src', 'extension'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)) messages.add(m[2].replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n'));
  }
  return [...messages];
}

test('every %key% in package.json is defined in English, Thai and Vietnamese', () => {
  const manifest = fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8');
  const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length >= 5);
  for (const file of ['package.nls.json', ...languages.map((l) => `package.nls.${l}.json`)]) {
    const bundle = readJson(file);
    for (const key of keys) assert.ok(bundle[key]?.trim(), `${file} lacks "${key}"`);
  }
});

test('every l10n.t message in the extension has a Thai and a Vietnamese translation', () => {
  const messages = l10nMessages();
  assert.ok(messages.length >= 1, 'found the extension\'s messages');
  for (const lang of languages) {
    const bundle = readJson(`l10n/bundle.l10n.${lang}.json`);
    const missing = messages.filter((m) => !bundle[m]?.trim());
    assert.deepEqual(missing, [], `missing in l10n/bundle.l10n.${lang}.json`);
    const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
    for (const m of messages) assert.equal(placeholders(bundle[m]), placeholders(m), `placeholders differ for "${m}" in ${lang}`);
  }
});
