import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import type { Tile38Settings } from './tile38-adapter';

/** The adapter's settings from the `tile38` section; undefined (the embedded engine) when no host is set. */
export function tile38Settings(c: Config['tile38'], env: Readonly<Record<string, string | undefined>>): Tile38Settings | undefined {
  if (!c.host) return undefined;
  let password = env.HEXWATCH_TILE38_PASSWORD;
  if (c.passwordFile) {
    try {
      password = readFileSync(c.passwordFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`cannot read the tile38.passwordFile ${c.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return { host: c.host, port: c.port, ...(password ? { password } : {}), tls: c.tls, key: c.key, expireS: c.expireS, mode: 'channel', prefix: c.prefix };
}
