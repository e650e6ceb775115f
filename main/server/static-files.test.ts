import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererCsp, serveFile } from './static-files';

// A renderer folder with a file, a sub-folder, a link that stays inside and links that lead out.
let base: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'hexwatch-static-'));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<html>hexwatch</html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'not for the browser');
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside.js'));
  symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt'));
  symlinkSync(base, join(root, 'up'));
  server = createServer((req, res) => {
    if (!serveFile(root, new URL(req.url ?? '/', 'http://x').pathname, res, {})) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

const status = async (path: string) => (await fetch(`${origin}${path}`)).status;

describe('serveFile', () => {
  it('serves the folder’s files, and a link that stays inside it', async () => {
    expect(await (await fetch(`${origin}/`)).text()).toBe('<html>hexwatch</html>');
    expect(await status('/assets/app.js')).toBe(200);
    expect(await status('/inside.js')).toBe(200);
  });

  it('never serves through a symlink that leaves the folder, nor a path that climbs out', async () => {
    expect(await status('/leak.txt')).toBe(404);
    expect(await status('/up/secret.txt')).toBe(404);
    expect(await status('/..%2fsecret.txt')).toBe(404);
    expect(await status('/%2e%2e/secret.txt')).toBe(404);
  });
});

describe('rendererCsp', () => {
  const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

  it('lets the page reach only its own origin and the sockets it is given, unless online basemaps are on', () => {
    const offline = rendererCsp(['ws://127.0.0.1:9']);
    expect(directive(offline, 'connect-src')).toBe("connect-src 'self' ws://127.0.0.1:9");
    expect(directive(offline, 'img-src')).toBe("img-src 'self' data: blob:");
    const online = rendererCsp(['ws://127.0.0.1:9'], true);
    expect(directive(online, 'connect-src')).toBe("connect-src 'self' ws://127.0.0.1:9 https:");
    expect(directive(online, 'img-src')).toBe("img-src 'self' data: blob: https:");
    expect(directive(online, 'script-src')).toBe("script-src 'self'");
  });
});
