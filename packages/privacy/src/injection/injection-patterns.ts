// The phrase table of the prompt-injection detector. Internal: not exported from the package.
//
// Every pattern starts with a literal word or marker and uses only bounded quantifiers (`{1,4}`,
// `{0,3}`, `{1,80}?`), so one match attempt does a constant amount of work and a global scan is
// linear in the text. Word edges are Unicode-aware (a look-ahead at the end, a test of the previous character at the start) (`\b` is ASCII-only: `übergehe`).

/** What an injection signal is. */
export type InjectionKind = 'override' | 'reveal-prompt' | 'role-play' | 'delimiter' | 'encoded';

/** One phrase pattern: what it signals and how strongly. */
export interface InjectionPattern {
  /** A stable id (distinct ids in one text raise each other's confidence). */
  readonly id: string;
  /** The kind of signal. */
  readonly kind: InjectionKind;
  /** Confidence of a match on its own. */
  readonly confidence: number;
  /** The compiled expression (flags `giu`). */
  readonly regex: RegExp;
  /** Whether a match must start a word (not follow a letter, digit or `_`). */
  readonly wordStart: boolean;
  /** An extra test of the matched text (for case-sensitive parts such as `DAN`). */
  readonly accept?: (match: string) => boolean;
}

const S = '\\s{1,4}';
const W1 = '(?![\\p{L}\\p{N}_])';
const any = (words: readonly string[]): string => `(?:${words.join('|')})`;
// Markers that begin with punctuation (`<|`, `[INST]`) need no word edge. The others are tested
// after the match (a look-behind first in the expression keeps the engine from skipping ahead to
// the first letters it needs, which made every scan several times slower).
const unanchored = new Set(['chatml', 'llama-inst']);

const enVerbs = any(['ignore', 'disregard', 'forget', 'override', 'bypass', 'skip', 'neglect', 'abandon']);
const enFiller = `(?:${any(['all', 'any', 'the', 'your', 'of', 'these', 'those', 'every', 'and'])}${S}){0,4}`;
const enBefore = any([
  'previous',
  'prior',
  'above',
  'earlier',
  'preceding',
  'initial',
  'original',
  'system',
  'foregoing',
  'developer',
  'safety',
]);
const enRules = any([
  'instructions?',
  'prompts?',
  'rules',
  'directions',
  'directives',
  'guidelines',
  'commands',
  'constraints',
  'guardrails',
  'programming',
  'context',
  'orders',
  'policies',
  'restrictions',
]);
const deVerbs = any(['ignorier(?:e|en|t)?', 'vergiss', 'vergessen', 'missachte(?:n|t)?', 'übergehe']);
const deBefore = any([
  'bisherigen',
  'vorherigen',
  'obigen',
  'vorigen',
  'früheren',
  'vorangegangenen',
  'vorhergehenden',
  'ursprünglichen',
]);
const deRules = any(['anweisungen', 'instruktionen', 'befehle', 'regeln', 'vorgaben', 'richtlinien']);
const frRules = any(['instructions', 'consignes', 'règles', 'directives', 'ordres', 'indications']);
const frAfter = any(['précédentes', 'antérieures', 'ci-dessus', 'précédents', 'initiales', `du${S}système`]);
const esRules = any(['instrucciones', 'indicaciones', 'reglas', 'directrices', 'órdenes', 'normas']);
const esAfter = any(['anteriores', 'previas', `de${S}arriba`, 'iniciales', `del${S}sistema`, 'originales']);
const limits = (words: readonly string[]): string => `${any(words)}${W1}`;
const clause = '[^.!?\\n]{1,80}?';

