// The Message textbox and Send: Enter sends, Shift+Enter starts a new line; tells the server while typing.
import { useState } from 'preact/hooks';
import { MESSAGE_MAX_LENGTH, noteTyping, sendMessage } from './connection.ts';
import { words } from './words.ts';

export function Composer() {
  const w = words.value;
  const [text, setText] = useState('');
  const length = text.trim().length;
  const submit = () => {
    if (sendMessage(text)) setText('');
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        aria-label={w.message}
        placeholder={w.placeholder}
        rows={1}
        value={text}
        aria-invalid={length > MESSAGE_MAX_LENGTH}
        aria-describedby={length > MESSAGE_MAX_LENGTH - 200 ? 'tandem-count' : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          noteTyping();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="send">
        {w.send}
      </button>
      {length > MESSAGE_MAX_LENGTH - 200 && (
        <p id="tandem-count" class={length > MESSAGE_MAX_LENGTH ? 'count count--over' : 'count'}>
          {w.characters(length, MESSAGE_MAX_LENGTH)}
        </p>
      )}
    </form>
  );
}
