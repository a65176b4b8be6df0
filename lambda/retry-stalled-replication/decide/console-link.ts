/** The MGN console page of a source server. */
export function consoleUrl(region: string, sourceServerID: string): string {
  const host = region.startsWith('cn-')
    ? 'console.amazonaws.cn'
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/mgn/home?region=${region}#/sourceServers/${sourceServerID}`;
}
