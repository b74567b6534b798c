// Build hocso present's front end into the hocso Voila template's static folder:
//   hocso-widgets.js, hocso-widgets.css and hocso-widgets.LICENSES.txt (every bundled package).
// `npm ci && npm run build` here; tests/present/test_frontend_bundle.py checks the committed files
// against these sources. The first line of the script names the hash of its sources.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = process.argv[2] || join(HERE, '..', 'hocso', 'present', 'share', 'voila', 'templates', 'hocso', 'static');
const SOURCES = ['build.mjs', 'package.json', 'package-lock.json', ...readdirSync(join(HERE, 'src')).sort().map((name) => `src/${name}`)];

function sourcesHash() {
  const hash = createHash('sha256');
  for (const name of SOURCES) hash.update(`${name}\n`).update(readFileSync(join(HERE, name)));
  return hash.digest('hex');
}

function licenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.startsWith('node_modules/')) continue; // our sources, or a module the browser build disables
    const match = input.match(/^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//); // the innermost package
    if (match) packages.set(match[2], join(HERE, match[1], match[2]));
  }
  const sections = [...packages].sort().map(([name, folder]) => {
    const meta = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const file = readdirSync(folder).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
    const text = file ? readFileSync(join(folder, file), 'utf8').trim() : `License: ${meta.license}`;
    return `${name} ${meta.version} (${meta.license})\n\n${text}\n`;
  });
  return `Packages bundled in hocso-widgets.js and hocso-widgets.css, with their licenses.\n\n${sections.join('\n---\n\n')}`;
}

const result = await esbuild.build({
  entryPoints: { 'hocso-widgets': join(HERE, 'src', 'index.js') },
  absWorkingDir: HERE,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none', // every package's license is in hocso-widgets.LICENSES.txt instead
  loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl' },
  banner: { js: `/* hocso present front end; sources sha256 ${sourcesHash()}; licenses in hocso-widgets.LICENSES.txt */`, css: '/* hocso present front end: see hocso-widgets.LICENSES.txt */' },
  outdir: OUT,
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(join(OUT, 'hocso-widgets.LICENSES.txt'), licenses(result.metafile));
for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) console.log(`${file} ${bytes} bytes`);
