/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

/**
 * Parses Prometheus text format 0.0.4 (what prom-client's registry serves), strictly: a line that is
 * neither a comment nor a well-formed sample is an error, so a misconfigured scrape URL (an HTML page)
 * is reported on the rule instead of silently yielding no data. No maintained parser is installed.
 */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not a Prometheus sample`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    const value = parseValue(valueText);
    if (value === null) throw new Error(`line ${i + 1}: "${valueText}" is not a sample value`);
    samples.push({ name, labels: parseLabels(labelText ?? '', i + 1), value });
  });
  return samples;
}

function parseValue(text: string): number | null {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const n = Number(text);
  return text !== '' && !Number.isNaN(n) ? n : null;
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`line ${line}: malformed labels`);
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    if (m[3] === '') break;
  }
  return labels;
}
