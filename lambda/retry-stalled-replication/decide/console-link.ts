/** The MGN console page of a source server (an ID from MGN is encoded: it cannot change the link). */
export function consoleUrl(region: string, sourceServerID: string): string {
  const host = region.startsWith('cn-')
    ? 'console.amazonaws.cn'
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/mgn/home?region=${region}#/sourceServers/${encodeURIComponent(sourceServerID)}`;
}
