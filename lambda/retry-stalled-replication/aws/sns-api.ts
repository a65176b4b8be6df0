import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AWS_CLIENT_SETTINGS, sendBefore } from './clients';

/** Created once per execution environment and reused by warm invocations. */
const sns = new SNSClient(AWS_CLIENT_SETTINGS);

/** Publishes a plain-text notification; resolves once SNS has accepted it. */
export async function publishNotification(topicArn: string, subject: string, message: string, latest: number): Promise<void> {
  await sendBefore(latest, 'SNS Publish', (abortSignal) =>
    sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }), { abortSignal }),
  );
}
