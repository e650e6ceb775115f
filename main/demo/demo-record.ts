import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The demo a data dir holds, kept beside its files so a restart neither writes it again nor forgets it. */
export const DEMO_FILE = 'demo.json';

const DemoRecordSchema = z.object({
  about: z.string().optional(),
  /** The stretch of history the demo covers (epoch ms): every unsequenced position before `to` is the demo's. */
  from: z.number(),
  to: z.number(),
  /** The demo fences as made: removed with the demo only while still at this version (nobody edited them). */
  fences: z.array(z.object({ id: z.string(), version: z.number() })),
  /** writing: not finished (a restart writes it again); ready; clearing: its removal began (a restart finishes it). */
  state: z.enum(['writing', 'ready', 'clearing']),
});
export type DemoRecord = z.infer<typeof DemoRecordSchema>;

/** The data dir's demo, if it has one; a file that is not one is said and ignored (never a reason not to start). */
export function readDemoRecord(dataDir: string, log: (line: string) => void): DemoRecord | undefined {
  const file = join(dataDir, DEMO_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return DemoRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    log(`demo: ${file} is not readable (${(err as Error).message.split('\n')[0]}): the demo it described is left as it is`);
    return undefined;
  }
}

/** Written whole or not at all (a temporary file renamed over it). */
export function writeDemoRecord(dataDir: string, record: DemoRecord): void {
  const file = join(dataDir, DEMO_FILE);
  const about = 'The demo history hexwatch wrote on the first start of this data dir: Clear demo data removes it (and this file).';
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ about, ...record }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removeDemoRecord(dataDir: string): void {
  rmSync(join(dataDir, DEMO_FILE), { force: true });
}
