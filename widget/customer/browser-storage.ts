// What survives a reload: the conversation's token and the visitor id (localStorage), the messages not yet
// acknowledged, and whether the panel was open in this tab (sessionStorage). The loader reads the first and
// the last to resume a conversation at once.
export const TOKEN_KEY = 'tandem:token';
export const VISITOR_KEY = 'tandem:visitor';
export const PENDING_KEY = 'tandem:pending';
export const OPEN_KEY = 'tandem:open';

type Kind = 'local' | 'session';
const storage = (kind: Kind): Storage => (kind === 'local' ? localStorage : sessionStorage);

// Storage can throw (blocked cookies, sandboxed frames); the widget then simply forgets across reloads.
export function read(kind: Kind, key: string): string | null {
  try {
    return storage(kind).getItem(key);
  } catch {
    return null;
  }
}

export function write(kind: Kind, key: string, value: string | null): void {
  try {
    if (value === null) storage(kind).removeItem(key);
    else storage(kind).setItem(key, value);
  } catch {
    /* not persisted */
  }
}
