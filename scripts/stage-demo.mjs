#!/usr/bin/env node
// Lays out the files the demo page needs in one directory, for the reference server's
// --static (which serves a single directory and refuses symlinks that leave it):
//
//   <out>/index.html                  → a redirect to /web/demo/
//   <out>/web/demo/…                  the page, its script and style, the sample files
//   <out>/web/src/…                   the library, the worker, the element
//   <out>/build/wasm/preflight.{js,wasm}   the engine
//   <out>/web/demo/demo-config.json   only with --token: {"apiBase", "token"} for the page
//
// The repository's own layout is kept, so every relative URL (worker → ../../build/wasm)
// works unchanged. Nothing else of the repository (the database under data/, sources,
// tests) is reachable through the server.
//
//   node scripts/stage-demo.mjs --out build/demo-site [--token T] [--api-base URL]
//
// Also importable: stageDemo({outDir, token?, apiBase?}).
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {{outDir: string, token?: string|null, apiBase?: string|null, account?: string|null}} options
 * @returns {string} the directory
 */
export function stageDemo({ outDir, token = null, apiBase = null, account = null }) {
  const out = resolve(outDir);
  for (const file of ['build/wasm/preflight.js', 'build/wasm/preflight.wasm']) {
    if (!existsSync(join(repoRoot, file))) throw new Error(`stage-demo: ${file} is missing (run scripts/build.sh wasm)`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const copy = (from, to = from, filter = () => true) => cpSync(join(repoRoot, from), join(out, to), {
    recursive: true,
    filter: (src) => filter(src),
  });
  copy('web/demo', 'web/demo', (src) => !src.endsWith('demo-config.json'));
  copy('web/src', 'web/src', (src) => !/\.d\.ts$/.test(src));
  mkdirSync(join(out, 'build/wasm'), { recursive: true });
  copy('build/wasm/preflight.js');
  copy('build/wasm/preflight.wasm');
  writeFileSync(join(out, 'index.html'), [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>preflight demo</title>',
    '<meta http-equiv="refresh" content="0; url=/web/demo/"></head>',
    '<body><p><a href="/web/demo/">Open the preflight demo</a></p></body></html>',
    '',
  ].join('\n'));
  if (token) {
    const config = { token, ...(apiBase ? { apiBase } : {}), ...(account ? { account } : {}) };
    writeFileSync(join(out, 'web/demo/demo-config.json'), `${JSON.stringify(config)}\n`);
  }
  return out;
}

/** Writes (or removes, with token null) the page's config in an already staged directory. */
export function writeDemoConfig(outDir, { token, apiBase = null, account = null }) {
  const path = join(resolve(outDir), 'web/demo/demo-config.json');
  if (!token) {
    rmSync(path, { force: true });
    return;
  }
  writeFileSync(path, `${JSON.stringify({ token, ...(apiBase ? { apiBase } : {}), ...(account ? { account } : {}) })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const value = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : null;
  };
  const outDir = value('--out') ?? join(repoRoot, 'build/demo-site');
  try {
    const out = stageDemo({ outDir, token: value('--token'), apiBase: value('--api-base'), account: value('--account') });
    console.log(`stage-demo: ${out}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
