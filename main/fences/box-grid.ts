/**
 * The fences whose box holds a point, from a uniform grid over the boxes: a fix costs one cell's list
 * and four comparisons per box in it, not a tree walk and an allocated result. Answers exactly what a
 * box search for the point answers (boxes closed on every side), in ascending box order.
 */
import type { Box } from './geometry';

/** Entries (box × cell) the grid may hold per box before it coarsens its cells. */
const ENTRIES_PER_BOX = 24;
/** A cell some shape leaves open is split into SPLIT × SPLIT sub-cells, each with its own answers. */
const SPLIT = 16;

/** Per sub-cell answers of the shapes a cell leaves open: `answers[sub · count + slot]`, slot from BoxGrid.slots. */
interface SplitCell {
  count: number;
  answers: Uint8Array;
}

export class BoxGrid {
  private readonly boxes: Float64Array;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly invW: number;
  private readonly invH: number;
  /** Cell c's boxes are items[start[c]] … items[start[c + 1] - 1], ascending. */
  private readonly start: Int32Array;
  private readonly items: Int32Array;
  /** Beside each item: 0 test the shape, 1 outside everywhere in the cell, 2 inside everywhere in it. */
  private readonly answers: Uint8Array;
  /** Cells where some shape's answer is open: split at their first fix (made lazily: most are never visited). */
  private readonly open: Uint8Array;
  private readonly splits: (SplitCell | undefined)[];
  /** Beside each item the cell leaves open: its place among the cell's open items (-1: decided). */
  private readonly slots: Int32Array;
  private readonly extent: Box;

  /**
   * `answer`: the shape's one answer over a cell (a closed box), or undefined when it may differ there.
   * `split`: its answers over n × n sub-cells of a cell (1 inside, 0 outside, -1 open), for cells it leaves open.
   */
  constructor(
    boxes: readonly Box[],
    answer: (i: number, cell: Box) => boolean | undefined = () => undefined,
    private readonly split?: (i: number, cell: Box, n: number) => Int8Array,
  ) {
    this.boxes = new Float64Array(boxes.length * 4);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    boxes.forEach((b, i) => {
      this.boxes.set([b.minX, b.minY, b.maxX, b.maxY], 4 * i);
      minX = Math.min(minX, b.minX);
      minY = Math.min(minY, b.minY);
      maxX = Math.max(maxX, b.maxX);
      maxY = Math.max(maxY, b.maxY);
    });
    this.minX = minX;
    this.minY = minY;
    const w = maxX - minX;
    const h = maxY - minY;
    // About one box per cell to start with; coarser while big boxes would fill too many cells.
    let cols = w > 0 && h > 0 ? Math.max(1, Math.min(4096, Math.round(Math.sqrt((boxes.length * w) / h)))) : 1;
    let rows = h > 0 ? Math.max(1, Math.min(4096, Math.round(boxes.length / cols))) : 1;
    if (!(w > 0)) cols = 1;
    for (;;) {
      this.cols = cols;
      this.rows = rows;
      // A flat extent is one column (or row): every x maps to it.
      this.invW = w > 0 ? cols / w : 0;
      this.invH = h > 0 ? rows / h : 0;
      let entries = 0;
      for (let i = 0; i < boxes.length; i++) {
        const [c0, r0, c1, r1] = this.span(i);
        entries += (c1 - c0 + 1) * (r1 - r0 + 1);
      }
      if (entries <= ENTRIES_PER_BOX * boxes.length + 4096 || (cols === 1 && rows === 1)) break;
      cols = Math.max(1, cols >> 1);
      rows = Math.max(1, rows >> 1);
    }
    this.start = new Int32Array(cols * rows + 1);
    for (let i = 0; i < boxes.length; i++) this.eachCell(i, (cell) => this.start[cell + 1]++);
    for (let c = 0; c < cols * rows; c++) this.start[c + 1] += this.start[c];
    this.items = new Int32Array(this.start[cols * rows]);
    const fill = this.start.slice(0, cols * rows);
    // Boxes in ascending order, so each cell's list is ascending too.
    for (let i = 0; i < boxes.length; i++) this.eachCell(i, (cell) => (this.items[fill[cell]++] = i));
    this.answers = new Uint8Array(this.items.length);
    this.open = new Uint8Array(cols * rows);
    this.splits = new Array(cols * rows);
    this.slots = new Int32Array(this.items.length).fill(-1);
    this.extent = { minX, minY, maxX: minX + w, maxY: minY + h };
    for (let cell = 0; cell < cols * rows; cell++) {
      const box = this.cellBox(cell, minX, minY, w, h);
      let open = 0;
      for (let k = this.start[cell]; k < this.start[cell + 1]; k++) {
        const a = answer(this.items[k], box);
        this.answers[k] = a === undefined ? 0 : a ? 2 : 1;
        // A flat extent has no sub-cells worth the name.
        if (a === undefined && split && this.invW > 0 && this.invH > 0) this.slots[k] = open++;
      }
      if (open > 0) this.open[cell] = 1;
    }
  }

