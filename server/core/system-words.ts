// What the server itself tells a customer, in their language: the system messages of the transcript, the queue's
// reason for giving no wait promise and its apology for a promise that moved, and the one refusal a customer
// meets (writing into an ended chat). Chosen by the conversation's language (its widget's, kept from the
// handshake that opened it); English for any other. German says "Sie" and Spanish "tú", as the widget's own
// catalogs do (widget/customer/i18n/). Pure text; the numbers are worded as the widget words them.
import { promiseDuration, promiseWords } from '../../shared/promise-words.ts';
import type { NoPromiseReason } from './waittime/queue-model.ts';
import { primarySubtag } from './triage/language.ts';

export interface SystemWords {
  /** a card number, password or code was masked in the customer's message */
  secretsMasked: string;
  /** the conversation went to the queue for a person */
  queued: string;
  /** an agent took the conversation */
  joined: (agent: string) => string;
  /** the agent left (disconnected past the grace period); the conversation is back in the queue */
  agentLeft: (agent: string | null) => string;
  transferredToAgent: (agent: string) => string;
  transferredToGroup: string;
  /** the conversation closed: the rating follows */
  ended: string;
  /** a refusal: the customer wrote into, or asked for a person in, an ended conversation */
  endedRefusal: string;
  /** the queue's reason while the leader has not yet worked out a promise */
  workingOutWait: string;
  /** the queue's reason for giving no number */
  noNumber: Record<NoPromiseReason, string>;
  /** the promise moved later, or its time passed: the new one */
  revised: (seconds: number) => string;
  late: (seconds: number) => string;
  /** there was a promise and there is none now */
  noLongerPromised: string;
}

const en: SystemWords = {
  secretsMasked:
    'For your safety we have hidden the card number, password or code in your message. ' +
    'We never need them in this chat: please do not send them here, and no one from Lumen Pay will ever ask for them.',
  queued: 'You are in the queue for a person. You can keep writing here: they will see the whole conversation.',
  joined: (agent) => `${agent} has joined the conversation.`,
  agentLeft: (agent) =>
    `${agent ?? 'Your agent'} had to leave. You keep your place in the queue, ahead of everyone who came after you: the next free person will continue here.`,
  transferredToAgent: (agent) => `You are being transferred to ${agent}, who can see the whole conversation and will continue here.`,
  transferredToGroup:
    'You are being transferred to a colleague who specialises in this. You keep your place in the queue, and they will see the whole conversation, so you will not need to repeat anything.',
  ended: 'This conversation has ended. How did we do?',
  endedRefusal: 'This conversation has ended. Start a new conversation to write again.',
  workingOutWait: 'Working out how long the wait will be…',
  noNumber: {
    no_agents:
      'No one from our team is online right now, so we will not guess a time. You can keep waiting here, or leave your question in this chat and come back to it later: the answer will be here.',
    overloaded:
      'We are unusually busy right now and cannot promise a time we would keep. You can keep waiting here without a number, or leave your question in this chat and come back to it later: the answer will be here.',
    too_long:
      'The wait is longer than 30 minutes right now, so we will not promise a time. You can keep waiting here, or leave your question in this chat and come back to it later: the answer will be here.',
  },
  revised: (seconds) => `Sorry, it is busier than we expected: a person will now join within ${promiseWords(seconds)}.`,
  late: (seconds) => `Sorry, this is taking longer than we said. Our new estimate: a person will join within ${promiseWords(seconds)}.`,
  noLongerPromised: 'Sorry, we can no longer promise the time we gave you.',
};

/** "2½ Minuten", "1 Minute", "45 Sekunden": the same rounded number as the English and the widget. */
function dauer(seconds: number): string {
  const d = promiseDuration(seconds);
  return `${d.amount} ${d.unit === 'second' ? (d.one ? 'Sekunde' : 'Sekunden') : d.one ? 'Minute' : 'Minuten'}`;
}

