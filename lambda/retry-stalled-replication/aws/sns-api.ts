import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { snsMessage, type Notice } from '../decide/escalation-message';
import { AWS_CLIENT_SETTINGS, sendBefore } from './clients';

/** Created once per execution environment, when the first notice goes out (a chunk of its own). */
const sns = new SNSClient(AWS_CLIENT_SETTINGS);

/**
 * Publishes a notice in two shapes (`MessageStructure: json`): e-mail subscribers get the plain
 * text (`email`), everything else, Amazon Q Developer chat channels first, the custom-notification
 * JSON (`default`), within the size SNS takes. Resolves once SNS has accepted it.
 */
export async function publishNotification(topicArn: string, notice: Notice, latest: number): Promise<void> {
  await sendBefore(latest, 'SNS Publish', (abortSignal) =>
    sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: notice.subject,
        MessageStructure: 'json',
        Message: snsMessage(notice),
      }),
      { abortSignal },
    ),
  );
}
