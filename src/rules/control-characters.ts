/**
 * Characters that act on a terminal rather than show on it: C0 (newline, tab, ESC, which starts
 * colour and cursor sequences), DEL, C1, the line and paragraph separators and the bidirectional
 * overrides. Free text that certops prints (names, departments, data centers, usernames, SMTP
 * settings, task notes) has none. Pure: shared by the settings checks and what prints old text.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

const EVERY_CONTROL_CHARACTER = new RegExp(CONTROL_CHARACTERS.source, 'g');

/** The message for free text holding a control character; `what` is the field ("the name"). */
export const controlCharacterMessage = (what: string) => `${what} has a control character (a newline, tab or escape sequence); type it on one line without them`;

/** `text` with each control character replaced by "?": for text certops did not check itself (provider answers, old files). */
export const printable = (text: string) => text.replace(EVERY_CONTROL_CHARACTER, '?');

const ESCAPES: Readonly<Record<string, string>> = { '\u0007': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

/** One control character as an escape a person can read: \e, \n, \x07 → \a, \u202e. */
const escapeOne = (character: string) => ESCAPES[character] ?? (character.charCodeAt(0) <= 0xff ? `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `text` with each control character written as an escape (`auto\e[31m`): shows what was given, never acts on the terminal. */
export const escapeControl = (text: string) => text.replace(EVERY_CONTROL_CHARACTER, escapeOne);

/** Input quoted in a message: `"auto\e[31m"`. Every message that quotes what it was given uses it. */
export const quoted = (text: string) => `"${escapeControl(text)}"`;

/**
 * A whole message for the terminal: its own line breaks kept, every other control character
 * escaped, for a message that may hold input no one quoted with `quoted`.
 */
export const printableMessage = (text: string) => text.split('\n').map(escapeControl).join('\n');

/**
 * Characters that take no room on screen: the zero-width space, non-joiner and joiner, the word
 * joiner and the BOM. In a name they make two names that look the same; refused there.
 */
export const INVISIBLE_CHARACTERS = /[\u200B-\u200D\u2060\uFEFF]/;

export const invisibleCharacterMessage = (what: string) => `${what} has an invisible character (a zero-width space or joiner: U+200B to U+200D, U+2060 or U+FEFF); type it without`;

/**
 * The form two names are compared in: Unicode NFC (an "é" typed as one character or as "e" and a
 * combining accent is one name), trimmed, without case.
 */
export const nameKey = (name: string) => name.normalize('NFC').trim().toLowerCase();
