// Distress, frustration and risk markers in one customer turn, each with the short reason an agent reads.
// These are hand-written because no maintained library detects them: they are the words of threats to leave,
// to charge back or to go to a regulator, of money trouble and of emergencies, plus the typography of anger
// (SHOUTING, "!!!", "???"). Profanity is a short word list too: the maintained matcher (`obscenity` 0.4.6,
// which also sees through l33t) took 18–22 µs a turn here, more than a third of the whole per-turn budget.

export interface Markers {
  shouting: boolean;
  repeatedPunctuation: boolean;
  profanity: boolean;
  frustration: boolean;
  threatToLeave: boolean;
  threatOfChargeback: boolean;
  threatOfRegulator: boolean;
  moneyTrouble: boolean;
  emergency: boolean;
  fraudCue: boolean;
}

const PROFANITY =
  /\b(?:f+u+c+k+\w*|fck\w*|fuk\w*|f\*+k\w*|sh[i1]te?|shitty|bullsh\w+|crap+y?|damn(?:ed|it)?|goddamn\w*|bloody|bastards?|assholes?|arseholes?|dickheads?|wankers?|pricks?|idiots?|morons?|screw (?:you|this|lumen)|piss(?:ed)?(?: off)?|scheisse|schei(?:ss|ß)e|mierda|joder|j[aä]vla|helvete|kurwa)\b/i;

const FRUSTRATION =
  /\b(?:ridiculous|unacceptable|useless|pathetic|incompetent|joke|waste of (?:my )?time|fed up|sick (?:and tired )?of|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|again and again|still (?:no|not|nothing|waiting|haven'?t)|nobody (?:helps|answers|cares)|no one (?:helps|answers|cares)|worst|terrible|awful|disgrace(?:ful)?|outrageous|thanks for nothing|are you kidding|seriously\?|you people|what a (?:joke|scam)|going in circles|not helpful|doesn'?t help|didn'?t help|not what i asked|stupid|annoying|frustrat\w*|angry|furious|livid|wtf|fml)\b/i;
const LEAVE =
  /\b(?:clos(?:e|ing) (?:my|the) account|cancel(?:l?ing)? (?:my|the) account|delete (?:my|the) account|never (?:use|using|buy|shop)\w* (?:you|lumen|this|again)|(?:switch|go|going|move|moving)(?:ing)? (?:to|over to) (?:klarna|afterpay|affirm|paypal|a competitor|another)|leav(?:e|ing) (?:lumen|you)|(?:bad|1[- ]star|one[- ]star|negative) review|trustpilot|tell (?:everyone|all my friends)|done with (?:you|lumen))\b/i;
const CHARGEBACK = /\b(?:charge ?back|reverse (?:the|this) (?:charge|payment) (?:with|through) my bank|(?:ask|tell|get) my bank to (?:reverse|block|stop|dispute)|dispute (?:it|this) with my bank)\b/i;
const REGULATOR =
  /\b(?:regulator|ombuds(?:man|person)|bafin|fca|financial conduct|consumer (?:protection|rights|agency|council|association)|verbraucherzentrale|finansinspektionen|konsumentverket|banco de espa[nñ]a|lawyer|solicitor|attorney|legal action|take (?:you|this|lumen) to court|sue (?:you|lumen)|small claims|report (?:you|lumen|this) to)\b/i;
const MONEY =
  /\b(?:overdra(?:wn|ft|fted)|in (?:the )?(?:red|minus)|(?:can'?t|cannot|could ?n'?t|unable to) (?:afford|pay (?:my |the )?(?:rent|bills?|mortgage)|buy food|feed)|no money|out of money|(?:am|i'?m|we'?re) broke|(?:lost|losing) my job|unemployed|laid off|made redundant|on benefits|(?:rent|bills?|mortgage) (?:is|are) due|struggling (?:to pay|financially|with money|with payments)|debt collector|in debt|payday|bank (?:account )?(?:is )?(?:empty|negative)|every (?:cent|euro) counts|hardship|can'?t make (?:the|my|this) payment)\b/i;
const EMERGENCY =
  /\b(?:hospital|surgery|emergency|cancer|chemo\w*|seriously ill|intensive care|heart attack|(?:passed away|died|funeral|bereave\w*|widow\w*|deceased)|panic\w*|terrified|scared|desperate|crying|in tears|please help me|help me please|all my (?:money|savings)|emptied my (?:account|card)|suicid\w*|can'?t sleep)\b/i;
const FRAUD =
  /\b(?:stolen|stole|theft|thief|pickpocket\w*|hack(?:ed|er|ers)?|scam(?:med|mer|mers)?|phishing|fraud\w*|unauthori[sz]ed|did ?n'?t (?:make|authori[sz]e|buy|order|do)|never (?:made|bought|ordered|authori[sz]ed)|(?:don'?t|do not) recogni[sz]e|not recogni[sz]ed|someone (?:else )?(?:used|is using|logged|log(?:ged)? in|got into|accessed|took|has)|compromised|sim ?swap|(?:gave|told|shared) (?:him|her|them|someone|a man|a woman|the caller) (?:my|the) (?:code|pin|password)|lost (?:my )?(?:card|phone|wallet)|(?:card|phone|wallet) (?:was |got |has been )?(?:lost|stolen|missing))\b/i;

function isShouting(text: string): boolean {
  let upper = 0;
  let letters = 0;
  let shoutedWords = 0;
  for (const word of text.split(/\s+/)) {
    const bare = word.replace(/[^A-Za-z]/g, '');
    if (bare.length >= 3 && bare === bare.toUpperCase()) shoutedWords++;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      upper++;
      letters++;
    } else if (c >= 97 && c <= 122) letters++;
  }
  // two or more shouted words ("WHERE IS my refund"), or a mostly upper-case message of some length
  return shoutedWords >= 2 || (letters >= 8 && upper / letters > 0.6);
}

export function findMarkers(text: string): Markers {
  return {
    shouting: isShouting(text),
    repeatedPunctuation: /[!?]{2,}|(?:!\s*){3,}/.test(text),
    profanity: PROFANITY.test(text),
    frustration: FRUSTRATION.test(text),
    threatToLeave: LEAVE.test(text),
    threatOfChargeback: CHARGEBACK.test(text),
    threatOfRegulator: REGULATOR.test(text),
    moneyTrouble: MONEY.test(text),
    emergency: EMERGENCY.test(text),
    fraudCue: FRAUD.test(text),
  };
}

export type Distress = 0 | 1 | 2;

/** 2 distressed (money trouble, emergency, chargeback or regulator threat), 1 frustrated, 0 calm; with reasons. */
export function distressOf(markers: Markers, sentiment: number): { distress: Distress; reasons: string[] } {
  const severe: string[] = [];
  if (markers.moneyTrouble) severe.push('money trouble');
  if (markers.emergency) severe.push('emergency or bereavement');
  if (markers.threatOfChargeback) severe.push('threatens a chargeback');
  if (markers.threatOfRegulator) severe.push('threatens a regulator or legal action');
  if (severe.length > 0) return { distress: 2, reasons: severe };
  const frustrated: string[] = [];
  if (markers.shouting) frustrated.push('shouting');
  if (markers.repeatedPunctuation) frustrated.push('repeated punctuation');
  if (markers.profanity) frustrated.push('profanity');
  if (markers.frustration) frustrated.push('frustrated wording');
  if (markers.threatToLeave) frustrated.push('threatens to leave');
  if (sentiment <= -0.6) frustrated.push(`very negative sentiment (${sentiment.toFixed(2)})`);
  return { distress: frustrated.length > 0 ? 1 : 0, reasons: frustrated };
}
