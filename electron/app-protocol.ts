import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { rendererCsp, resolveStaticFile } from '../main';

/** Must run before the app is ready: app:// behaves like a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false } }]);
}

/** Serves the built renderer from app://hexwatch/, by the same rules and CSP as web mode (main/server). */
export function serveRenderer(root: string, onlineBasemaps: boolean): void {
  const csp = rendererCsp([], onlineBasemaps);
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'hexwatch' ? resolveStaticFile(root, url.pathname) : undefined;
    if (!file) return new Response('not found', { status: 404 });
    return new Response(await readFile(file.path), {
      headers: { 'Content-Type': file.type, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
    });
  });
}
