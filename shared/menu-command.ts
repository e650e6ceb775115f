// Apart from bridge.ts, which the sandboxed preload bundles: a sandboxed preload can require nothing but
// electron, so the schema (and zod) must stay out of it.
import { z } from 'zod';

/** A command as a menu item: the palette's own fields, and whether it applies now. Checked by the shell, since it comes from the page. */
export const MenuCommandSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().min(1).max(200),
  group: z.string().min(1).max(50),
  shortcut: z.string().max(40).optional(),
  enabled: z.boolean(),
});
export const MenuCommandsSchema = z.array(MenuCommandSchema).max(500);
export type MenuCommand = z.infer<typeof MenuCommandSchema>;
