import type { GisPreview } from '../../shared/rpc';
import type { PlaybackFrameRequest } from '../playback';
import type { GisReadOptions } from './gis-reader';
import type { GisViewSource } from './gis-view';
import type { ExportFormat, QueryProgress, QuerySummary } from './query-runner';
import type { Completion } from './sql-completion';
import type { ExtensionState } from './extensions';
import type { SandboxOptions } from './sandbox';
import type { NotebookSources } from './views';

/** The environment variable that carries NotebookWorkerData (JSON) to the notebook process. */
export const WORKER_DATA_ENV = 'HEXWATCH_NOTEBOOK_WORKER';

/** What the engine hands the notebook process when it starts. */
export interface NotebookWorkerData {
  threads: number;
  memoryLimitMb: number;
  /** Rows of a result kept for the renderer; exports read them all. */
  maxRows: number;
  /** What its DuckDB may read and load (sandbox.ts). */
  sandbox: Omit<SandboxOptions, 'threads' | 'memoryLimitMb'>;
}

/** Requests carry an id; the answer with the same id settles them. */
export type ToNotebookWorker =
  | { t: 'views'; id: number; sources: NotebookSources }
  | { t: 'run'; id: number; queryId: string; sql: string; name?: string }
  | { t: 'page'; id: number; queryId: string; offset: number; limit: number }
  | { t: 'cancel'; id: number; queryId: string }
  | { t: 'drop'; id: number; queryId: string }
  | { t: 'export'; id: number; sql: string; format: ExportFormat; file: string; layer?: string }
  | { t: 'close'; id: number }
  | { t: 'open'; id: number; view: string; sql: string }
  | { t: 'frame'; id: number; frameId: string; request: PlaybackFrameRequest }
  | { t: 'cancelFrame'; id: number; frameId: string }
  | { t: 'range'; id: number }
  | { t: 'complete'; id: number; before: string }
  | { t: 'gis'; id: number; path: string; options: GisReadOptions }
  | { t: 'gisSource'; id: number; path: string; layer?: string };

export interface WorkerFailure {
  message: string;
  at?: { line: number; column: number };
  cancelled?: boolean;
}

export type FromNotebookWorker =
  | { t: 'ready'; extensions: ExtensionState[] }
  | { t: 'progress'; progress: QueryProgress }
  | { t: 'ok'; id: number }
  | { t: 'ran'; id: number; summary: QuerySummary }
  | { t: 'page'; id: number; buffer: ArrayBuffer }
  | { t: 'cancelled'; id: number; cancelled: boolean }
  | { t: 'exported'; id: number; rows: number }
  | { t: 'opened'; id: number; columns: { name: string; type: string }[] }
  | { t: 'frame'; id: number; buffer: ArrayBuffer }
  | { t: 'range'; id: number; range: { from: number; to: number; positions: number } | null }
  | { t: 'completed'; id: number; from: number; options: Completion[] }
  | { t: 'gis'; id: number; preview: GisPreview }
  | { t: 'gisSource'; id: number; source: GisViewSource }
  | { t: 'failed'; id: number; error: WorkerFailure };
