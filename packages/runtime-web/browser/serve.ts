import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer as createViteServer } from 'vite';

const PAGE = fileURLToPath(new URL('./page/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

// Copying ORT's 28 MB .wasm always trips rolldown's slow-plugin report; it is noise here.
const quiet = { checks: { bundlerTimings: false } };

/** Builds the harness page as a production app would be: Vite with its default settings. */
export async function buildPage(outDir: string): Promise<void> {
  await build({
    root: PAGE,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 4096, rolldownOptions: quiet },
    worker: { rolldownOptions: quiet },
  });
}

/** Serves the harness page from Vite's dev server, as the editor runs during development. */
export async function serveDev(): Promise<StaticServer> {
  const server = await createViteServer({
    root: PAGE,
    configFile: false,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite dev server did not report its address');
  return { url, close: () => server.close() };
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a built app on 127.0.0.1 (a secure context, which WebGPU requires). `isolated` adds the
 * COOP/COEP headers that make the page cross-origin isolated, which wasm threads need.
 */
export async function serveStatic(root: string, options: { isolated?: boolean } = {}): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': String(s.size),
      };
      // Hashed assets never change: lets Chromium keep ORT's compiled wasm between workers, as
      // it would for a deployed app.
      if (path.startsWith('/assets/')) headers['cache-control'] = 'public, max-age=31536000, immutable';
      if (options.isolated) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      res.writeHead(200, headers);
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
