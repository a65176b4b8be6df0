import type {
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { callJson, type JsonService } from './aws-json';
import { DYNAMODB_ENDPOINTS } from './service-endpoints';

/** DynamoDB as its SDK client calls it (awsJson1.0). */
const DYNAMODB: JsonService = { signingName: 'dynamodb', targetPrefix: 'DynamoDB_20120810', contentType: 'application/x-amz-json-1.0', endpoints: DYNAMODB_ENDPOINTS };

/** The ledger's operations, with the SDK's input and output types (the low-level shapes are the wire's). */
interface Operations {
  BatchGetItem: [BatchGetItemCommandInput, BatchGetItemCommandOutput];
  GetItem: [GetItemCommandInput, GetItemCommandOutput];
  PutItem: [PutItemCommandInput, PutItemCommandOutput];
  Query: [QueryCommandInput, QueryCommandOutput];
  Scan: [ScanCommandInput, ScanCommandOutput];
  UpdateItem: [UpdateItemCommandInput, UpdateItemCommandOutput];
}

/**
 * Calls a DynamoDB operation of the ledger's table in the function's Region (aws/aws-json.ts says
 * how, and why not DynamoDBClient). Errors carry DynamoDB's names (`ConditionalCheckFailedException`…).
 */
export async function dynamodb<Operation extends keyof Operations>(
  operation: Operation,
  input: Operations[Operation][0],
  abortSignal: AbortSignal,
): Promise<Omit<Operations[Operation][1], '$metadata'>> {
  return (await callJson(DYNAMODB, operation, input, process.env['AWS_REGION'] ?? '', abortSignal)) as Omit<Operations[Operation][1], '$metadata'>;
}
