import { useState } from 'react';

/** Puts text on the clipboard (a plain http page without the Clipboard API copies through a selection). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  const area = Object.assign(document.createElement('textarea'), { value: text });
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** A small button that copies a value (an id, a payload) and says it did. */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy-button"
      aria-label={`Copy ${what}`}
      title={copied ? 'Copied' : `Copy ${what}: ${value}`}
      onClick={(e) => {
        e.stopPropagation();
        void copyText(value).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? (
        '✓'
      ) : (
        <svg width="11" height="11" viewBox="0 0 11 11" aria-hidden="true">
          <rect x="3.5" y="0.5" width="7" height="7" rx="1" fill="none" stroke="currentColor" />
          <path d="M7.5 8.5v1a1 1 0 0 1-1 1h-5a1 1 0 0 1-1-1v-5a1 1 0 0 1 1-1h1" fill="none" stroke="currentColor" />
        </svg>
      )}
    </button>
  );
}
