// Does the customer ask for a person? Phrasings seen in support chats: "talk to a human", "can I speak with
// someone", "real person please", "agent!", "representative", "stop the bot", "call me back". These patterns
// are the high-precision half; triage's learned "asks for a person" model catches the long tail of phrasings.

const PERSON = String.raw`(?:a\s+|an\s+|the\s+|some\s+)?(?:real\s+|live\s+|actual\s+)?(?:human(?:\s+being)?|person|people|someone|somebody|agent|operator|representative|rep|advisor|adviser|staff|employee|customer\s+service|support\s+team|manager|supervisor)`;
const VERB = String.raw`(?:talk|speak|chat|connect|transfer|put|get|reach|want|need|give|let)`;

const PATTERNS: readonly RegExp[] = [
  // "talk to a person", "connect me with an agent", "put me through to someone"
  new RegExp(String.raw`\b${VERB}\b(?:\s+\w+){0,4}?\s+(?:to|with|through\s+to)\s+${PERSON}\b`, 'i'),
  // "I want a human", "I need a real person", "get me an agent"
  new RegExp(String.raw`\b(?:want|need|get\s+me|give\s+me|request)\s+${PERSON}\b`, 'i'),
  // the whole message is the request: "agent", "human please", "representative!!"
  new RegExp(String.raw`^\s*${PERSON}(?:\s+(?:please|pls|now|asap))?\s*[.!?]*\s*$`, 'i'),
  // "is there a human", "are you a real person" often precede a request; "not a bot"
  /\b(?:not|no)\s+(?:a\s+|the\s+)?(?:bot|robot|machine|ai)\b/i,
  // "stop the bot", "enough with the robot", "I'm done with this chatbot"
  /\b(?:stop|enough(?:\s+with)?|done\s+with|hate)\s+(?:the\s+|this\s+|your\s+)?(?:chat)?(?:bot|robot|machine|ai)\b/i,
  // "a real person", "an actual human", "live agent" anywhere in the message
  /\b(?:real|actual|live)\s+(?:human|person|agent|people|someone)\b/i,
  // "transfer me", "hand me over", "pass me to", "escalate this", "your supervisor"
  /\b(?:transfer|hand|pass|forward)\s+me\b|\bescalate\b|\b(?:supervisor|manager)\b/i,
  // "call me back", "can someone call me", "a callback"
  /\b(?:call|ring|phone)\s+me\b|\bcall\s*back\b/i,
  // the same request in the shop's other languages
  /\bmit\s+(?:einem|einer)\s+(?:menschen|mitarbeiter(?:in)?|person)\b|\bhablar\s+con\s+(?:una\s+persona|un\s+agente|alguien)\b|\bprata\s+med\s+(?:en\s+)?(?:m[aä]nniska|person|handl[aä]ggare)\b|\bparler\s+(?:[aà]|avec)\s+(?:un|une|quelqu)/i,
];

// "I talked to an agent yesterday" reports the past; "don't need a person" declines.
const NEGATED = /\b(?:don'?t|do\s+not|no\s+need\s+to|never)\s+(?:\w+\s+){0,2}(?:talk|speak|want|need)\b/i;

/** True when the text asks for a human, in any of its usual phrasings. */
export function asksForPerson(text: string): boolean {
  if (NEGATED.test(text)) return false;
  return PATTERNS.some((pattern) => pattern.test(text));
}
