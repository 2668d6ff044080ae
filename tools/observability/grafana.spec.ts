import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { loadCompose } from '@ppt/testing';
import {
  catalogue,
  DASHBOARDS_DIR,
  OBSERVABILITY,
  promtool,
  unknownNames,
  type Catalogue,
} from './metric-catalogue';

/**
 * docker/observability/grafana: the provisioning files match Grafana's provisioning format
 * (https://grafana.com/docs/grafana/latest/administration/provisioning/: `apiVersion: 1`; data sources
 * with name, type, access, url; dashboard providers with name, type `file`, options.path), and every
 * dashboard has what Grafana's dashboard JSON model requires
 * (https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/:
 * uid, title, schemaVersion, panels with id, type, gridPos and targets) and queries the provisioned data
 * source with PromQL that promtool parses and that names metrics the code defines.
 */
const PROVISIONING = join(OBSERVABILITY, 'grafana/provisioning');
const yamlIn = (dir: string) =>
  readdirSync(join(PROVISIONING, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ file: `${dir}/${f}`, doc: parse(readFileSync(join(PROVISIONING, dir, f), 'utf8')) }));

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  datasource?: { uid?: string };
  query?: string | { query: string };
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list: Variable[] };
}
const dashboards = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({
    file,
    dashboard: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard,
  }));
const panelsOf = (d: Dashboard): Panel[] => (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = (d: Dashboard) => panelsOf(d).filter((p) => p.type !== 'row');

/** Grafana's variables in PromQL, replaced by what they stand for so Prometheus' parser can read it. */
const asPromQL = (expr: string) =>
  expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?\w+\}?/g, 'x');

/** Every PromQL a dashboard sends: panel targets and the selector of each `label_values()` variable. */
function expressionsOf(d: Dashboard): { where: string; expr: string }[] {
  const targets = queryPanels(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `${d.uid} panel "${p.title}" ${t.refId}`, expr: t.expr ?? '' })),
  );
  const variables = (d.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => {
      const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
      const selector = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1] ?? query;
      return { where: `${d.uid} variable ${v.name}`, expr: selector };
    });
  return [...targets, ...variables];
}

describe('Grafana provisioning and dashboards', () => {
  let known: Catalogue;
  beforeAll(async () => {
    known = await catalogue();
  });
  const [datasources] = yamlIn('datasources');
  const providers = yamlIn('dashboards');
  const uid = datasources.doc.datasources[0].uid;

  it("provisions the Prometheus data source in Grafana's format, with the uid the dashboards name", () => {
    expect(datasources.doc.apiVersion).toBe(1);
    for (const source of datasources.doc.datasources)
      expect(source).toMatchObject({
        name: expect.any(String),
        uid: expect.stringMatching(/^[\w-]{1,40}$/),
        type: 'prometheus',
        access: expect.stringMatching(/^(proxy|direct)$/),
        url: 'http://prometheus:9090',
      });
  });

  it('provisions the dashboards from files, from the directory compose mounts them at', () => {
    expect(providers).toHaveLength(1);
    const [{ doc }] = providers;
    expect(doc.apiVersion).toBe(1);
    expect(doc.providers).toEqual([
      expect.objectContaining({
        name: expect.any(String),
        type: 'file',
        options: expect.objectContaining({ path: expect.any(String) }),
      }),
    ]);
    const grafana = loadCompose().services['grafana'] as { volumes: string[] };
    expect(grafana.volumes).toContain(
      `./observability/grafana/dashboards:${doc.providers[0].options.path}:ro`,
    );
    expect(grafana.volumes).toContain('./observability/grafana/provisioning:/etc/grafana/provisioning:ro');
  });

  it('has a dashboard for API RED, processes, database, Redis, queues and jobs, SSO, business and WebSocket', () => {
    expect(dashboards.map((d) => d.file).sort()).toEqual(
      ['api-red', 'business', 'database', 'processes', 'queues', 'redis', 'sso', 'websocket'].map(
        (n) => `${n}.json`,
      ),
    );
  });

  it.each(dashboards)(
    '$file has the fields of the dashboard JSON model, and queries the provisioned data source',
    ({ dashboard }) => {
      expect(dashboard).toMatchObject({
        uid: expect.stringMatching(/^[\w-]{1,40}$/),
        title: expect.any(String),
        schemaVersion: expect.any(Number),
        panels: expect.any(Array),
      });
      const panels = panelsOf(dashboard);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const panel of panels) {
        expect(panel).toMatchObject({
          id: expect.any(Number),
          type: expect.any(String),
          title: expect.any(String),
        });
        const { x, y, w, h } = panel.gridPos ?? { x: -1, y: -1, w: 0, h: 0 };
        expect({ panel: panel.title, fits: x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24 }).toEqual({
          panel: panel.title,
          fits: true,
        });
      }
      for (const panel of queryPanels(dashboard)) {
        expect({
          panel: panel.title,
          datasource: panel.datasource?.uid,
          targets: panel.targets?.length ?? 0,
        }).toEqual({
          panel: panel.title,
          datasource: uid,
          targets: expect.any(Number),
        });
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const target of panel.targets ?? [])
          expect({ panel: panel.title, target }).toMatchObject({
            panel: panel.title,
            target: { refId: expect.any(String), expr: expect.any(String), datasource: { uid } },
          });
      }
      for (const variable of (dashboard.templating?.list ?? []).filter((v) => v.type === 'query'))
        expect({ variable: variable.name, datasource: variable.datasource?.uid }).toEqual({
          variable: variable.name,
          datasource: uid,
        });
    },
  );

  it('dashboard uids and titles are unique', () => {
    for (const field of ['uid', 'title'] as const) {
      const values = dashboards.map((d) => d.dashboard[field]);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('every dashboard query names only metrics and labels the code defines', () => {
    const problems = dashboards.flatMap(({ dashboard }) =>
      expressionsOf(dashboard).flatMap(({ where, expr }) =>
        unknownNames(asPromQL(expr), known).map((p) => `${where}: ${p}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('every dashboard query is PromQL that promtool parses (each checked as a recording rule)', () => {
    const expressions = dashboards.flatMap(({ dashboard }) => expressionsOf(dashboard));
    const check = (exprs: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'ppt-dashboards-'));
      try {
        const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: asPromQL(expr) }));
        writeFileSync(join(dir, 'queries.yml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
        return promtool(['check', 'rules', 'queries.yml'], dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const checked = check(expressions.map((e) => e.expr));
    expect({ status: checked.status, output: checked.output }).toMatchObject({ status: 0 });
    expect(checked.output).toContain(`${expressions.length} rules found`);
    // The same check refuses a query Prometheus would not run.
    expect(check(['sum by (route (rate(http_requests_total[5m]))']).status).not.toBe(0);
  });
});