const de: SystemWords = {
  secretsMasked:
    'Zu Ihrer Sicherheit haben wir die Kartennummer, das Passwort oder den Code in Ihrer Nachricht unkenntlich gemacht. ' +
    'In diesem Chat brauchen wir sie nie: Bitte senden Sie sie hier nicht, und niemand von Lumen Pay wird Sie jemals danach fragen.',
  queued: 'Sie warten jetzt auf eine Person aus unserem Team. Schreiben Sie hier gern weiter: Wer Ihren Chat übernimmt, sieht das ganze Gespräch.',
  joined: (agent) => `${agent} ist jetzt im Chat.`,
  agentLeft: (agent) =>
    `${agent ?? 'Ihre Ansprechperson'} musste den Chat verlassen. Sie behalten Ihren Platz in der Warteschlange, vor allen, die nach Ihnen gekommen sind: Die nächste freie Person macht hier weiter.`,
  transferredToAgent: (agent) => `Wir übergeben Ihr Anliegen an ${agent}. Das ganze Gespräch ist dort zu sehen, und es geht hier weiter.`,
  transferredToGroup:
    'Wir übergeben Ihr Anliegen an jemanden aus unserem Team, der sich darauf spezialisiert hat. Sie behalten Ihren Platz in der Warteschlange, und das ganze Gespräch ist dort zu sehen: Sie müssen nichts wiederholen.',
  ended: 'Dieser Chat ist beendet. Wie zufrieden waren Sie mit uns?',
  endedRefusal: 'Dieser Chat ist beendet. Beginnen Sie einen neuen Chat, um wieder zu schreiben.',
  workingOutWait: 'Wir berechnen gerade die Wartezeit …',
  noNumber: {
    no_agents:
      'Gerade ist niemand aus unserem Team online, deshalb nennen wir Ihnen keine geschätzte Zeit. Sie können hier warten oder Ihre Frage in diesem Chat lassen und später wiederkommen: Die Antwort finden Sie dann hier.',
    overloaded:
      'Wir haben gerade ungewöhnlich viel zu tun und können keine Wartezeit zusagen, die wir sicher einhalten. Sie können hier ohne Zeitangabe warten oder Ihre Frage in diesem Chat lassen und später wiederkommen: Die Antwort finden Sie dann hier.',
    too_long:
      'Die Wartezeit liegt gerade über 30 Minuten, deshalb sagen wir Ihnen keine Zeit zu. Sie können hier warten oder Ihre Frage in diesem Chat lassen und später wiederkommen: Die Antwort finden Sie dann hier.',
  },
  revised: (seconds) => `Entschuldigung, es ist mehr los als erwartet: Eine Person aus unserem Team ist jetzt innerhalb von ${dauer(seconds)} für Sie da.`,
  late: (seconds) =>
    `Entschuldigung, es dauert länger als angekündigt. Unsere neue Schätzung: Eine Person aus unserem Team ist innerhalb von ${dauer(seconds)} für Sie da.`,
  noLongerPromised: 'Entschuldigung, die genannte Wartezeit können wir leider nicht mehr zusagen.',
};

/** "2½ minuter", "1 minut", "45 sekunder". */
function tid(seconds: number): string {
  const d = promiseDuration(seconds);
  return `${d.amount} ${d.unit === 'second' ? (d.one ? 'sekund' : 'sekunder') : d.one ? 'minut' : 'minuter'}`;
}

const sv: SystemWords = {
  secretsMasked:
    'För din säkerhet har vi dolt kortnumret, lösenordet eller koden i ditt meddelande. ' +
    'Vi behöver dem aldrig i den här chatten: skicka dem inte hit, och ingen från Lumen Pay kommer någonsin att be dig om dem.',
  queued: 'Du står nu i kö för att prata med en person. Du kan fortsätta skriva här: den som tar över ser hela konversationen.',
  joined: (agent) => `${agent} har anslutit till chatten.`,
  agentLeft: (agent) =>
    `${agent ?? 'Din handläggare'} var tvungen att gå. Du behåller din plats i kön, före alla som kom efter dig: nästa lediga person fortsätter här.`,
  transferredToAgent: (agent) => `Du kopplas nu vidare till ${agent}, som ser hela konversationen och fortsätter här.`,
  transferredToGroup:
    'Du kopplas nu vidare till en kollega som är specialiserad på det här. Du behåller din plats i kön, och kollegan ser hela konversationen, så du behöver inte upprepa något.',
  ended: 'Chatten är avslutad. Hur tyckte du att det gick?',
  endedRefusal: 'Chatten är avslutad. Starta en ny chatt om du vill skriva igen.',
  workingOutWait: 'Vi räknar ut hur lång väntetiden blir…',
  noNumber: {
    no_agents:
      'Ingen från vårt team är online just nu, så vi gissar inte på någon tid. Du kan vänta kvar här, eller lämna din fråga i chatten och komma tillbaka senare: svaret finns här då.',
    overloaded:
      'Vi har ovanligt mycket att göra just nu och kan inte lova en tid som vi säkert håller. Du kan vänta kvar här utan någon tid, eller lämna din fråga i chatten och komma tillbaka senare: svaret finns här då.',
    too_long:
      'Väntetiden är längre än 30 minuter just nu, så vi lovar ingen tid. Du kan vänta kvar här, eller lämna din fråga i chatten och komma tillbaka senare: svaret finns här då.',
  },
  revised: (seconds) => `Förlåt, det är mer att göra än vi trodde: en person ansluter nu inom ${tid(seconds)}.`,
  late: (seconds) => `Förlåt, det tar längre tid än vi sa. Vår nya uppskattning: en person ansluter inom ${tid(seconds)}.`,
  noLongerPromised: 'Förlåt, vi kan inte längre lova den tid vi gav dig.',
};

