// A modal dialog on the native <dialog>: showModal() makes the rest of the page inert (focus stays inside),
// Escape closes it, and focus goes back to where it was when the dialog opened.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function ModalDialog({
  title,
  onClose,
  children,
  class: className,
}: {
  /** the dialog's name, shown as its heading */
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useRef(`dialog-${Math.random().toString(36).slice(2, 10)}`).current;
  // Read while rendering, before the page changes under the dialog (its opener may hide behind it).
  const openedFrom = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = openedFrom.current;
    if (!dialog.open) dialog.showModal();
    // The first field, not the close control: what the agent came to fill in.
    dialog.querySelector<HTMLElement>('[autofocus], select, input, textarea')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // After the re-render that closed it (the opener may be shown again, or replaced by a copy with its id).
      setTimeout(() => {
        const back = opener?.isConnected ? opener : opener?.id ? document.getElementById(opener.id) : null;
        back?.focus();
      }, 0);
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={className ? `modal ${className}` : 'modal'}
      aria-labelledby={headingId}
      onCancel={(e) => {
        // Escape: the parent decides (it unmounts the dialog), so state and screen never disagree.
        e.preventDefault();
        onClose();
      }}
    >
      <h2 class="modal__title" id={headingId}>
        {title}
      </h2>
      {children}
    </dialog>
  );
}
