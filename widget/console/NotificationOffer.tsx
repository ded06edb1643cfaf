// The offer of desktop notifications, at the top of the queue: asked with a button, never on load, and gone
// once the agent answered (or said "Not now").
import { askPermission, notLater, notNow, permission } from './notifications.ts';

export function NotificationOffer() {
  if (permission.value !== 'default' || notLater.value) return null;
  return (
    <section class="offer" aria-labelledby="offer-title">
      <h3 class="offer__title" id="offer-title">
        Desktop notifications
      </h3>
      <p class="offer__text">Get one when a chat is assigned to you, even when this tab is in the background.</p>
      <div class="offer__actions">
        <button type="button" class="primary primary--small" onClick={() => void askPermission()}>
          Turn on notifications
        </button>
        <button type="button" class="link" onClick={notNow}>
          Not now
        </button>
      </div>
    </section>
  );
}