/** "2½ minutos", "1 minuto", "45 segundos". */
function tiempo(seconds: number): string {
  const d = promiseDuration(seconds);
  return `${d.amount} ${d.unit === 'second' ? (d.one ? 'segundo' : 'segundos') : d.one ? 'minuto' : 'minutos'}`;
}

const es: SystemWords = {
  secretsMasked:
    'Por tu seguridad, hemos ocultado el número de tarjeta, la contraseña o el código de tu mensaje. ' +
    'Nunca los necesitamos en este chat: no los envíes aquí, y nadie de Lumen Pay te los pedirá nunca.',
  queued: 'Estás en la cola para hablar con una persona. Puedes seguir escribiendo aquí: quien te atienda verá toda la conversación.',
  joined: (agent) => `${agent} se ha unido a la conversación.`,
  agentLeft: (agent) =>
    `${agent ?? 'Tu agente'} ha tenido que irse. Conservas tu lugar en la cola, por delante de quienes llegaron después: la próxima persona libre continuará aquí.`,
  transferredToAgent: (agent) => `Te estamos pasando con ${agent}, que puede ver toda la conversación y continuará aquí.`,
  transferredToGroup:
    'Te estamos pasando con un compañero especializado en este tema. Conservas tu lugar en la cola y verá toda la conversación, así que no tendrás que repetir nada.',
  ended: 'Esta conversación ha terminado. ¿Qué tal lo hemos hecho?',
  endedRefusal: 'Esta conversación ha terminado. Empieza una nueva para volver a escribir.',
  workingOutWait: 'Calculando cuánto tendrás que esperar…',
  noNumber: {
    no_agents:
      'Ahora mismo no hay nadie de nuestro equipo conectado, así que no vamos a adivinar un tiempo. Puedes seguir esperando aquí o dejar tu pregunta en este chat y volver más tarde: la respuesta estará aquí.',
    overloaded:
      'Ahora mismo tenemos muchísimo trabajo y no podemos prometerte un tiempo que vayamos a cumplir. Puedes seguir esperando aquí sin un tiempo concreto o dejar tu pregunta en este chat y volver más tarde: la respuesta estará aquí.',
    too_long:
      'Ahora mismo la espera supera los 30 minutos, así que no vamos a prometerte un tiempo. Puedes seguir esperando aquí o dejar tu pregunta en este chat y volver más tarde: la respuesta estará aquí.',
  },
  revised: (seconds) => `Lo sentimos, hay más trabajo del que esperábamos: una persona te atenderá ahora en un máximo de ${tiempo(seconds)}.`,
  late: (seconds) => `Lo sentimos, está tardando más de lo que te dijimos. Nuestra nueva estimación: una persona te atenderá en un máximo de ${tiempo(seconds)}.`,
  noLongerPromised: 'Lo sentimos, ya no podemos prometerte el tiempo que te dimos.',
};

/** The catalogs by primary subtag. */
export const SYSTEM_WORDS: Readonly<Record<'en' | 'de' | 'sv' | 'es', SystemWords>> = { en, de, sv, es };

/** The words for a conversation in `language` (its tag, or null): by its primary subtag, else English. */
export function systemWords(language: string | null): SystemWords {
  if (!language) return en;
  const subtag = primarySubtag(language);
  return Object.hasOwn(SYSTEM_WORDS, subtag) ? SYSTEM_WORDS[subtag as keyof typeof SYSTEM_WORDS] : en;
}
