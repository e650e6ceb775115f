// The README's first command on a machine where npm left the optional `electron` package out (its
// binary cannot be downloaded): `npm start` says so in one line, starts web mode, and its URL serves
// the workstation. Run from a copy of the checkout whose node_modules has everything but electron.
import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { assertBuilt, engineEnv, makeTempDir, repoRoot, startProcess, waitFor, WaitAborted } from '../helpers';

it('npm start without the electron package falls back to web mode, and its URL answers 200 with the token', async () => {
  assertBuilt();
  const tree = await makeTempDir('hexwatch-no-electron-');
  try {
    for (const entry of ['package.json', 'bin', 'scripts', 'out']) await cp(join(repoRoot, entry), join(tree.path, entry), { recursive: true });
    await mkdir(join(tree.path, 'node_modules'));
    for (const name of await readdir(join(repoRoot, 'node_modules'))) {
      if (name !== 'electron') await symlink(join(repoRoot, 'node_modules', name), join(tree.path, 'node_modules', name));
    }
    const data = await makeTempDir('hexwatch-start-data-');
    // Its own process group: npm does not pass SIGTERM on to the script, so the group is stopped whole.
    const proc = startProcess('npm start', 'npm', ['start', '--', '--port', '0', '--data-dir', data.path], {
      cwd: tree.path,
      env: engineEnv(),
      detached: true,
    });
    try {
      const line = await waitFor(
        () => {
          const serving = proc.stdout().match(/hexwatch: serving (\S+)/);
          if (serving) return serving[1];
          if (proc.hasExited()) throw new WaitAborted('npm start exited');
          return null;
        },
        { timeoutMs: 60_000, what: 'the serving line', detail: () => proc.tail() },
      );
      expect(proc.stdout()).toMatch(/the Electron binary is not installed here .* starting web mode instead/);
      expect(proc.stdout() + proc.stderr()).not.toMatch(/Cannot find module|at .*\.m?js:\d+/);
      const url = new URL(line);
      expect((await fetch(url)).status).toBe(200);
      url.searchParams.delete('token');
      expect((await fetch(url)).status).toBe(401);
    } finally {
      if (!proc.hasExited()) process.kill(-proc.pid!, 'SIGTERM');
      await proc.exited;
      await data.remove();
    }
  } finally {
    await tree.remove();
  }
});
