/**
 * `hexwatch` on the command line:
 *   hexwatch serve     run the engine headless and serve the workstation to a browser on loopback
 *   hexwatch simulate  print the simulator's fixes as NDJSON (one Position per line)
 *   hexwatch sql       run SQL over the history, fence events, quarantine and fences (the notebooks' views)
 *   hexwatch fences import FILE   fences from a GIS file, into a data dir whose engine is stopped
 * Settings: defaults → <data dir>/settings.json → HEXWATCH_* → --section.key value (see README).
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, readsNats, type Config } from './config';
import { FENCES_BUCKET, fenceRegistryKind } from './fences';
import { redactUrl } from './nats';
import { fenceImportCommand, notebookRoots, sqlCommand, type SqlFormat } from './notebooks';
import { objectStorageOf } from './s3';
import { fleetReaderOf } from './shared-archive';
import { sessionSecrets } from './connections';
import { startEngineHost } from './engine-host';
import { startWebBridge } from './server';
import { Simulator, publishSimulation } from './simulator';

const HELP = `hexwatch — live geofence workstation

usage:
  hexwatch serve [--port N] [--data-dir DIR] [--section.key value ...]
  hexwatch simulate [--count N] [--nats URL [--demand]] [--section.key value ...]
  hexwatch sql [--data-dir DIR] "SQL" [--format table|csv|json|parquet|geojson|geoparquet|gpkg|shp|fgb] [--out FILE]
  hexwatch fences import FILE... [--data-dir DIR] [--layer L] [--name-column C] [--crs EPSG:CODE]

serve      runs the engine and serves the workstation at a loopback URL carrying a random token
simulate   writes simulated fixes as NDJSON to stdout, or publishes them to JetStream with --nats URL
           (--count N stops after N fixes; --rate N per second; --devices N walkers); with --demand, also
           ride requests around drifting hotspots into the DEMAND stream (--simulator.demandPerSec N)
sql        runs SQL over the views positions, fence_events, quarantine, fences and market, with the H3 functions
           h3_cell(lat, lon, res), h3_parent, h3_resolution, h3_string, h3_lat, h3_lon, h3_boundary, and
           spatial's ST_ functions over the views' geom columns; GIS files (geoparquet, gpkg, shp as a zip,
           fgb) need --out FILE
fences import  saves the polygons of a GeoPackage, Shapefile (.shp or .zip), KML/KMZ, FlatGeobuf, GeoJSON
           or GeoParquet as fences, reprojected to WGS84 from the file's CRS (--crs when it says none), named
           by --name-column (default: a column called name or title); prints what it saved and each feature
           refused with its reason; exits 1 when nothing was saved. Stop the engine first.

Settings are layered: defaults, <data dir>/settings.json, HEXWATCH_* variables, then flags.`;

function staticDir(): string {
  // Built: out/main/cli.js → out/renderer. From source (tsx): main/cli.ts → out/renderer.
  for (const rel of ['../renderer/', '../out/renderer/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir.replace(/\/$/, '');
  }
  throw new Error('the renderer is not built: run `npm run build` first');
}

async function serve(argv: string[]): Promise<void> {
  // A password typed into the Connections screen serves this run; the note says how to keep one.
  const note =
    'web mode keeps a secret for this run only: to keep it, set HEXWATCH_NATS_PASSWORD (HEXWATCH_NATS_TOKEN, HEXWATCH_TILE38_PASSWORD, HEXWATCH_S3_SECRET_ACCESS_KEY) or a password file';
  const engine = await startEngineHost({ argv, connectionSecrets: sessionSecrets(note) });
  const bridge = await startWebBridge({
    engine,
    host: engine.config.server.host,
    port: engine.config.server.port,
    staticDir: staticDir(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const s = engine.status();
  process.stdout.write(`hexwatch: source ${s.source}${s.sourceDetail ? ` (${s.sourceDetail})` : ''}, data ${engine.dataDir}\n`);
  process.stdout.write(`hexwatch: serving ${bridge.url}\n`);
  const shutdown = async () => {
    await bridge.close();
    await engine.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function simulate(argv: string[]): Promise<void> {
  let count = Infinity;
  let demand = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--demand') demand = true;
    else if (argv[i] === '--count') count = Number(argv[++i]);
    else if (argv[i].startsWith('--count=')) count = Number(argv[i].slice(8));
    else rest.push(argv[i]);
  }
  if (!(count > 0)) throw new ConfigError('invalid settings:\n  --count: expected a positive number');
  const { config } = loadConfig({ argv: rest });
  if (config.nats.servers.length > 0) return publish(config, count, demand);
  if (demand) throw new ConfigError('invalid settings:\n  --demand: requests go to the DEMAND stream; say where with --nats URL');
  const sim = new Simulator(config.simulator);
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((config.simulator.ratePerSec * tickMs) / 1000));
  let written = 0;
  let due = Date.now();
  while (written < count) {
    const batch = sim.take(Math.min(perTick, count - written), Date.now());
    written += batch.length;
    // Backpressure: a slow reader slows the simulator instead of filling memory.
    if (!process.stdout.write(batch.map((p) => JSON.stringify(p)).join('\n') + '\n')) await once(process.stdout, 'drain');
    due += tickMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stderr.write(`hexwatch: wrote ${written} fixes from ${sim.devices} walkers\n`);
}

/** `simulate --nats URL`: the walkers into JetStream, until --count or Ctrl-C, then a summary. */
async function publish(config: Config, count: number, demand: boolean): Promise<void> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const where = config.nats.servers.map(redactUrl).join(', ');
  process.stderr.write(
    `hexwatch: publishing ${config.simulator.devices} walkers to pos.<walker id> (pos.${config.simulator.fleet}-0 …) on ${where} at ${config.simulator.ratePerSec}/s` +
      (demand ? `, and ${config.simulator.demandPerSec} requests/s to demand.${config.simulator.fleet}` : '') +
      '\n',
  );
  const s = await publishSimulation({
    config,
    env: process.env,
    count,
    demand,
    signal: abort.signal,
    onProgress: (p) => process.stderr.write(`hexwatch: ${p.acked} acknowledged, ${p.failed} failed\n`),
  });
  process.stdout.write(
    `hexwatch: published ${s.published}${s.requests ? ` fixes and ${s.requests} requests` : ''}, acknowledged ${s.acked}, failed ${s.failed} in ${s.seconds.toFixed(1)} s (${s.perSecond}/s)${s.lastError ? `; last error: ${s.lastError}` : ''}\n`,
  );
  if (s.failed > 0) process.exitCode = 1;
}

