// Spanish, with "tú" as most online shops in Spain and Latin America write to their customers.
import { confidenceCount, promiseDuration } from '../../../shared/promise-words.ts';
import type { ChatWords, LauncherWords } from './catalog.ts';

export const launcher: LauncherWords = {
  openChat: 'Abrir el chat',
  loading: 'Cargando el chat…',
  failed: 'No se ha podido cargar el chat. Inténtalo de nuevo.',
  unread: (n) => (n === 1 ? '1 mensaje nuevo' : `${n} mensajes nuevos`),
};

export const chat: ChatWords = {
  title: 'Atención al cliente',
  endChat: 'Finalizar el chat',
  closeChat: 'Cerrar la ventana del chat',
  connecting: 'Conectando…',
  reconnecting: 'Se ha perdido la conexión. Reconectando…',
  offline: 'No tienes conexión. Tus mensajes se enviarán cuando vuelva.',
  withAssistant: 'Conectado. Nuestro asistente responde al instante.',
  inQueue: 'Estás en la cola para hablar con una persona.',
  queuePosition: (n) => `Eres el número ${n} en la cola para hablar con una persona.`,
  promise: (p) => {
    const d = promiseDuration(p.seconds);
    const unit = d.unit === 'second' ? (d.one ? 'segundo' : 'segundos') : d.one ? 'minuto' : 'minutos';
    const { kept, of } = confidenceCount(p.confidence);
    return `Una persona te atenderá en un máximo de ${d.amount} ${unit}: cumplimos esta promesa con ${kept} de cada ${of} clientes.`;
  },
  noPromise: 'Ahora mismo no podemos prometerte un tiempo de espera; una persona te atenderá en cuanto quede libre.',
  agentJoined: (name) => `${name ?? 'Una persona de nuestro equipo'} se ha unido a la conversación.`,
  ended: 'Esta conversación ha terminado.',
  greeting: 'Pregúntanos lo que quieras. Nuestro asistente responde al instante, y una persona te atiende cuando lo necesites.',
  messages: 'Mensajes',
  transcript: 'Conversación',
  assistant: 'Asistente',
  agent: 'Agente',
  you: 'Tú:',
  sending: 'Enviando…',
  waitingForConnection: 'Esperando conexión',
  notSent: 'No enviado.',
  retry: 'Reintentar',
  assistantTyping: 'El asistente está escribiendo…',
  agentTyping: (name) => `${name ?? 'Alguien de nuestro equipo'} está escribiendo…`,
  talkToPerson: 'Hablar con una persona',
  message: 'Mensaje',
  placeholder: 'Escribe un mensaje…',
  send: 'Enviar',
  characters: (n, max) => `${n} / ${max} caracteres`,
  tooLong: (max) => `Tu mensaje tiene más de ${max} caracteres. Acórtalo, por favor.`,
  rateQuestion: '¿Qué tal el chat?',
  stars: (n) => (n === 1 ? '1 estrella' : `${n} estrellas`),
  comment: 'Comentario (opcional)',
  sendRating: 'Enviar valoración',
  thanks: 'Gracias por tu valoración.',
  startNew: 'Empezar una nueva conversación',
  couldNotReach: 'No hemos podido conectar con el servidor. Inténtalo de nuevo.',
  tooManyConnections: 'Demasiadas conexiones. Lo volveremos a intentar en breve.',
  signInFailed: 'No hemos podido confirmar tu inicio de sesión en la tienda. Vuelve a cargar la página.',
  unavailable: 'El chat no está disponible en este momento. Inténtalo más tarde.',
  slowDown: 'Estás enviando mensajes muy rápido. El tuyo saldrá en un momento, por sí solo.',
  savingLater: 'No hemos podido guardar tu mensaje ahora mismo. No se ha perdido: se enviará de nuevo en un momento.',
};