const sources: [Omit<InjectionPattern, 'regex' | 'wordStart' | 'accept'>, string][] = [
  // Override: "ignore all previous instructions" and its translations.
  [
    { id: 'en-override', kind: 'override', confidence: 0.9 },
    `${enVerbs}${S}${enFiller}${enBefore}${S}(?:[\\p{L}-]{1,15}${S})?${enRules}${W1}`,
  ],
  [
    { id: 'en-override-yours', kind: 'override', confidence: 0.85 },
    `${enVerbs}${S}(?:all${S})?(?:of${S})?your${S}(?:[\\p{L}-]{1,15}${S})?${any(['instructions', 'rules', 'guidelines', 'programming', 'directives', 'restrictions', 'guardrails', 'training', `system${S}prompt`])}${W1}`,
  ],
  [
    { id: 'en-ignore-above', kind: 'override', confidence: 0.65 },
    `${any(['ignore', 'disregard', 'forget'])}${S}${any(['everything', 'all', 'the'])}${S}${any(['above', 'before', 'previous', 'prior', 'said'])}${W1}`,
  ],
  [{ id: 'en-new-instructions', kind: 'override', confidence: 0.6 }, `new${S}instructions${W1}\\s{0,2}:`],
  [
    { id: 'de-override', kind: 'override', confidence: 0.9 },
    `${deVerbs}${S}(?:sie${S})?(?:${any(['alle', 'sämtliche', 'die', 'deine', 'ihre'])}${S}){0,2}${deBefore}${S}(?:system-?)?${deRules}${W1}`,
  ],
  [
    { id: 'de-forget-all', kind: 'override', confidence: 0.8 },
    `${any(['vergiss', 'ignoriere'])}${S}alles\\s{0,2},?${S}was${S}(?:dir${S})?${any(['vorher', 'zuvor', 'bisher', 'oben'])}${W1}`,
  ],
  [
    { id: 'fr-override', kind: 'override', confidence: 0.9 },
    `${any(['ignore[zr]?', 'oublie[zr]?', `ne${S}tiens${S}pas${S}compte${S}de`])}${S}(?:${any(['toutes', 'tous', 'les', 'tes', 'vos', 'des'])}${S}){0,3}${frRules}${S}${frAfter}${W1}`,
  ],
  [
    { id: 'es-override', kind: 'override', confidence: 0.9 },
    `${any(['ignora(?:r)?', 'olvida(?:r)?', 'descarta(?:r)?', 'omite', 'ignore', 'olvide'])}${S}(?:${any(['todas', 'todos', 'las', 'los', 'tus', 'sus'])}${S}){0,3}${esRules}${S}${esAfter}${W1}`,
  ],
  // Reveal the system prompt.
  [
    { id: 'en-reveal', kind: 'reveal-prompt', confidence: 0.85 },
    `${any(['reveal', 'show', 'print', 'repeat', 'output', 'display', 'tell', 'give', 'leak', 'dump', 'write\\s{1,4}out', 'share', 'expose', 'recite'])}${S}(?:me${S})?(?:${any(['all', 'of', 'the', 'your', 'exact', 'full', 'entire', 'verbatim', 'hidden', 'secret', 'original', 'initial'])}${S}){0,4}${any([`system\\s{0,4}(?:prompt|message|instructions?)`, `initial${S}(?:prompt|instructions)`, `hidden${S}(?:prompt|instructions)`, 'pre-?prompt', `instructions${S}(?:above|you${S}were${S}given)`])}${W1}`,
  ],
  [
    { id: 'en-reveal-question', kind: 'reveal-prompt', confidence: 0.75 },
    `what${S}${any(['is', 'are', 'was', 'were'])}${S}your${S}(?:${any(['exact', 'full', 'original', 'initial', 'hidden'])}${S})?${any([`system\\s{0,4}prompt`, `system${S}instructions`, `initial${S}instructions`, `hidden${S}instructions`])}${W1}`,
  ],
  [
    { id: 'en-repeat-above', kind: 'reveal-prompt', confidence: 0.85 },
    `repeat${S}(?:all${S})?(?:of${S})?the${S}${any(['words', 'text', 'lines', 'instructions'])}${S}above${W1}`,
  ],
  [
    { id: 'de-reveal', kind: 'reveal-prompt', confidence: 0.85 },
    `${any(['zeige?', 'gib', 'verrate', 'wiederhole', 'nenne'])}${S}(?:mir${S})?(?:${any(['deinen', 'deine', 'den', 'die', 'dein'])}${S})?${any(['system-?\\s?prompt', 'systemanweisungen', 'system-anweisungen', `ursprünglichen${S}anweisungen`])}${W1}`,
  ],
  [
    { id: 'fr-reveal', kind: 'reveal-prompt', confidence: 0.85 },
    `${any(['montre', 'affiche', 'révèle', 'répète', 'donne'])}(?:-moi|${S}moi)?${S}${any(['ton', 'votre', 'le', 'tes', 'vos', 'les'])}${S}${any([`prompt${S}(?:système|systeme|initial)`, `instructions${S}(?:système|systeme|initiales)`])}${W1}`,
  ],
  [
    { id: 'es-reveal', kind: 'reveal-prompt', confidence: 0.85 },
    `${any(['muestra(?:me)?', 'muéstrame', 'revela(?:me)?', 'revélame', 'repite', 'dime', 'enséñame'])}${S}${any(['tu', 'tus', 'el', 'las', 'los'])}${S}${any([`prompt${S}(?:del${S}sistema|inicial)`, `instrucciones${S}(?:del${S}sistema|iniciales)`])}${W1}`,
  ],
  // Role-play jailbreaks.
  [{ id: 'dan', kind: 'role-play', confidence: 0.9 }, `do${S}anything${S}now${W1}`],
  [
    { id: 'dan-persona', kind: 'role-play', confidence: 0.85 },
    `${any([`you${S}are`, `act${S}as`, 'become', `pretend${S}to${S}be`])}${S}(?:now${S})?(?:an?${S})?DAN${W1}`,
  ],
  [
    { id: 'developer-mode-on', kind: 'role-play', confidence: 0.7 },
    `developer${S}mode${S}${any(['enabled', 'activated', 'output'])}${W1}`,
  ],
  [{ id: 'developer-mode', kind: 'role-play', confidence: 0.5 }, `developer${S}mode${W1}`],
  [
    { id: 'en-unrestricted-act', kind: 'role-play', confidence: 0.85 },
    `${any(['act', 'behave', 'respond', 'answer', 'roleplay'])}${S}as${S}${clause}${any(['without', `with${S}no`, `free${S}(?:of|from)`])}${S}(?:any${S})?${limits(['restrictions', 'limits', 'limitations', 'filters', 'rules', 'censorship', 'guidelines', 'ethics', 'morals', 'boundaries'])}`,
  ],
  [
    { id: 'en-you-are-now-unrestricted', kind: 'role-play', confidence: 0.85 },
    `you${S}are${S}now${S}(?:an?${S}|the${S}|my${S})?${limits(['unrestricted', 'unfiltered', 'uncensored', 'jailbroken', 'evil', 'rogue', 'free'])}`,
  ],
  [
    { id: 'en-pretend-no-rules', kind: 'role-play', confidence: 0.8 },
    `pretend${S}(?:that${S})?you${S}${any([`have${S}no`, `are${S}not${S}bound${S}by`, `are${S}free${S}of`])}${W1}`,
  ],
  [{ id: 'en-you-are-now', kind: 'role-play', confidence: 0.5 }, `you${S}are${S}now${W1}`],
  [
    { id: 'unrestricted-mode', kind: 'role-play', confidence: 0.7 },
    `${any(['unrestricted', 'unfiltered', 'uncensored', 'jailbroken', 'jailbreak'])}${S}${limits(['mode', 'ai', 'assistant', 'model', 'version', 'persona'])}`,
  ],
  [
    { id: 'de-unrestricted-act', kind: 'role-play', confidence: 0.85 },
    `${any([`tu${S}so,?${S}als`, `verhalte${S}dich`, 'agiere', 'antworte'])}${S}${clause}ohne${S}(?:${any(['jegliche', 'alle', 'irgendwelche'])}${S})?${limits(['einschränkungen', 'beschränkungen', 'filter', 'regeln', 'zensur'])}`,
  ],
  [
    { id: 'fr-unrestricted-act', kind: 'role-play', confidence: 0.85 },
    `${any(['agis', `fais${S}comme`, 'comporte-toi', 'réponds'])}${S}${clause}sans${S}(?:aucune?${S})?${limits(['restrictions?', 'limites?', 'filtres?', 'règles?', 'censure'])}`,
  ],
  [
    { id: 'es-unrestricted-act', kind: 'role-play', confidence: 0.85 },
    `${any(['actúa', 'actua', 'compórtate', 'finge', 'responde'])}${S}${clause}sin${S}(?:ningun[ao]?${S})?${limits(['restricci[oó]n(?:es)?', 'l[ií]mites?', 'filtros?', 'reglas?', 'censura'])}`,
  ],
  [
    { id: 'xx-you-are-now', kind: 'role-play', confidence: 0.5 },
    `${any([`du${S}bist${S}jetzt`, `tu${S}es${S}maintenant`, `ahora${S}eres`])}${W1}`,
  ],
  // Delimiter and role injection.
  [
    { id: 'chatml', kind: 'delimiter', confidence: 0.95 },
    `<\\|${any(['im_start', 'im_end', 'im_sep', 'endoftext', 'eot_id', 'start_header_id', 'end_header_id', 'system', 'assistant', 'user'])}\\|>`,
  ],
  [{ id: 'llama-inst', kind: 'delimiter', confidence: 0.85 }, '(?:\\[/?INST\\]|<</?SYS>>)'],
  [
    { id: 'markdown-role', kind: 'delimiter', confidence: 0.8 },
    `(?<=^|\\n)[ \\t]{0,8}#{2,6}[ \\t]{0,4}${any(['system', 'instructions?', `new${S}instructions`, 'assistant'])}[ \\t]{0,4}:?`,
  ],
  [
    { id: 'fake-system-turn', kind: 'delimiter', confidence: 0.75 },
    `(?<=^|\\n)[ \\t]{0,8}${any(['system', 'developer'])}[ \\t]{0,4}:`,
  ],
  [
    { id: 'fake-assistant-turn', kind: 'delimiter', confidence: 0.7 },
    `(?<=\\n)[ \\t]{0,8}${any(['assistant', 'ai', 'human', 'user', 'bot'])}[ \\t]{0,4}:`,
  ],
];

/** The phrase patterns, compiled once. */
export const injectionPatterns: readonly InjectionPattern[] = [
  ...sources.map(([pattern, source]): InjectionPattern => {
    const regex = new RegExp(source, 'giu');
    const wordStart = !unanchored.has(pattern.id);
    return pattern.id === 'dan-persona'
      ? { ...pattern, regex, wordStart, accept: (match) => /DAN$/.test(match) }
      : { ...pattern, regex, wordStart };
  }),
];
