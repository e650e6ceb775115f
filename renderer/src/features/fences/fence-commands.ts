import type { Command } from '../../app/commands';
import { createStore } from '../../app/store';
import { getUi, setUi } from '../../app/ui-store';
import { EMPTY_DRAFT, getDraft, setDraft } from './fence-draft';
import { exportEventFile, exportFenceFile } from './fence-files';
import { exportFences } from './fence-import';
import { cancelGisImport, getGisImport, importGisFences, pickFenceFiles } from './gis-import';
import { EXPORT_FORMATS, GIS_FORMATS } from '../../../../shared/export-formats';

const DRAW_MODES = ['polygon', 'rectangle', 'circle', 'freehand'] as const;

/** The drawing's undo and redo, published by FenceDrawing while it is on the map. */
export const drawingHistory = createStore<{ step(step: 'undo' | 'redo'): void } | null>(null);
/** Submits the fence form, published by FenceForm while it is shown. */
export const fenceFormSubmit = createStore<(() => void) | null>(null);

/** A fence is being drawn or edited: Escape, undo and redo are the drawing's (otherwise Escape is the heatmap's). */
const editing = () => getDraft() !== null || getUi().drawing !== null;
const DRAWING = 'a fence is drawn or edited';

/** The fences' commands: import and export, a drawing tool each, and while a fence is drawn, undo, redo, cancel and save. */
export function fencesCommands(): Command[] {
  return [
    {
      id: 'fences.import',
      title: 'Import file… (fences from GeoJSON, GeoPackage, Shapefile, KML/KMZ, FlatGeobuf, GeoParquet)',
      group: 'Fences',
      shortcut: 'Shift+I',
      run: ({ client }) => {
        setUi({ panel: 'fences' });
        pickFenceFiles(client);
      },
    },
    {
      id: 'fences.importPreviewed',
      title: 'Import the previewed fences',
      group: 'Fences',
      when: 'a file is previewed for import',
      enabled: () => (getGisImport()?.fences.length ?? 0) > 0,
      run: ({ client }) => void importGisFences(client),
    },
    {
      id: 'fences.cancelImport',
      title: 'Cancel the import preview',
      group: 'Fences',
      when: 'a file is previewed for import',
      enabled: () => getGisImport() !== null,
      run: cancelGisImport,
    },
    { id: 'fences.export', title: 'Export fences as GeoJSON', group: 'Fences', run: ({ client }) => void exportFences(client) },
    {
      id: 'fences.exportSelected',
      title: 'Export selected fence as GeoJSON',
      group: 'Fences',
      enabled: () => getUi().selection?.kind === 'fence',
      when: 'a fence is selected',
      run: ({ client }) => {
        const s = getUi().selection;
        if (s?.kind === 'fence') void exportFences(client, [s.id]);
      },
    },
    ...GIS_FORMATS.flatMap((format): Command[] => [
      {
        id: `fences.export.${format}`,
        title: `Export fences as ${EXPORT_FORMATS[format].label}`,
        group: 'Fences',
        run: ({ client }) => void exportFenceFile(client, format).catch(() => undefined),
      },
      {
        id: `fences.exportSelected.${format}`,
        title: `Export selected fence as ${EXPORT_FORMATS[format].label}`,
        group: 'Fences',
        enabled: () => getUi().selection?.kind === 'fence',
        when: 'a fence is selected',
        run: ({ client }) => {
          const s = getUi().selection;
          if (s?.kind === 'fence') void exportFenceFile(client, format, [s.id]).catch(() => undefined);
        },
      },
      {
        id: `fences.exportEvents.${format}`,
        title: `Export fence events as ${EXPORT_FORMATS[format].label}`,
        group: 'Fences',
        run: ({ client }) => void exportEventFile(client, format, { fence: '', type: '', device: '' }).catch(() => undefined),
      },
    ]),
    ...DRAW_MODES.map((mode, i): Command => ({
      id: `fences.draw.${mode}`,
      title: mode === 'freehand' ? 'Draw freehand (a lasso)' : `Draw ${mode}`,
      group: 'Fences',
      shortcut: ['p', 'r', 'o', 'l'][i],
      run: () => {
        setUi({ panel: 'fences', drawing: mode, selection: null });
        if (!getDraft()) setDraft({ ...EMPTY_DRAFT });
      },
    })),
    {
      id: 'fences.undo',
      title: 'Undo the last drawing step',
      group: 'Fences',
      when: DRAWING,
      shortcut: 'Mod+Z',
      enabled: editing,
      run: () => drawingHistory.get()?.step('undo'),
    },
    {
      id: 'fences.redo',
      title: 'Redo the drawing step undone',
      group: 'Fences',
      when: DRAWING,
      shortcut: 'Mod+Shift+Z',
      enabled: editing,
      run: () => drawingHistory.get()?.step('redo'),
    },
    {
      id: 'fences.cancel',
      title: 'Cancel the fence being drawn',
      group: 'Fences',
      when: DRAWING,
      shortcut: 'Escape',
      enabled: editing,
      run: () => {
        setDraft(null);
        setUi({ drawing: null });
      },
    },
    {
      id: 'fences.save',
      title: 'Save fence',
      group: 'Fences',
      when: 'the fence form is open',
      shortcut: 'Mod+S',
      enabled: () => fenceFormSubmit.get() !== null,
      run: () => fenceFormSubmit.get()?.(),
    },
  ];
}