  /** The open shapes' answers per sub-cell (only theirs: a decided one keeps the cell's answer everywhere in it). */
  private splitCell(cell: number): SplitCell {
    const e = this.extent;
    const box = this.cellBox(cell, e.minX, e.minY, e.maxX - e.minX, e.maxY - e.minY);
    const from = this.start[cell];
    const end = this.start[cell + 1];
    let count = 0;
    for (let k = from; k < end; k++) if (this.slots[k] >= 0) count++;
    const answers = new Uint8Array(SPLIT * SPLIT * count);
    for (let k = from; k < end; k++) {
      const slot = this.slots[k];
      if (slot < 0) continue;
      const subs = this.split!(this.items[k], box, SPLIT);
      for (let s = 0; s < SPLIT * SPLIT; s++) answers[s * count + slot] = subs[s] === -1 ? 0 : subs[s] === 1 ? 2 : 1;
    }
    const made = { count, answers };
    this.splits[cell] = made;
    return made;
  }

  /** Every point that maps to the cell lies in this box (up to rounding, which answerOver's margin covers). */
  private cellBox(cell: number, minX: number, minY: number, w: number, h: number): Box {
    const c = cell % this.cols;
    const r = Math.floor(cell / this.cols);
    const x0 = this.invW > 0 ? minX + c / this.invW : minX;
    const y0 = this.invH > 0 ? minY + r / this.invH : minY;
    return {
      minX: x0,
      minY: y0,
      maxX: this.invW > 0 ? minX + (c + 1) / this.invW : minX + w,
      maxY: this.invH > 0 ? minY + (r + 1) / this.invH : minY + h,
    };
  }

  /**
   * Pushes onto `out` the boxes holding (x, y), ascending; returns how many. With `answers`, also sets
   * answers[box] to 1 + the cell's answer for it (1 test, 2 outside, 3 inside).
   */
  hits(x: number, y: number, out: number[], answers?: Uint8Array): number {
    const col = this.col(x);
    const row = this.row(y);
    // Outside the grid (or not a number): no box holds the point.
    if (!(col >= 0 && col < this.cols && row >= 0 && row < this.rows)) return 0;
    const cell = row * this.cols + col;
    const b = this.boxes;
    const from = this.start[cell];
    // Where the cell is split, the point's sub-cell's answers for the open items: sub[base + slot].
    let sub: Uint8Array | undefined;
    let base = 0;
    if (answers && this.open[cell] === 1) {
      const split = this.splits[cell] ?? this.splitCell(cell);
      // Where in the cell, in sub-cells: the point lies in that sub-cell's box up to rounding (the answers' margin).
      const sx = Math.min(SPLIT - 1, Math.max(0, Math.floor(((x - this.minX) * this.invW - col) * SPLIT)));
      const sy = Math.min(SPLIT - 1, Math.max(0, Math.floor(((y - this.minY) * this.invH - row) * SPLIT)));
      sub = split.answers;
      base = (sy * SPLIT + sx) * split.count;
    }
    let n = 0;
    for (let k = from, end = this.start[cell + 1]; k < end; k++) {
      const i = this.items[k];
      const o = 4 * i;
      if (x >= b[o] && y >= b[o + 1] && x <= b[o + 2] && y <= b[o + 3]) {
        out.push(i);
        if (answers) {
          const whole = this.answers[k];
          answers[i] = 1 + (whole === 0 && sub ? sub[base + this.slots[k]] : whole);
        }
        n++;
      }
    }
    return n;
  }

  // Monotone in x and y (a subtraction and a product by a positive constant), so a point inside a box
  // falls in a cell of the box's span: the filter in `hits` is then the exact answer.
  private col(x: number): number {
    return Math.min(this.cols - 1, Math.floor((x - this.minX) * this.invW));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.floor((y - this.minY) * this.invH));
  }

  private span(i: number): [number, number, number, number] {
    const b = this.boxes;
    return [this.col(b[4 * i]), this.row(b[4 * i + 1]), this.col(b[4 * i + 2]), this.row(b[4 * i + 3])];
  }

  private eachCell(i: number, visit: (cell: number) => void): void {
    const [c0, r0, c1, r1] = this.span(i);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * this.cols + c);
  }
}
