// Serves the built renderer on app://helloscope/ (a standard, secure scheme) so 'self' in the
// CSP means exactly the app's own files. Paths are resolved inside the renderer folder only.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { APP_CSP } from '../../core/app-csp.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
};

export async function serveAppFile(rendererDir: string, url: string): Promise<Response> {
  const u = new URL(url);
  if (u.host !== 'helloscope') return new Response('not found', { status: 404 });
  const rel = normalize(decodeURIComponent(u.pathname === '/' ? '/index.html' : u.pathname)).replace(/^[/\\]+/, '');
  const file = join(rendererDir, rel);
  if (!file.startsWith(rendererDir + sep)) return new Response('forbidden', { status: 403 });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff' } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
