import { expect, it } from 'vitest';
import { splitStatements } from './sql-statements';

it('splits at the semicolons that end statements, not those in strings, identifiers, dollar quotes or comments', () => {
  const sql = `SET threads = 2;
-- a comment; with a semicolon
CREATE TEMP TABLE "odd;name" AS SELECT 'it''s; here' AS s, $$dollar; quoted$$ AS d;
/* block; comment */
SELECT * FROM "odd;name";;
`;
  expect(splitStatements(sql)).toEqual([
    'SET threads = 2',
    `-- a comment; with a semicolon\nCREATE TEMP TABLE "odd;name" AS SELECT 'it''s; here' AS s, $$dollar; quoted$$ AS d`,
    '/* block; comment */\nSELECT * FROM "odd;name"',
  ]);
  expect(splitStatements('SELECT 1')).toEqual(['SELECT 1']);
  expect(splitStatements('SELECT 1; -- the end\n')).toEqual(['SELECT 1']);
});
