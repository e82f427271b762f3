// Builds the web app into static/ (what the server serves):
//   static/index.html            the shell, its CSS inlined, naming this build's entry
//   static/assets/NAME-HASH.*    the app and its lazy chunks (the player, hls.js): immutable
//   static/sw.js                 the service worker, listing this build's shell files
//   static/manifest.webmanifest, icons
// and next to each text file its .gz and .br, which the server sends as they are.
// `node web/build.mjs` (from anywhere); PLENARY_STATIC_OUT picks another directory.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const web = dirname(fileURLToPath(import.meta.url));
const out = process.env.PLENARY_STATIC_OUT ?? join(web, '..', 'static');
const assets = join(out, 'assets');
const kept = new Set(['openapi.json']); // committed files of static/ the build leaves alone

for (const name of await readdir(out).catch(() => [])) {
  if (!kept.has(name)) await rm(join(out, name), { recursive: true, force: true });
}
await mkdir(assets, { recursive: true });

const app = await build({
  entryPoints: { app: join(web, 'src', 'main.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020', 'chrome80', 'safari14', 'firefox80'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  write: true,
  logLevel: 'warning',
});

const outputs = Object.entries(app.metafile.outputs).map(([file, info]) => ({ file, ...info }));
const entry = outputs.find((o) => o.entryPoint?.endsWith('main.ts') && o.file.endsWith('.js'));
const css = outputs.find((o) => o.file.endsWith('.css'));
const url = (file) => '/' + relative(out, file).split('\\').join('/');

// The shell: what the first page needs, the entry and the chunks it imports
// statically. The player's chunk and hls.js are kept when first used.
const byFile = new Map(outputs.map((o) => [o.file, o]));
const shell = new Set();
const walk = (file) => {
  if (shell.has(file)) return;
  shell.add(file);
  for (const imported of byFile.get(file)?.imports ?? []) if (imported.kind === 'import-statement') walk(imported.path);
};
walk(entry.file);

const style = css ? await readFile(css.file, 'utf8') : '';
if (css) await rm(css.file); // inlined: one round trip less on a weak link
const template = await readFile(join(web, 'index.html'), 'utf8');
// The chunks the entry imports are named up front, so the browser fetches
// them beside the entry instead of after it (one round trip less).
const preload = [...shell]
  .filter((file) => file !== entry.file)
  .map((file) => `<link rel="modulepreload" href="${url(file)}">`)
  .join('\n');
await writeFile(
  join(out, 'index.html'),
  template.replace('%STYLE%', () => style).replace('%SCRIPT%', url(entry.file)).replace('%PRELOAD%', preload),
);

for (const name of await readdir(join(web, 'public'))) await copyFile(join(web, 'public', name), join(out, name));

const shellUrls = ['/index.html', '/manifest.webmanifest', '/icon.svg', ...[...shell].map(url)];
const version = createHash('sha256');
for (const u of shellUrls) version.update(u).update(await readFile(join(out, u)));
await build({
  entryPoints: [join(web, 'src', 'sw.ts')],
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  outfile: join(out, 'sw.js'),
  define: {
    PLENARY_VERSION: JSON.stringify(version.digest('hex').slice(0, 16)),
    PLENARY_SHELL: JSON.stringify(shellUrls),
  },
  logLevel: 'warning',
});

// Precompressed siblings for every text file (the server picks br or gzip).
const textual = /\.(html|js|css|json|webmanifest|svg|txt)$/;
const sizes = [];
async function compress(dir) {
  for (const name of await readdir(dir)) {
    const file = join(dir, name);
    if ((await stat(file)).isDirectory()) {
      await compress(file);
      continue;
    }
    if (!textual.test(name)) continue;
    const data = await readFile(file);
    const gz = gzipSync(data, { level: 9 });
    const br = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    await writeFile(file + '.gz', gz);
    await writeFile(file + '.br', br);
    sizes.push([relative(out, file), data.length, gz.length, br.length]);
  }
}
await compress(out);

const shellSet = new Set(shellUrls.map((u) => u.slice(1)));
let first = 0;
for (const [name, , gz] of sizes) if (shellSet.has(name)) first += gz;
console.log(`web app built into ${out}: shell ${(first / 1024).toFixed(1)} KiB gzip (${shellUrls.length} files)`);
for (const [name, raw, gz, br] of sizes.sort((a, b) => b[2] - a[2]).slice(0, 8)) {
  console.log(`  ${name.padEnd(40)} ${String(raw).padStart(8)} B  gzip ${String(gz).padStart(7)}  br ${String(br).padStart(7)}`);
}
