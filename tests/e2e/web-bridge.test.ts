// The web bridge's door, tested from outside against the real engine process: token on HTTP and on the
// WebSocket, Origin check, CSP, and an RPC contract that refuses bad params by field and keeps running.
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRpc, startWebMode, waitFor, type TestRpcClient, type WebMode } from '../helpers';

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(web: WebMode, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: web.host, port: web.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

let web: WebMode;
const wsUrl = (token: string | null) => `ws://${web.host}:${web.port}/rpc${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

beforeAll(async () => {
  web = await startWebMode({ args: ['--simulator.devices', '200'] });
});
afterAll(async () => {
  await web?.stop();
});

describe('HTTP', () => {
  it('binds loopback and prints a URL with a token', () => {
    expect(web.host).toBe('127.0.0.1');
    expect(web.token.length).toBeGreaterThanOrEqual(16);
  });

  it('answers 401 without a token', async () => {
    expect((await get(web, '/')).status).toBe(401);
    expect((await get(web, '/index.html')).status).toBe(401);
  });

  it('answers 401 to a wrong token', async () => {
    expect((await get(web, `/?token=${'x'.repeat(web.token.length)}`)).status).toBe(401);
    expect((await get(web, '/?token=')).status).toBe(401);
  });

  it('serves the workstation with a CSP to the right token', async () => {
    const r = await get(web, `/?token=${encodeURIComponent(web.token)}`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/text\/html/);
    expect(r.body).toMatch(/<html/i);
    const csp = String(r.headers['content-security-policy'] ?? '');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval/);
  });

  it('sets the token as a cookie named for its port: a reload without ?token= is served, and the WebSocket opens with the cookie alone', async () => {
    const first = await get(web, `/?token=${encodeURIComponent(web.token)}`);
    const setCookie = String(first.headers['set-cookie'] ?? '');
    expect(setCookie).toMatch(new RegExp(`^hexwatch_token_${web.port}=[^;]+; HttpOnly; SameSite=Strict; Path=/`));
    const cookie = setCookie.split(';')[0];
    expect((await get(web, '/', { Cookie: cookie })).status).toBe(200);
    // Another engine's cookie (another port) opens nothing here.
    expect((await get(web, '/', { Cookie: `hexwatch_token_${web.port + 1}=${web.token}` })).status).toBe(401);
    const c = await connectRpc(wsUrl(null), { headers: { Cookie: cookie } });
    expect(c.ok).toBe(true);
    if (c.ok) {
      expect((await c.client.call('status.get')).result).toMatchObject({ source: 'simulator' });
      await c.client.close();
    }
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const r = await get(web, `/?token=${encodeURIComponent(web.token)}`, { Host: `evil.example:${web.port}` });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).not.toMatch(/<html/i);
  });
});

describe('WebSocket /rpc', () => {
  it('refuses an upgrade without the token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await connectRpc(wsUrl(token), { origin: web.origin });
      expect(r.ok, `token ${token}`).toBe(false);
      if (!r.ok) expect(r.status).toBe(401);
    }
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const r = await connectRpc(wsUrl(web.token), { origin: 'http://evil.example' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect([401, 403]).toContain(r.status);
  });

  describe('with the right token and our own Origin', () => {
    let client: TestRpcClient;
    beforeAll(async () => {
      const r = await connectRpc(wsUrl(web.token), { origin: web.origin });
      if (!r.ok) throw new Error(`could not connect: ${r.error}\n${web.proc.tail()}`);
      client = r.client;
    });
    afterAll(async () => {
      await client?.close();
    });

    it('answers engine.status', async () => {
      const reply = await client.call('status.get', {});
      expect(reply.error).toBeUndefined();
      expect(reply.result).toMatchObject({ source: 'simulator' });
    });

    it('refuses invalid params naming the field, and keeps running', async () => {
      const reply = await client.call('heatmap.viewport', { bounds: { west: 0, south: 95, east: 1, north: 1 }, zoom: 3 });
      expect(reply.result).toBeUndefined();
      expect(reply.error?.code).toBe('invalid_params');
      expect(reply.error?.issues?.map((i) => i.path)).toContain('bounds.south');
      expect(reply.error?.issues?.find((i) => i.path === 'bounds.south')?.message).toBeTruthy();

      const after = await client.call('status.get', {});
      expect(after.error).toBeUndefined();
      expect(after.result).toMatchObject({ source: 'simulator' });
      expect(web.proc.hasExited()).toBe(false);
    });

    it('answers the exact invalid request of the contract with id 1', async () => {
      client.sendRaw('{"id":1,"method":"heatmap.viewport","params":{"bounds":{"west":0,"south":95,"east":1,"north":1},"zoom":3}}');
      const reply = await new Promise<{ id: number; error?: { code: string; issues?: { path: string }[] } }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply to id 1')), 10_000);
        const onMessage = (data: Buffer, isBinary: boolean) => {
          if (isBinary) return;
          const m = JSON.parse(data.toString());
          if (m.id === 1 && 'error' in m) {
            clearTimeout(timer);
            client.socket.off('message', onMessage);
            resolve(m);
          }
        };
        client.socket.on('message', onMessage);
      });
      expect(reply).toMatchObject({
        id: 1,
        error: { code: 'invalid_params', issues: expect.arrayContaining([expect.objectContaining({ path: 'bounds.south' })]) },
      });
    });

    it('answers unknown_method to an unknown method', async () => {
      const reply = await client.call('engine.selfDestruct', {});
      expect(reply.error?.code).toBe('unknown_method');
    });

    it('cuts off a client that never reads its replies, past a bounded backlog, and serves the others', async () => {
      const greedy = await connectRpc(wsUrl(web.token));
      if (!greedy.ok) throw new Error(greedy.error);
      const raw = (greedy.client.socket as unknown as { _socket: Socket })._socket;
      raw.pause(); // reads nothing more: the engine's replies pile up on its side
      const closed = new Promise<number>((resolve) => greedy.client.socket.once('close', (code) => resolve(code)));
      // config.get answers a few kilobytes: enough of them overflow any bounded backlog.
      for (let i = 0; i < 100_000; i++) greedy.client.sendRaw(JSON.stringify({ id: i, method: 'config.get', params: {} }));
      await waitFor(() => /a client left \d+ bytes unread; cut off/.test(web.proc.stderr()), { timeoutMs: 60_000, what: 'the engine to cut the client off' });
      raw.resume();
      expect(await closed).toBe(1006); // dropped, not closed politely
      const other = await connectRpc(wsUrl(web.token));
      expect(other.ok && (await other.client.call('status.get')).result).toMatchObject({ source: 'simulator' });
      if (other.ok) await other.client.close();
    });

    it('answers a malformed request with an error instead of closing', async () => {
      client.sendRaw('this is not json');
      const after = await client.call('status.get', {});
      expect(after.result).toMatchObject({ source: 'simulator' });
    });
  });
});