async function sql(argv: string[]): Promise<void> {
  let query: string | undefined;
  let format: SqlFormat = 'table';
  let out: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--format') format = argv[++i] as SqlFormat;
    else if (a === '--out') out = argv[++i];
    else if (a.startsWith('--')) rest.push(a, ...(a.includes('=') ? [] : [argv[++i]!]));
    else query = a;
  }
  if (!query) throw new ConfigError('invalid settings:\n  sql: say what to run, e.g. hexwatch sql "SELECT count(*) FROM positions"');
  if (!['table', 'csv', 'json', 'parquet', 'geojson', 'geoparquet', 'gpkg', 'shp', 'fgb'].includes(format))
    throw new ConfigError('invalid settings:\n  --format: table, csv, json, parquet, geojson, geoparquet, gpkg, shp or fgb');
  const { dataDir, config } = loadConfig({ argv: rest });
  const storage = objectStorageOf(config, process.env);
  const fleet = fleetReaderOf(config, { dataDir, access: storage.access });
  const rows = await sqlCommand({
    dataDir,
    roots: notebookRoots(config.notebooks, dataDir),
    buckets: storage.buckets,
    s3: storage.access,
    ...(fleet ? { fleet } : {}),
    archiveRoots: config.archive.sharedDir ? [config.archive.sharedDir] : [],
    extensionsOnline: config.notebooks.extensionsOnline,
    sql: query,
    format,
    out,
    write: (text) => process.stdout.write(text),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
  if (out) process.stderr.write(`hexwatch: wrote ${rows} rows to ${out}\n`);
}

async function fences(argv: string[]): Promise<void> {
  const [sub, ...args] = argv;
  if (sub !== 'import') throw new ConfigError('invalid settings:\n  fences: the one subcommand is import, e.g. hexwatch fences import zones.gpkg');
  const files: string[] = [];
  const rest: string[] = [];
  let layer: string | undefined;
  let nameColumn: string | undefined;
  let crs: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--layer') layer = args[++i];
    else if (a === '--name-column') nameColumn = args[++i];
    else if (a === '--crs') crs = args[++i];
    else if (a.startsWith('--')) rest.push(a, ...(a.includes('=') ? [] : [args[++i]!]));
    else files.push(a);
  }
  if (!files.length) throw new ConfigError('invalid settings:\n  fences import: name the file, e.g. hexwatch fences import zones.gpkg');
  if (crs !== undefined && !/^[A-Za-z]+:[A-Za-z0-9]+$/.test(crs)) throw new ConfigError('invalid settings:\n  --crs: an authority and code, e.g. EPSG:27700');
  const { dataDir, config } = loadConfig({ argv: rest });
  // It writes fences.sqlite, which in a fleet is a cache the next start replaces with the fleet's registry.
  if (fenceRegistryKind(config, readsNats(config)) === 'nats')
    throw new ConfigError(
      `invalid settings:\n  fences.registry: the fleet's fences live in NATS (${FENCES_BUCKET}), which this command does not write: import from an engine's Fences panel`,
    );
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const r = await fenceImportCommand({ dataDir, files, layer, nameColumn, crs, extensionsOnline: config.notebooks.extensionsOnline, write });
  for (const f of r.saved) write(`imported ${f.id}: ${f.name}`);
  for (const f of r.refused) write(`refused feature ${f.index + 1} (${f.name}): ${f.reason}`);
  write(`hexwatch: ${r.saved.length} imported, ${r.refused.length} refused`);
  if (!r.saved.length) process.exitCode = 1;
}

async function main(): Promise<void> {
  const [command, ...argv] = process.argv.slice(2);
  // `hexwatch simulate --help` is help, not a setting named help without its value.
  const help = argv.includes('--help') || argv.includes('-h');
  try {
    if (help) process.stdout.write(`${HELP}\n`);
    else if (command === 'serve') await serve(argv);
    else if (command === 'simulate') await simulate(argv);
    else if (command === 'sql') await sql(argv);
    else if (command === 'fences') await fences(argv);
    else if (command === '--version' || command === '-v') process.stdout.write('0.1.0\n');
    else {
      process.stdout.write(`${HELP}\n`);
      if (command !== undefined && command !== '--help' && command !== '-h') process.exitCode = 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hexwatch: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`hexwatch: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
