import { useRef, useState } from 'react';

/**
 * A live list that holds still while the analyst reads it: under the pointer (or with focus inside) it
 * keeps showing what it showed, and `NewRows` says how much has come meanwhile, to be shown at a click.
 */
export function useHoverHold(): {
  holding: boolean;
  bind: {
    ref: React.RefObject<HTMLDivElement | null>;
    tabIndex: number;
    onPointerEnter(): void;
    onPointerMove(): void;
    onPointerLeave(): void;
    onFocus(): void;
    onBlur(e: React.FocusEvent): void;
  };
} {
  const [pointer, setPointer] = useState(false);
  const [focus, setFocus] = useState(false);
  const holder = useRef<HTMLDivElement>(null);
  return {
    holding: pointer || focus,
    bind: {
      ref: holder,
      // Focusable itself: a "show" that goes away with its rows leaves the focus here, not lost.
      tabIndex: -1,
      onPointerEnter: () => setPointer(true),
      // A list that moved under a still pointer (a form above it closed) got no enter: the first move counts as one.
      onPointerMove: () => setPointer(true),
      // A focused row that scrolled out of the page left without a blur: the focus is looked at again.
      onPointerLeave: () => {
        setPointer(false);
        setFocus(Boolean(holder.current?.contains(document.activeElement)));
      },
      onFocus: () => setFocus(true),
      onBlur: (e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocus(false);
      },
    },
  };
}

/** `value` while not holding; while holding, the value from when the hold began, or from when `generation` last changed (a "show"). */
export function useHeld<T>(value: T, holding: boolean, generation: string | number = 0): T {
  const shown = useRef({ value, generation });
  if (!holding || shown.current.generation !== generation) shown.current = { value, generation };
  return shown.current.value;
}

/** "N new — show": over the list (it moves nothing), while it holds and something new has come. */
export function NewRows({ count, onShow }: { count: number; onShow(): void }) {
  if (count <= 0) return null;
  return (
    <button
      className="new-rows"
      // A click leaves the focus where it was: the list follows the pointer again once it leaves.
      onMouseDown={(e) => e.preventDefault()}
      onClick={(e) => {
        // From the keyboard, the focus stays in the list it shows (this button goes once they are shown).
        if (document.activeElement === e.currentTarget) e.currentTarget.closest<HTMLElement>('[tabindex="-1"]')?.focus();
        onShow();
      }}
    >
      {count.toLocaleString()} new — show
    </button>
  );
}
