// The interface exists whole in English, Vietnamese and Malay: one key set,
// every key the code uses is in it, and none is left unused.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const kLanguages = ['en', 'vi', 'ms'];
const kPluralSuffix = /\.(zero|one|two|few|many|other)$/;

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(await readFile(path, 'utf8'));
  }
  return out;
}

// Code without its comments, so an example in a comment counts for nothing.
const uncommented = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const catalogs = Object.fromEntries(
  await Promise.all(kLanguages.map(async (l) => [l, JSON.parse(await readFile(join(web, 'i18n', `${l}.json`), 'utf8'))])),
);
const code = (await sources(join(web, 'src'))).map(uncommented).join('\n');
// Keys are string literals of the form a.b (t('a.b'), or tables such as kKind).
const literals = new Set([...code.matchAll(/['"`]([a-z_]+(?:\.[a-z_]+)+)['"`]/g)].map((m) => m[1]));
const called = new Set([...code.matchAll(/\bt\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => m[1]));

test('every catalog has the same keys as the English one', () => {
  const english = Object.keys(catalogs.en).sort();
  for (const l of kLanguages) assert.deepEqual(Object.keys(catalogs[l]).sort(), english, `${l}.json`);
});

test('every key the code asks for exists, as such or in plural forms', () => {
  for (const key of called) {
    const present = key in catalogs.en || `${key}.other` in catalogs.en;
    assert.ok(present, `t('${key}') has no entry in the catalogs`);
  }
});

test('no catalog key is unused', () => {
  for (const key of Object.keys(catalogs.en)) {
    const base = key.replace(kPluralSuffix, '');
    const used = literals.has(key) || literals.has(base) || called.has(key) || (key.startsWith('ordinal.') && code.includes('ordinal.'));
    assert.ok(used, `${key} is in the catalogs but no code uses it`);
  }
});

test('every text is translated, and placeholders match the English', () => {
  for (const l of ['vi', 'ms']) {
    for (const [key, english] of Object.entries(catalogs.en)) {
      const text = catalogs[l][key];
      assert.ok(typeof text === 'string' && text.trim() !== '', `${l}.json ${key} is empty`);
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names(text), names(english), `${l}.json ${key} has other placeholders than English`);
    }
  }
});
