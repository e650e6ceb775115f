import {
  DuckDBDoubleType,
  DuckDBIntegerType,
  DuckDBScalarFunction,
  DuckDBUBigIntType,
  DuckDBVarCharType,
  type DuckDBConnection,
  type DuckDBDoubleVector,
  type DuckDBIntegerVector,
  type DuckDBUBigIntVector,
  type DuckDBVarCharVector,
} from '@duckdb/node-api';
import { cellToBoundary, cellToLatLng, isValidCell, latLngToCell } from 'h3-js';

/**
 * H3 over the archive's UBIGINT cells, for notebooks and `hexwatch sql` (the h3 extension would be
 * fetched from the internet; these are not). What is bit arithmetic on the index is a SQL macro
 * (resolution in bits 52–55, a digit of 3 bits per resolution below it, 7 for "unused"); what needs the
 * sphere is a scalar function over h3-js.
 */
export const H3_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO h3_resolution(cell) AS CAST((CAST(cell AS UBIGINT) >> 52) & 15 AS INTEGER)`,
  `CREATE OR REPLACE MACRO h3_parent(cell, res) AS
     CASE WHEN res < 0 OR res > h3_resolution(cell) THEN NULL
     -- Cast back: DuckDB widens the bit arithmetic to HUGEINT, and a cell is a UBIGINT wherever it goes.
     ELSE CAST((CAST(cell AS UBIGINT) & ~(CAST(15 AS UBIGINT) << 52)) | (CAST(res AS UBIGINT) << 52) | ((CAST(1 AS UBIGINT) << (3 * (15 - res))) - 1) AS UBIGINT) END`,
  `CREATE OR REPLACE MACRO h3_string(cell) AS lower(to_hex(CAST(cell AS UBIGINT)))`,
];

const toBig = (hex: string) => BigInt(`0x${hex}`);
const toHex = (cell: bigint) => cell.toString(16);

/**
 * Registers the macros and `h3_cell(lat, lon, res)`, `h3_lat(cell)`, `h3_lon(cell)`, `h3_boundary(cell)` (the
 * hexagon as GeoJSON Polygon text in lon/lat; NULL for what is no cell) on a connection.
 */
export async function registerH3(c: DuckDBConnection): Promise<void> {
  for (const sql of H3_MACROS) await c.run(sql);
  c.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'h3_cell',
      returnType: DuckDBUBigIntType.instance,
      parameterTypes: [DuckDBDoubleType.instance, DuckDBDoubleType.instance, DuckDBIntegerType.instance],
      mainFunction: (_info, input, output) => {
        const lat = input.getColumnVector(0) as DuckDBDoubleVector;
        const lon = input.getColumnVector(1) as DuckDBDoubleVector;
        const res = input.getColumnVector(2) as DuckDBIntegerVector;
        const out = output as DuckDBUBigIntVector;
        for (let i = 0; i < input.rowCount; i++) {
          const [y, x, r] = [lat.getItem(i), lon.getItem(i), res.getItem(i)];
          out.setItem(i, y === null || x === null || r === null || r < 0 || r > 15 || !Number.isFinite(y + x) ? null : toBig(latLngToCell(y, x, r)));
        }
        out.flush();
      },
    }),
  );
  for (const [name, index] of [
    ['h3_lat', 0],
    ['h3_lon', 1],
  ] as const) {
    c.registerScalarFunction(
      DuckDBScalarFunction.create({
        name,
        returnType: DuckDBDoubleType.instance,
        parameterTypes: [DuckDBUBigIntType.instance],
        mainFunction: (_info, input, output) => {
          const cells = input.getColumnVector(0) as DuckDBUBigIntVector;
          const out = output as DuckDBDoubleVector;
          for (let i = 0; i < input.rowCount; i++) {
            const cell = cells.getItem(i);
            // A number that is no cell is NULL, not an error that stops the query.
            const hex = cell === null ? '' : toHex(cell);
            out.setItem(i, cell === null || !isValidCell(hex) ? null : cellToLatLng(hex)[index]);
          }
          out.flush();
        },
      }),
    );
  }
  c.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'h3_boundary',
      returnType: DuckDBVarCharType.instance,
      parameterTypes: [DuckDBUBigIntType.instance],
      mainFunction: (_info, input, output) => {
        const cells = input.getColumnVector(0) as DuckDBUBigIntVector;
        const out = output as DuckDBVarCharVector;
        for (let i = 0; i < input.rowCount; i++) {
          const cell = cells.getItem(i);
          const hex = cell === null ? '' : toHex(cell);
          out.setItem(i, cell === null || !isValidCell(hex) ? null : JSON.stringify({ type: 'Polygon', coordinates: [cellToBoundary(hex, true)] }));
        }
        out.flush();
      },
    }),
  );
}
