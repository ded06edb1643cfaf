// Swedish, with "du" as Swedish shops always write.
import { confidenceCount, promiseDuration } from '../../../shared/promise-words.ts';
import type { ChatWords, LauncherWords } from './catalog.ts';

export const launcher: LauncherWords = {
  openChat: 'Öppna chatten',
  loading: 'Laddar chatten…',
  failed: 'Chatten kunde inte laddas. Försök igen.',
  unread: (n) => (n === 1 ? '1 nytt meddelande' : `${n} nya meddelanden`),
};

export const chat: ChatWords = {
  title: 'Kundtjänst',
  endChat: 'Avsluta chatten',
  closeChat: 'Stäng chattfönstret',
  connecting: 'Ansluter…',
  reconnecting: 'Anslutningen bröts. Ansluter igen…',
  offline: 'Du är offline. Dina meddelanden skickas när anslutningen är tillbaka.',
  withAssistant: 'Ansluten. Vår assistent svarar direkt.',
  inQueue: 'Du står i kö för att prata med en person.',
  queuePosition: (n) => `Du är nummer ${n} i kön för att prata med en person.`,
  promise: (p) => {
    const d = promiseDuration(p.seconds);
    const unit = d.unit === 'second' ? (d.one ? 'sekund' : 'sekunder') : d.one ? 'minut' : 'minuter';
    const { kept, of } = confidenceCount(p.confidence);
    return `En person ansluter inom ${d.amount} ${unit} – det löftet håller vi för ${kept} av ${of} kunder.`;
  },
  noPromise: 'Vi kan inte lova någon väntetid just nu; en person ansluter så snart någon är ledig.',
  agentJoined: (name) => `${name ?? 'En person från vårt team'} har anslutit till chatten.`,
  ended: 'Chatten är avslutad.',
  greeting: 'Fråga oss vad du vill. Vår assistent svarar direkt, och en person finns här när du behöver det.',
  messages: 'Meddelanden',
  transcript: 'Konversationen',
  assistant: 'Assistent',
  agent: 'Kundtjänst',
  you: 'Du:',
  sending: 'Skickar…',
  waitingForConnection: 'Väntar på anslutning',
  notSent: 'Inte skickat.',
  retry: 'Försök igen',
  assistantTyping: 'Assistenten skriver…',
  agentTyping: (name) => `${name ?? 'Någon i vårt team'} skriver…`,
  talkToPerson: 'Prata med en person',
  message: 'Meddelande',
  placeholder: 'Skriv ett meddelande…',
  send: 'Skicka',
  characters: (n, max) => `${n} / ${max} tecken`,
  tooLong: (max) => `Ditt meddelande är längre än ${max} tecken. Korta gärna ner det.`,
  rateQuestion: 'Hur var chatten?',
  stars: (n) => (n === 1 ? '1 stjärna' : `${n} stjärnor`),
  comment: 'Kommentar (valfritt)',
  sendRating: 'Skicka betyg',
  thanks: 'Tack för ditt betyg.',
  startNew: 'Starta en ny konversation',
  couldNotReach: 'Vi kunde inte nå servern. Försök igen.',
  tooManyConnections: 'För många anslutningar. Vi försöker igen om en stund.',
  signInFailed: 'Vi kunde inte bekräfta din inloggning i butiken. Ladda om sidan.',
  unavailable: 'Chatten är inte tillgänglig just nu. Försök igen senare.',
  slowDown: 'Du skickar meddelanden väldigt snabbt. Ditt meddelande skickas om en stund av sig självt.',
  savingLater: 'Vi kunde inte spara ditt meddelande just nu. Det är inte förlorat: det skickas igen om en stund.',
};
