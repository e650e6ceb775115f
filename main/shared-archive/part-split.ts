import { sqlString, withScratchDuckDB } from '../archive';
import { partitionOf } from '../../shared/partition';

/**
 * One local positions part split by partition: a file per partition its devices fall in, under `scratch`,
 * rows in the part's own order. Returns each partition's file.
 */
export async function splitByPartition(part: string, partitions: number, scratch: string, name: string): Promise<Map<number, string>> {
  return withScratchDuckDB(async (c) => {
    const src = `read_parquet(${sqlString(part)}, hive_partitioning = false)`;
    const devices = (await c.runAndReadAll(`SELECT DISTINCT device_id FROM ${src}`)).getRows().map((r) => String(r[0]));
    const files = new Map<number, string>();
    if (devices.length === 0) return files;
    const rows = devices.map((d) => `(${sqlString(d)}, ${partitionOf(d, partitions)})`).join(', ');
    await c.run(`CREATE TABLE device_partition AS SELECT * FROM (VALUES ${rows}) t(device_id, p)`);
    for (const p of [...new Set(devices.map((d) => partitionOf(d, partitions)))].sort((a, b) => a - b)) {
      const file = `${scratch}/${p}-${name}`;
      await c.run(
        `COPY (SELECT * FROM ${src} WHERE device_id IN (SELECT device_id FROM device_partition WHERE p = ${p}) ORDER BY device_id, ts, seq) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      files.set(p, file);
    }
    return files;
  });
}

/**
 * Several parts of one hour and partition → one, each stream sequence once (a position two engines
 * committed — the one that died before its ack, and the next owner — is the same message): rows without
 * a sequence (0, the simulator's) are all kept. Returns the rows read and written.
 */
export async function compactParts(inputs: readonly string[], out: string): Promise<{ read: number; written: number }> {
  return withScratchDuckDB(async (c) => {
    const src = `read_parquet([${inputs.map(sqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`;
    const read = Number((await c.runAndReadAll(`SELECT count(*) FROM ${src}`)).getRows()[0]![0]);
    const written = await c.run(
      `COPY (SELECT * FROM ${src} QUALIFY seq = 0 OR row_number() OVER (PARTITION BY seq ORDER BY ts, device_id) = 1 ORDER BY device_id, ts, seq) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    return { read, written: Number(written.rowsChanged) };
  });
}
