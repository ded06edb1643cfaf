// German, addressing the customer formally ("Sie"), as shops in Germany, Austria and Switzerland do.
import { confidenceCount, promiseDuration } from '../../../shared/promise-words.ts';
import type { ChatWords, LauncherWords } from './catalog.ts';

export const launcher: LauncherWords = {
  openChat: 'Chat öffnen',
  loading: 'Chat wird geladen …',
  failed: 'Der Chat konnte nicht geladen werden. Bitte versuchen Sie es noch einmal.',
  unread: (n) => (n === 1 ? '1 neue Nachricht' : `${n} neue Nachrichten`),
};

export const chat: ChatWords = {
  title: 'Kundenservice',
  endChat: 'Chat beenden',
  closeChat: 'Chatfenster schließen',
  connecting: 'Verbindung wird hergestellt …',
  reconnecting: 'Verbindung unterbrochen. Neuer Versuch läuft …',
  offline: 'Sie sind offline. Ihre Nachrichten werden gesendet, sobald die Verbindung wieder steht.',
  withAssistant: 'Verbunden. Unser Assistent antwortet sofort.',
  inQueue: 'Sie warten auf eine Person aus unserem Team.',
  queuePosition: (n) => `Sie sind an ${n}. Stelle in der Warteschlange.`,
  promise: (p) => {
    const d = promiseDuration(p.seconds);
    const unit = d.unit === 'second' ? (d.one ? 'Sekunde' : 'Sekunden') : d.one ? 'Minute' : 'Minuten';
    const { kept, of } = confidenceCount(p.confidence);
    return `Eine Person aus unserem Team ist innerhalb von ${d.amount} ${unit} für Sie da – dieses Versprechen halten wir bei ${kept} von ${of} Kundinnen und Kunden.`;
  },
  noPromise: 'Eine Wartezeit können wir gerade nicht zusagen; sobald jemand frei ist, sind wir für Sie da.',
  agentJoined: (name) => `${name ?? 'Eine Person aus unserem Team'} ist jetzt im Chat.`,
  ended: 'Dieser Chat ist beendet.',
  greeting: 'Fragen Sie uns, was Sie möchten. Unser Assistent antwortet sofort, und wenn Sie einen Menschen brauchen, ist jemand für Sie da.',
  messages: 'Nachrichten',
  transcript: 'Gesprächsverlauf',
  assistant: 'Assistent',
  agent: 'Kundenservice',
  you: 'Sie:',
  sending: 'Wird gesendet …',
  waitingForConnection: 'Wartet auf Verbindung',
  notSent: 'Nicht gesendet.',
  retry: 'Erneut senden',
  assistantTyping: 'Der Assistent schreibt …',
  agentTyping: (name) => `${name ?? 'Jemand aus unserem Team'} schreibt …`,
  talkToPerson: 'Mit einem Menschen sprechen',
  message: 'Nachricht',
  placeholder: 'Nachricht schreiben …',
  send: 'Senden',
  characters: (n, max) => `${n} / ${max} Zeichen`,
  tooLong: (max) => `Ihre Nachricht ist länger als ${max} Zeichen. Bitte kürzen Sie sie.`,
  rateQuestion: 'Wie war der Chat?',
  stars: (n) => (n === 1 ? '1 Stern' : `${n} Sterne`),
  comment: 'Kommentar (optional)',
  sendRating: 'Bewertung senden',
  thanks: 'Vielen Dank für Ihre Bewertung.',
  startNew: 'Neuen Chat beginnen',
  couldNotReach: 'Wir konnten den Server nicht erreichen. Bitte versuchen Sie es noch einmal.',
  tooManyConnections: 'Zu viele Verbindungen. Wir versuchen es gleich noch einmal.',
  signInFailed: 'Wir konnten Ihre Anmeldung im Shop nicht bestätigen. Bitte laden Sie die Seite neu.',
  unavailable: 'Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.',
  slowDown: 'Sie senden sehr schnell Nachrichten. Ihre Nachricht geht gleich von selbst hinaus.',
  savingLater: 'Wir konnten Ihre Nachricht gerade nicht speichern. Sie geht nicht verloren: Wir senden sie gleich noch einmal.',
};
