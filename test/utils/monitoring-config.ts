import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
export const MONITORING = path.join(ROOT, 'monitoring');

/** A YAML file of the repository, parsed (anchors and merge keys resolved). */
export function readYaml<T = Record<string, unknown>>(relative: string): T {
  return parse(fs.readFileSync(path.join(ROOT, relative), 'utf8'), { merge: true }) as T;
}

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

/** Grafana's variables, replaced by what they stand for when the whole range is selected. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '1m').replace(/\$__interval/g, '15s').replace(/\$__range/g, '5m').replace(/\$service/g, '.*');
}

/** Every PromQL expression of the dashboard, by panel title. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(fs.readFileSync(path.join(MONITORING, 'grafana/dashboards/nest-telemetry.json'), 'utf8')) as Dashboard;
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: withoutGrafanaVariables(target.expr) })));
}

/** Every alert rule's expression, by alert name. */
export function alertQueries(): { alert: string; expr: string }[] {
  const rules = readYaml<{ groups: { rules: { alert: string; expr: string }[] }[] }>('monitoring/alerts.yml');
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({ alert: rule.alert, expr: rule.expr })));
}
