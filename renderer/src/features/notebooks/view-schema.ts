/** The notebook views and their columns (main/notebooks/views.ts), for completion. */
export const VIEW_COLUMNS: Record<string, string[]> = {
  positions: ['device_id', 'ts', 'lat', 'lon', 'h3', 'speed', 'heading', 'accuracy', 'kind', 'props', 'seq'],
  fence_events: ['id', 'event_type', 'fence_id', 'device_id', 'ts', 'lat', 'lon', 'group', 'source'],
  quarantine: ['seq', 'stream', 'subject', 'reason', 'detail', 'received', 'bytes', 'raw'],
  fences: ['id', 'name', 'geometry', 'radius_m', 'detect', 'dwell_s', 'targets', 'enabled', 'version', 'updated_at'],
  market: ['ts', 'cell', 'resolution', 'kind', 'supply', 'demand', 'surge', 'ratio'],
};
