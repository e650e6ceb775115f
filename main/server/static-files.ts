import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.pbf': 'application/x-protobuf',
  '.map': 'application/json',
};

/**
 * The renderer's Content-Security-Policy, for both shells: nothing remote, no eval; `connect` names
 * where the page may open connections besides its own origin (web mode's WebSocket). `onlineBasemaps`
 * (the `map.onlineBasemaps` setting, off by default) lets the map fetch a style and its tiles over HTTPS.
 */
export function rendererCsp(connect: readonly string[] = [], onlineBasemaps = false): string {
  const online = onlineBasemaps ? ['https:'] : [];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${["'self'", 'data:', 'blob:', ...online].join(' ')}`,
    "worker-src 'self' blob:",
    `connect-src ${["'self'", ...connect, ...online].join(' ')}`,
    "font-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface StaticFile {
  path: string;
  size: number;
  type: string;
}

/**
 * The file `urlPath` names under `root`, for both shells (web mode's HTTP, the desktop's app://), or
 * undefined: not found, not a file, or anywhere outside root, by `..` or through a symlink.
 */
export function resolveStaticFile(root: string, urlPath: string): StaticFile | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  const inside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  const named = normalize(join(root, rel === '/' ? 'index.html' : rel));
  if (!inside(named, root)) return undefined;
  try {
    // Resolved, links and all: a symlink in the folder must not lead out of it.
    const path = realpathSync(named);
    if (!inside(path, realpathSync(root))) return undefined;
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    return { path, size: st.size, type: MIME[extname(path).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

/** Serves one file from `root` over HTTP (web mode). Returns false when there is none to serve. */
export function serveFile(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): boolean {
  const file = resolveStaticFile(root, urlPath);
  if (!file) return false;
  res.writeHead(200, {
    ...headers,
    'Content-Type': file.type,
    'Content-Length': String(file.size),
    'Cache-Control': file.type.startsWith('text/html') ? 'no-store' : 'private, max-age=3600',
  });
  createReadStream(file.path).pipe(res);
  return true;
}
