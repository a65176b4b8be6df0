import { chatCode, clip as clipText, TEXT_LIMITS } from './untrusted-text';

/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot) renders an SNS message in Slack,
 * Microsoft Teams or Amazon Chime only in its custom-notification JSON (admin guide, "Custom
 * notifications"; docs/operations.md, "Where notifications go"). Pure.
 */

/** A custom notification as the chat service reads it. */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata: {
    /** Messages with the same thread ID thread together: one thread per server. */
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources?: readonly string[];
  };
}

/**
 * Bounds that keep a message readable in a chat client and far below any limit the service or the
 * chat client may set (SNS itself takes 256 KB).
 */
export const CHAT_LIMITS = { title: 250, summary: 250, description: 3_000, nextSteps: 5, nextStep: 400, keywords: 5, keyword: 64 } as const;

export interface ChatParts {
  readonly title: string;
  readonly summary: string;
  /** Markdown lines. */
  readonly lines: readonly string[];
  readonly nextSteps?: readonly string[];
  readonly keywords?: readonly string[];
  readonly threadId: string;
  readonly eventType: string;
  readonly relatedResources?: readonly string[];
  readonly id?: string;
}

/** A custom notification, every field within `CHAT_LIMITS`. */
export function chatNotification(parts: ChatParts): ChatNotification {
  return {
    version: '1.0',
    source: 'custom',
    ...(parts.id === undefined ? {} : { id: parts.id }),
    content: {
      textType: 'client-markdown',
      title: clip(parts.title, CHAT_LIMITS.title),
      description: clip(parts.lines.join('\n'), CHAT_LIMITS.description),
      ...(parts.nextSteps === undefined ? {} : { nextSteps: parts.nextSteps.slice(0, CHAT_LIMITS.nextSteps).map((step) => clip(step, CHAT_LIMITS.nextStep)) }),
      ...(parts.keywords === undefined ? {} : { keywords: parts.keywords.slice(0, CHAT_LIMITS.keywords).map((keyword) => clip(keyword, CHAT_LIMITS.keyword)) }),
    },
    metadata: {
      threadId: parts.threadId,
      summary: clip(parts.summary, CHAT_LIMITS.summary),
      eventType: parts.eventType,
      ...(parts.relatedResources === undefined ? {} : { relatedResources: parts.relatedResources }),
    },
  };
}

/** Markdown code span for a value from MGN: one line, bounded, escaped; backticks and newlines in it cannot break out. */
export function code(value: string, limit: number = TEXT_LIMITS.value): string {
  return chatCode(value, limit);
}

/** Clipped chat text: never cut inside an escaped entity (`&amp;`) or a surrogate pair. */
function clip(text: string, limit: number): string {
  const clipped = clipText(text, limit);
  return clipped === text ? text : clipped.replace(/&[#a-z0-9]{0,6}…$/i, '…');
}
