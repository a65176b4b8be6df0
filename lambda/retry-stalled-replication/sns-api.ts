import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AWS_CLIENT_SETTINGS } from './aws-clients';

/** Created once per execution environment and reused by warm invocations. */
const sns = new SNSClient(AWS_CLIENT_SETTINGS);

/** Publishes a plain-text notification. */
export async function publishNotification(topicArn: string, subject: string, message: string): Promise<void> {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
}
