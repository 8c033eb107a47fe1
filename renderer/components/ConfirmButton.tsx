/**
 * A destructive action that asks once more in place: the first click shows what will happen and a
 * second button that does it; Escape or "Cancel" steps back. No modal, so the rest stays usable.
 *
 * The keyboard is kept on the safe side: the question opens with Cancel focused (two presses of Enter
 * must not delete), stepping back returns the focus to the button that asked, and if the action
 * removes the button itself (the row is deleted) the focus goes to the nearest heading still there.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ancestorsOf, rescueFocus } from './rescue-focus.js';

export function ConfirmButton({ label, confirmLabel, question, onConfirm, disabled }: { label: string; confirmLabel: string; question: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const group = useRef<HTMLSpanElement>(null);
  /** Set when the person stepped back or confirmed: the focus belongs on the trigger again. */
  const refocus = useRef(false);
  /** Set once confirmed: the action may take the trigger away, or disable it while it runs. */
  const confirmed = useRef(false);

  useEffect(() => {
    if (asking || disabled === true || !refocus.current) return;
    refocus.current = false;
    trigger.current?.focus();
  }, [asking, disabled]);

  useLayoutEffect(() => {
    // Runs while the button is still in the page, just before its row or card is removed.
    return () => {
      const node = trigger.current ?? group.current;
      if (node === null) return;
      const holdsFocus = node.contains(document.activeElement) || confirmed.current;
      if (!holdsFocus) return;
      const ancestors = ancestorsOf(node);
      queueMicrotask(() => rescueFocus(ancestors));
    };
  }, []);

  const stepBack = () => {
    refocus.current = true;
    setAsking(false);
  };

  if (!asking) {
    return (
      <button ref={trigger} type="button" className="danger-quiet" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span ref={group} className="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === 'Escape' && stepBack()}>
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          confirmed.current = true;
          stepBack();
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" autoFocus onClick={stepBack}>
        Cancel
      </button>
    </span>
  );
}
