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
