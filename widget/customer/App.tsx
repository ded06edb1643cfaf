// The whole widget: the launcher while the panel is closed, the chat panel while it is open.
import { useEffect, useRef } from 'preact/hooks';
import { panelOpen } from './conversation.ts';
import { Launcher } from './Launcher.tsx';
import { ChatPanel } from './ChatPanel.tsx';

export function App({ title }: { title: string }) {
  const open = panelOpen.value;
  const launcher = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    // Focus goes back to the launcher when the panel closes (not at page load).
    if (wasOpen.current && !open) launcher.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      <Launcher buttonRef={launcher} />
      <ChatPanel title={title} />
    </>
  );
}
