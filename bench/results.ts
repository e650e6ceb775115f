/** Where every benchmark leaves its figures: bench/results/<scenario>.json, read by the README and by people. */
import { mkdirSync, writeFileSync } from 'node:fs';

export function writeResult(scenario: string, result: unknown): string {
  mkdirSync('bench/results', { recursive: true });
  const path = `bench/results/${scenario}.json`;
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Runs a benchmark's main, its failure a message and exit code 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
