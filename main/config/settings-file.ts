import { renameSync, writeFileSync } from 'node:fs';
import { ConfigSchema } from './schema';
import { ConfigError, describeIssues, isTree, leafPaths, readSettingsFile, setPath, type Tree } from './load';

/** Settings that name a secret's value: they belong in the keychain, a file or the environment, never here. */
const SECRET_KEYS = /(^|\.)(password|token|secret|seed)$/i;

/**
 * Saves dotted settings into `settings.json` (a value of undefined removes the key), keeping every other
 * setting in the file as it was. The whole file is checked first, with the refusals loadConfig would
 * give; it is written under a temporary name and renamed, so a crash leaves the old file or the new one.
 */
export function saveSettings(settingsPath: string, patch: Readonly<Record<string, unknown>>): void {
  const tree = readSettingsFile(settingsPath);
  for (const [key, value] of Object.entries(patch)) {
    if (SECRET_KEYS.test(key)) throw new ConfigError(`invalid settings:\n  ${key}: secrets are not saved in ${settingsPath}`);
    if (value === undefined) removePath(tree, key);
    else setPath(tree, key, value);
  }
  const checked = ConfigSchema.safeParse(tree);
  if (!checked.success) {
    const leaves = leafPaths(ConfigSchema.parse({}) as unknown as Tree);
    const from = new Map(Object.keys(patch).map((k) => [k, 'the Connections screen']));
    throw new ConfigError(`invalid settings:\n${describeIssues(checked.error, from, settingsPath, leaves).join('\n')}`);
  }
  const tmp = `${settingsPath}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(tree, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, settingsPath);
}

function removePath(tree: Tree, path: string): void {
  const keys = path.split('.');
  let t: unknown = tree;
  for (const k of keys.slice(0, -1)) t = isTree(t) ? t[k] : undefined;
  if (isTree(t)) delete t[keys[keys.length - 1]!];
}
