import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_SETTINGS } from './clients';

/** The ledger's client: created once per execution environment and reused by warm invocations. */
export const dynamodb = new DynamoDBClient(AWS_CLIENT_SETTINGS);
