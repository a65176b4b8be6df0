import type { EscalationKind } from './stall-episode';
import { oneLine, TEXT_LIMITS } from './untrusted-text';

/**
 * The OpsCenter OpsItem of a notice (setting `opsItems`). CreateOpsItem deduplicates on the
 * operational-data key `/aws/dedup`: no second OpsItem while one with the same string is Open or
 * In progress, so retries of an invocation and duplicate decisions never open two. Pure.
 */
export interface OpsItemDraft {
  readonly title: string;
  readonly description: string;
  /** 1 (highest) to 4. */
  readonly severity: '1' | '2' | '3';
  readonly dedupString: string;
  /** Searchable operational data: what a person filters the OpsCenter list by. */
  readonly data: Readonly<Record<string, string>>;
}

/** Severity by cause: a whole fleet 1, a server that needs a person 2, a spent budget 3. */
const SEVERITY: Record<EscalationKind | 'MASS_STALL', OpsItemDraft['severity']> = {
  MASS_STALL: '1',
  NEEDS_PERSON: '2',
  ACCESS_DENIED: '2',
  BUDGET_SPENT: '3',
  STILL_STALLED: '3',
};

/** OpsItem titles are at most 1,024 characters; a list reads best far below that. */
const TITLE_LIMIT = 200;
/** OpsItem descriptions are limited (1–2,048 characters per the API reference). */
const DESCRIPTION_LIMIT = 2_000;

export function opsItemDraft(
  cause: EscalationKind | 'MASS_STALL',
  facts: { title: string; text: string; accountID: string; episode: string; data: Readonly<Record<string, string | number | undefined>> },
): OpsItemDraft {
  const data: Record<string, string> = {};
  // Values from MGN (a hostname, an error) on one line and bounded, as in the notice.
  for (const [key, value] of Object.entries(facts.data)) {
    const text = value === undefined ? '' : oneLine(String(value), TEXT_LIMITS.message);
    if (text !== '') data[key] = text;
  }
  return {
    title: clip(facts.title, TITLE_LIMIT),
    description: clip(facts.text, DESCRIPTION_LIMIT),
    severity: SEVERITY[cause],
    dedupString: `mgn-stall-retry:${facts.accountID}:${facts.episode}`,
    data,
  };
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
