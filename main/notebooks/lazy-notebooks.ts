import { availableParallelism, homedir } from 'node:os';
import { RpcError } from '../../shared/rpc';
import type { Config } from '../config';
import type { S3Access } from '../s3';
import { NotebookService, type NotebookSettings } from './notebook-service';
import type { SnapshotInputs } from './snapshot';

/** The `notebooks` section, with how `s3://` is reached and every bucket SQL may read (the archive's too). */
export type NotebookSection = Config['notebooks'] & { s3?: S3Access; archiveRoots?: string[]; fleet?: SnapshotInputs['fleet'] };

/** The `notebooks` section as the notebook process takes it: 0 threads is half the cores (ingest keeps the rest), no roots is the data dir and home. */
export function notebookSettingsOf(settings: NotebookSection, dataDir: string): NotebookSettings {
  return {
    ...settings,
    threads: settings.threads || Math.max(1, Math.floor(availableParallelism() / 2)),
    snapshotMaxAgeMs: settings.snapshotMaxAgeS * 1000,
    roots: notebookRoots(settings, dataDir),
  };
}

/** The folders notebooks read: notebooks.roots, or when none are set the data dir and the user's home. */
export function notebookRoots(settings: Config['notebooks'], dataDir: string): string[] {
  return settings.roots.length ? settings.roots : [dataDir, homedir()];
}

/**
 * The notebook process, started when a notebook first runs a query (a DuckDB and a process the engine
 * needs only then); a start that failed is tried again by the next query.
 */
export class LazyNotebooks {
  private starting?: Promise<NotebookService>;
  /** The service once started (a client that goes drops its queries there). */
  running?: NotebookService;

  constructor(
    private readonly dataDir: string,
    private readonly settings: NotebookSection,
    private readonly inputs: () => SnapshotInputs,
    /** The engine's log: the notebook process's own output goes there. */
    private readonly log?: (line: string) => void,
  ) {}

  /** The running service, started now if it is not (bound: the handlers take it as is). */
  readonly need = (): Promise<NotebookService> =>
    (this.starting ??= NotebookService.start(this.dataDir, notebookSettingsOf(this.settings, this.dataDir), this.inputs, this.log).then(
      (service) => (this.running = service),
      (err: Error) => {
        this.starting = undefined;
        throw new RpcError({ code: 'unavailable', message: `notebooks cannot start: ${err.message}` });
      },
    ));

  /** Closes the process if it started (waiting for a start under way). */
  async close(): Promise<void> {
    await (await this.starting?.catch(() => undefined))?.close();
  }
}
