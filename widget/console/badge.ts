// The count in the browser tab: customer messages not read yet plus, while online, the chats in the queue this
// agent may take, in the title ("(3) Tandem console") and drawn on the favicon, so an agent on another tab sees
// work waiting.
import { computed, effect } from '@preact/signals';
import { conversations, page, presence, token } from './console-state.ts';
import { takeable } from './session-hooks.ts';

const TITLES = { chats: 'Tandem console', quality: 'Quality · Tandem console', admin: 'Admin · Tandem console' } as const;

export const waitingCount = computed(() => {
  if (!token.value) return 0;
  const unread = conversations.value.reduce((sum, c) => sum + c.unread, 0);
  return unread + (presence.value?.status === 'online' ? takeable.value.length : 0);
});

const ACCENT = '#1d4ed8';
const ALERT = '#c81e1e';

/** The icon: a speech bubble in the console's blue, with a red disc and the count when there is any. */
function drawIcon(count: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const g = canvas.getContext('2d');
  if (!g) return '';
  g.fillStyle = ACCENT;
  g.beginPath();
  if (typeof g.roundRect === 'function') g.roundRect(4, 6, 50, 40, 10);
  else g.rect(4, 6, 50, 40);
  g.moveTo(14, 44);
  g.lineTo(12, 58);
  g.lineTo(28, 44);
  g.fill();
  g.fillStyle = '#fff';
  g.font = 'bold 30px system-ui, sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('T', 29, 27);
  if (count > 0) {
    const text = count > 9 ? '9+' : String(count);
    g.fillStyle = ALERT;
    g.beginPath();
    g.arc(46, 20, 18, 0, Math.PI * 2);
    g.fill();
    g.strokeStyle = '#fff';
    g.lineWidth = 3;
    g.stroke();
    g.fillStyle = '#fff';
    g.font = `bold ${text.length > 1 ? 20 : 26}px system-ui, sans-serif`;
    g.fillText(text, 46, 21);
  }
  return canvas.toDataURL('image/png');
}

function iconLink(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  return link;
}

/** Keeps the tab's title and icon in step with the count (call once). */
export function showBadge(): void {
  let drawn = -1;
  effect(() => {
    const count = waitingCount.value;
    const title = TITLES[page.value];
    document.title = count > 0 ? `(${count}) ${title}` : title;
    if (count === drawn) return;
    drawn = count;
    const icon = drawIcon(count);
    if (!icon) return;
    const link = iconLink();
    link.type = 'image/png';
    link.href = icon;
    link.dataset.count = String(count);
  });
}
