// How the desk shows the conversations held: one at a time in tabs, or side by side in columns. The agent
// chooses; the choice is remembered in this browser.
import { signal } from '@preact/signals';

export type DeskLayout = 'tabs' | 'side';

const LAYOUT_KEY = 'tandem:layout';

function stored(): DeskLayout {
  try {
    return localStorage.getItem(LAYOUT_KEY) === 'side' ? 'side' : 'tabs';
  } catch {
    return 'tabs';
  }
}

export const layout = signal<DeskLayout>(stored());

export function setLayout(next: DeskLayout): void {
  layout.value = next;
  try {
    localStorage.setItem(LAYOUT_KEY, next);
  } catch {
    /* this tab only */
  }
}
