import { useId, useRef, type ReactNode } from 'react';

/**
 * Tabs as assistive technology expects them: a tablist of tabs, ←/→/Home/End move between them, the
 * chosen tab's panel labelled by it. Only the chosen panel is rendered.
 */
export function Tabs<T extends string>(props: { label: string; tabs: readonly T[]; value: T; onChange(tab: T): void; children: ReactNode }) {
  const id = useId();
  const list = useRef<HTMLDivElement>(null);
  const { tabs, value, onChange } = props;
  const move = (to: number) => {
    const tab = tabs[(to + tabs.length) % tabs.length]!;
    onChange(tab);
    requestAnimationFrame(() => list.current?.querySelector<HTMLButtonElement>(`[data-tab="${tab}"]`)?.focus());
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label={props.label} ref={list}>
        {tabs.map((tab, i) => (
          <button
            key={tab}
            role="tab"
            data-tab={tab}
            id={`${id}-${i}`}
            aria-selected={tab === value}
            aria-controls={`${id}-panel`}
            tabIndex={tab === value ? 0 : -1}
            onClick={() => onChange(tab)}
            onKeyDown={(e) => {
              const at = tabs.indexOf(value);
              const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
              if (to === undefined) return;
              e.preventDefault();
              move(to);
            }}
          >
            {tab}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${tabs.indexOf(value)}`}>
        {props.children}
      </div>
    </>
  );
}
