import { autocompletion, closeBrackets } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { notebookCompletion, type AskDuckDb } from './sql-completion';
import { VIEW_COLUMNS } from './view-schema';

/** DuckDB's functions the completion offers beside the keywords (the H3 ones are ours). */
const FUNCTIONS = [
  'h3_cell',
  'h3_parent',
  'h3_resolution',
  'h3_string',
  'h3_lat',
  'h3_lon',
  'h3_boundary',
  'geodesic_circle',
  'ST_Within',
  'ST_Intersects',
  'ST_Contains',
  'ST_Distance_Sphere',
  'ST_Area_Spheroid',
  'ST_AsText',
  'ST_GeomFromText',
  'ST_Point',
  'ST_Transform',
  'ST_Buffer',
  'ST_Union_Agg',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'date_trunc',
  'epoch_ms',
  'arg_max',
  'arg_min',
  'list',
  'quantile_cont',
  'approx_count_distinct',
];

export interface SqlEditorProps {
  value: string;
  onChange(value: string): void;
  /** Ctrl/⌘+Enter. */
  onRun(): void;
  /** Where DuckDB said the error is: underlined, its message on hover. */
  error?: { message: string; at?: { line: number; column: number } };
  /** Views opened from files, with their columns, completed beside the engine's. */
  views?: Record<string, string[]>;
  /** DuckDB's completion at the cursor; without it, the schema above and SQL keywords. */
  complete?: AskDuckDb;
}

/** What an empty cell shows until something is typed: an example that runs as it is, and how to run it. */
const PLACEHOLDER = 'SELECT count(*) FROM positions   — type a query; Ctrl/⌘+Enter runs it';

const schemaOf = (views: Record<string, string[]> = {}) => ({ ...VIEW_COLUMNS, ...views, ...Object.fromEntries(FUNCTIONS.map((f) => [f, []])) });

/** The SQL of a cell in CodeMirror: highlighting, completion of the views, their columns and functions, DuckDB's error underlined where it points. */
export function SqlEditor({ value, onChange, onRun, error, views, complete }: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onRun, views, complete });
  handlers.current = { onChange, onRun, views, complete };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          // Ctrl/⌘+Enter runs this editor's cell, and goes no further: the workbench's "Run cell" would run it again.
          Prec.highest(
            EditorView.domEventHandlers({
              keydown: (e) => {
                if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return false;
                e.preventDefault();
                e.stopPropagation();
                handlers.current.onRun();
                return true;
              },
            }),
          ),
          lineNumbers(),
          history(),
          closeBrackets(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          sql({ dialect: PostgreSQL, upperCaseKeywords: true }),
          autocompletion({
            override: [
              notebookCompletion(
                () => schemaOf(handlers.current.views),
                (text, cursor) => handlers.current.complete?.(text, cursor) ?? Promise.reject(),
              ),
            ],
          }),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          placeholder(PLACEHOLDER),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'SQL', 'aria-placeholder': PLACEHOLDER }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) handlers.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  // A new text from outside (a notebook opened) replaces the editor's.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const at = error?.at;
    if (!error || !at || at.line > doc.lines) return void v.dispatch(setDiagnostics(v.state, []));
    const line = doc.line(at.line);
    const from = Math.min(line.to, line.from + at.column - 1);
    // The token DuckDB points at: up to the next space or the line's end.
    const rest = /^\S+/.exec(doc.sliceString(from, line.to))?.[0].length ?? 0;
    v.dispatch(setDiagnostics(v.state, [{ from, to: Math.max(from + 1, from + rest), severity: 'error', message: error.message }]));
  }, [error]);

  return <div className="sql-editor" ref={host} />;
}
