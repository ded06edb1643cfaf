// The open chat: header, live status, transcript, then the composer (or the rating once the chat has ended).
import { useEffect, useRef } from 'preact/hooks';
import { handoffBusy, connection, notice, panelOpen, state } from './conversation.ts';
import { requestHandoff } from './connection.ts';
import { closePanel } from './panel.ts';
import { ChatHeader } from './ChatHeader.tsx';
import { StatusLine } from './StatusLine.tsx';
import { MessageList } from './MessageList.tsx';
import { Composer } from './Composer.tsx';
import { RatingPrompt } from './RatingPrompt.tsx';
import { noticeText, words } from './words.ts';

const FIRST_FOCUS = '.composer textarea, .rating button:not([disabled])';

export function ChatPanel({ title }: { title: string | undefined }) {
  const w = words.value;
  const open = panelOpen.value;
  const current = state.value;
  const closed = current === 'closed';
  const shown = notice.value;
  const panel = useRef<HTMLDivElement>(null);
  const mounted = useRef(false);

  const focusStart = () => {
    const el = panel.current;
    (el?.querySelector<HTMLElement>(FIRST_FOCUS) ?? el)?.focus();
  };
  // The customer opened the panel: focus the Message textbox (a panel reopened at page load takes no focus).
  useEffect(() => {
    if (mounted.current && open) focusStart();
  }, [open]);
  // The composer and the rating swap places when the chat ends or restarts; keep focus inside the panel.
  useEffect(() => {
    const root = panel.current?.getRootNode() as ShadowRoot | undefined;
    if (mounted.current && open && root && (!root.activeElement || root.activeElement === panel.current)) focusStart();
  }, [closed]);
  useEffect(() => {
    mounted.current = true;
  }, []);

  return (
    <div
      ref={panel}
      class="panel"
      role="dialog"
      aria-labelledby="tandem-title"
      tabIndex={-1}
      hidden={!open}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          closePanel();
        }
      }}
    >
      <ChatHeader title={title} />
      <StatusLine />
      <MessageList />
      {shown && (
        <p class="notice" role="alert">
          {noticeText(shown)}
        </p>
      )}
      {closed ? (
        <RatingPrompt />
      ) : (
        <div class="footer">
          {current === 'ai' && (
            <button
              type="button"
              class="handoff"
              disabled={handoffBusy.value || connection.value !== 'online'}
              onClick={() => void requestHandoff()}
            >
              {w.talkToPerson}
            </button>
          )}
          <Composer />
        </div>
      )}
    </div>
  );
}
