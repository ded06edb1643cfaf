// The demo shop's own script: its "Chat with us" button opens the chat, and its "Chat language" picker switches
// the widget's language, through the widget's JavaScript API (docs/WIDGET.md). Tandem.push works before the widget's loader has run (the calls wait in the stub queue)
// and after it, so this file need not care which script comes first.
window.Tandem = window.Tandem || [];
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-open-chat]')) window.Tandem.push(['open']);
});
document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.matches('[data-chat-language]')) {
    window.Tandem.push(['setLanguage', event.target.value || null]);
  }
});
