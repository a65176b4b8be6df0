/**
 * Captures what the function writes (Powertools logs and EMF) during a test. Powertools writes
 * warnings and errors to stderr and the rest to stdout; Lambda sends both to CloudWatch Logs.
 */
export interface OutputCapture {
  /** Every line written, in order. */
  lines(): string[];
  /** Every line, parsed as JSON; throws naming the line if one is not JSON. */
  json(): Record<string, unknown>[];
  /** The EMF blobs among the lines. */
  emf(): EmfBlob[];
  restore(): void;
}

export interface EmfBlob extends Record<string, unknown> {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
}

export function captureOutput(): OutputCapture {
  let written = '';
  const capture = (chunk: string | Uint8Array): boolean => {
    written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  const lines = (): string[] => written.split('\n').filter((line) => line.trim() !== '');
  const json = (): Record<string, unknown>[] =>
    lines().map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`output line is not JSON: ${line}`);
      }
    });
  return {
    lines,
    json,
    emf: () => json().filter((entry): entry is EmfBlob => '_aws' in entry),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/**
 * The value of a metric across EMF blobs, summed, optionally only where a dimension has a value.
 * A metric added several times in one flush is one array of values in its blob.
 */
export function metricValue(blobs: readonly EmfBlob[], name: string, dimension?: [string, string]): number {
  return blobs
    .filter((blob) => blob._aws.CloudWatchMetrics.some((set) => set.Metrics.some((metric) => metric.Name === name)))
    .filter((blob) => dimension === undefined || blob[dimension[0]] === dimension[1])
    .flatMap((blob) => [blob[name]].flat())
    .reduce((sum: number, value) => sum + Number(value), 0);
}
