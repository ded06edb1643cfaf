// After the chat ends: 1–5 stars, an optional comment, "Send rating"; then thanks, and a way to start again.
import { useEffect, useRef, useState } from 'preact/hooks';
import { notice, rated } from './conversation.ts';
import { sendRating, startNewConversation } from './connection.ts';
import { words } from './words.ts';

export function RatingPrompt() {
  const w = words.value;
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const thanks = useRef<HTMLParagraphElement>(null);
  const justRated = useRef(false);
  const done = rated.value;

  useEffect(() => {
    if (done && justRated.current) thanks.current?.focus();
  }, [done]);

  const submit = async () => {
    setBusy(true);
    justRated.current = true;
    const error = await sendRating(score, comment);
    justRated.current = !error;
    notice.value = error;
    setBusy(false);
  };

  return (
    <div class="rating">
      {done ? (
        <p class="rating__thanks" tabIndex={-1} ref={thanks}>
          {w.thanks}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (score && !busy) void submit();
          }}
        >
          <p class="rating__question" id="tandem-rate">
            {w.rateQuestion}
          </p>
          <div class="stars" role="group" aria-labelledby="tandem-rate">
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                type="button"
                class={n <= score ? 'star star--on' : 'star'}
                aria-label={w.stars(n)}
                aria-pressed={score === n}
                onClick={() => setScore(n)}
              >
                <span aria-hidden="true">{n <= score ? '★' : '☆'}</span>
              </button>
            ))}
          </div>
          <label class="rating__comment">
            {w.comment}
            <textarea rows={2} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={!score || busy}>
            {w.sendRating}
          </button>
        </form>
      )}
      <button type="button" class="secondary" onClick={startNewConversation}>
        {w.startNew}
      </button>
    </div>
  );
}
