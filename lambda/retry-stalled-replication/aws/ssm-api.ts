import { CreateOpsItemCommand, SSMClient, UpdateOpsItemCommand } from '@aws-sdk/client-ssm';
import type { OpsItemDraft } from '../decide/ops-item';
import { AWS_CLIENT_SETTINGS, sendBefore } from './clients';

/** Created once per execution environment, when the first OpsItem is opened or resolved (a chunk of its own). */
const ssm = new SSMClient(AWS_CLIENT_SETTINGS);

/**
 * Opens an OpsItem, or finds the one already open for the same deduplication string, and returns
 * its ID. What CreateOpsItem does on a match is not documented: it may answer with the existing ID,
 * or fail with OpsItemAlreadyExistsException carrying it; both give the ID.
 */
export async function openOpsItem(draft: OpsItemDraft, latest: number): Promise<string> {
  try {
    const { OpsItemId } = await sendBefore(latest, 'Systems Manager CreateOpsItem', (abortSignal) =>
      ssm.send(
        new CreateOpsItemCommand({
          Title: draft.title,
          Description: draft.description,
          Source: 'mgn-stall-retry',
          Severity: draft.severity,
          Category: 'Availability',
          OperationalData: {
            '/aws/dedup': { Type: 'SearchableString', Value: JSON.stringify({ dedupString: draft.dedupString }) },
            ...Object.fromEntries(Object.entries(draft.data).map(([key, value]) => [key, { Type: 'SearchableString', Value: value }])),
          },
        }),
        { abortSignal },
      ),
    );
    if (OpsItemId === undefined) throw new Error('CreateOpsItem answered without an OpsItemId');
    return OpsItemId;
  } catch (error) {
    const existing = (error as { name?: string; OpsItemId?: string }).OpsItemId;
    if ((error as { name?: string }).name === 'OpsItemAlreadyExistsException' && existing !== undefined) return existing;
    throw error;
  }
}

/** Resolves an OpsItem, saying how the episode ended. */
export async function resolveOpsItem(opsItemId: string, resolution: string, latest: number): Promise<void> {
  await sendBefore(latest, 'Systems Manager UpdateOpsItem', (abortSignal) =>
    ssm.send(
      new UpdateOpsItemCommand({ OpsItemId: opsItemId, Status: 'Resolved', OperationalData: { Resolution: { Type: 'SearchableString', Value: resolution } } }),
      { abortSignal },
    ),
  );
}
