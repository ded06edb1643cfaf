// "Keyboard shortcuts": the list, in a modal dialog opened by "?" or the header's Shortcuts button.
import { ModalDialog } from './ModalDialog.tsx';
import { helpOpen, SHORTCUTS } from './shortcuts.ts';

/** "Alt+Shift+A" as keys on a keyboard. */
function Keys({ keys }: { keys: string }) {
  const parts = keys === '?' ? ['?'] : keys.split('+');
  return (
    <span class="keys">
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && <span aria-hidden="true">+</span>}
          <kbd>{part}</kbd>
        </span>
      ))}
    </span>
  );
}

export function ShortcutHelp() {
  if (!helpOpen.value) return null;
  const close = () => (helpOpen.value = false);
  return (
    <ModalDialog title="Keyboard shortcuts" onClose={close} class="shortcuts">
      <table class="shortcuts__table">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(SHORTCUTS).map(([name, s]) => (
            <tr key={name}>
              <td>
                <Keys keys={s.keys} />
              </td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="modal__lead">
        On a Mac, Alt is the Option key. In the Reply box, Enter sends and Shift+Enter starts a new line.
      </p>
      <div class="modal__actions">
        <button type="button" class="primary" autofocus onClick={close}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
