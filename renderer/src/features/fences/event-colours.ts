/** A colour per event type, the same in the feed, the backtest and on the map. */
export const EVENT_COLOURS: Record<string, [number, number, number]> = {
  enter: [46, 204, 113],
  exit: [231, 76, 60],
  inside: [52, 152, 219],
  outside: [149, 165, 166],
  cross: [241, 196, 15],
  dwell: [155, 89, 182],
};
