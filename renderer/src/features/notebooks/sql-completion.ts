import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import { keywordCompletionSource, PostgreSQL, schemaCompletionSource, type SQLNamespace } from '@codemirror/lang-sql';

/** DuckDB's completions of the text before the cursor (notebook.complete). */
export type AskDuckDb = (sql: string, cursor: number) => Promise<{ from: number; options: { label: string; type: string }[] }>;

const BOOST: Record<string, number> = { column: 3, table: 2, function: 1, keyword: -1 };

/**
 * Completion from DuckDB itself (it knows what FROM names, every function and the views of this
 * notebook) merged with the schema the editor knows (the engine's views and opened files), so
 * completion still works while the notebook thread starts or if it cannot. Each label once.
 */
export function notebookCompletion(schema: () => SQLNamespace, ask?: AskDuckDb): CompletionSource {
  const keywords = keywordCompletionSource(PostgreSQL, true);
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const word = ctx.matchBefore(/[\w."]*/);
    if (!ctx.explicit && (!word || word.from === word.to)) return null;
    const local = await schemaCompletionSource({ dialect: PostgreSQL, schema: schema() })(ctx);
    let duck: { from: number; options: Completion[] } | undefined;
    if (ask) {
      try {
        const r = await ask(ctx.state.doc.toString(), ctx.pos);
        if (!ctx.aborted)
          duck = {
            from: r.from,
            options: r.options.map((o) => ({ label: o.label, type: o.type === 'column' ? 'property' : o.type, boost: BOOST[o.type] ?? 0 })),
          };
      } catch {
        // The notebook thread is not there (yet): the editor's own schema answers.
      }
    }
    const fallback = duck ? null : await keywords(ctx);
    const from = duck?.from ?? local?.from ?? fallback?.from ?? ctx.pos;
    const seen = new Set<string>();
    const options: Completion[] = [];
    for (const o of [...(duck?.options ?? []), ...(local && local.from === from ? local.options : []), ...(fallback?.options ?? [])]) {
      const key = o.label.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      options.push(o);
    }
    return options.length ? { from, options, validFor: /^[\w"]*$/ } : null;
  };
}
