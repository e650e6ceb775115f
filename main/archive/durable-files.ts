import { open, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

// Files of the archive as a crash must find them: whole under their final name, or not there.

/** The file's bytes reach the disk before its name does, and the name before the transaction that lists it. */
export async function durableRename(from: string, to: string): Promise<void> {
  const fh = await open(from, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(from, to);
  try {
    const dir = await open(dirname(to), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic
  }
}

export async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // not empty (other parts, or files hexwatch did not write), or already gone
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
