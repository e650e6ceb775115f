import { Markdown } from '../../ui';

/** A Markdown cell as notes read: its headings sit below the panel's (# is an h3). */
export function MarkdownView({ source }: { source: string }) {
  return <Markdown source={source} headingOffset={2} />;
}
