import { describe, expect, it } from 'vitest';
import { PositionBatch } from '../history';
import { PositionSinks } from './position-sinks';

describe('the fan-out of accepted positions', () => {
  it('hands each batch, with its mark, to every sink in the order they were added', () => {
    const sinks = new PositionSinks();
    const seen: string[] = [];
    sinks.add((rows, mark) => seen.push(`heatmap ${rows.length} ${mark?.seq ?? '-'}`));
    sinks.add((rows, mark) => seen.push(`fences ${rows.length} ${mark?.seq ?? '-'}`));
    const rows = new PositionBatch(2);
    rows.add(7, 'd1', 1000, 40.75, -73.98, 1, 2);
    const { accept } = sinks;
    accept(rows, { stream: 'POSITIONS', seq: 7 });
    accept(new PositionBatch(0));
    expect(seen).toEqual(['heatmap 1 7', 'fences 1 7', 'heatmap 0 -', 'fences 0 -']);
  });

  it('still hands the batch to the sinks after one that throws, then throws its error', () => {
    const sinks = new PositionSinks();
    const seen: string[] = [];
    sinks.add(() => seen.push('heatmap'));
    sinks.add(() => {
      throw new Error('fences refused');
    });
    sinks.add(() => seen.push('market'));
    expect(() => sinks.accept(new PositionBatch(0))).toThrow('fences refused');
    expect(seen).toEqual(['heatmap', 'market']);
  });
});
