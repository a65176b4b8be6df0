/**
 * Text the function does not control, made safe for a notice: what MGN reports (the hostname the
 * agent read on the source machine, `dataReplicationError.rawError`, error codes, step names),
 * error messages, and in a hub anything a spoke account returns. Every such value is put on one
 * line and bounded; in chat it also cannot mention, link or format. Pure.
 */

/** How long a value may be in a notice (characters, before escaping). */
export const TEXT_LIMITS = {
  /** The longest DNS name. */
  hostname: 253,
  rawError: 1_000,
  /** Error messages: a retry's problem, an account notice's error. */
  message: 1_000,
  /** Any other value: an error code, a state, a step, a policy in words. */
  value: 200,
} as const;

/**
 * C0 and C1 control characters (newlines and tabs among them), DEL, the Unicode line and paragraph
 * separators, zero-width and bidirectional formatting characters: each run becomes one space.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+/g;

/** A value on one line, without control characters, at most `limit` characters (an ellipsis marks a cut). */
export function oneLine(value: string, limit: number): string {
  return clip(value.replace(UNPRINTABLE, ' ').replace(/ {2,}/g, ' ').trim(), limit);
}

/** Text at most `limit` characters, cut with an ellipsis, never inside a surrogate pair. */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = Math.max(0, limit - 1);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Escapes what chat markup reads as a mention, a link or an entity: `&`, `<`, `>` (Slack's rule; Teams reads them as HTML). */
export function escapeChat(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown characters that format or link, and look-alikes that do not. */
const MARKDOWN_LOOKALIKES: Readonly<Record<string, string>> = { '*': '\uff0a', _: '\uff3f', '~': '\uff5e', '`': "'", '[': '\uff3b', ']': '\uff3d' };

/**
 * Markdown characters that can format or link. An underscore between letters or digits cannot
 * (`AGENT_NOT_SEEN`, `web_01` read as they are in Slack, Teams and CommonMark), any other can.
 */
const MARKDOWN = /[*~`[\]]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/**
 * A value for chat prose (a title, a summary, a sentence): on one line, bounded, escaped, and with
 * markdown emphasis, code and link characters replaced by look-alikes, so it reads as it is and
 * cannot bold, strike, open a code span or make a link.
 */
export function chatText(value: string, limit: number): string {
  return escapeChat(oneLine(value, limit).replace(MARKDOWN, (character) => MARKDOWN_LOOKALIKES[character] ?? character));
}

/**
 * A value as a markdown code span: on one line (a newline cannot end the span), bounded, escaped,
 * backticks made quotes (they cannot close it). Inside a code span nothing else formats.
 */
export function chatCode(value: string, limit: number): string {
  return `\`${escapeChat(oneLine(value, limit).replace(/`/g, "'"))}\``;
}

/**
 * A value for a wrapped plain-text paragraph: on one line, bounded, and its spaces no-break, so
 * that wrapping never starts a line with part of it (a value cannot pose as a line of the notice).
 */
export function inProse(value: string, limit: number): string {
  return oneLine(value, limit).replace(/ /g, '\u00a0');
}
