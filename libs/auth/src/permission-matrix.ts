import { Permission, ROLE_PERMISSIONS, ROLES, type Grant } from './permissions';

const CELL: Record<Grant, string> = { all: '✓', own: 'own' };

/** The role × permission table as text: one line per permission, one column per role. */
export function permissionMatrix(): string {
  const header = ['permission', ...ROLES];
  const rows = Object.entries(Permission).map(([name, value]) => [
    `${name} (\`${value}\`)`,
    ...ROLES.map((role) => {
      const grant = ROLE_PERMISSIONS[role][value];
      return grant ? CELL[grant] : '';
    }),
  ]);
  // Padded like prettier formats a markdown table, so the generated file passes a format check.
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((cells) => cells[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** docs/permissions.md, generated from the table by `npm run docs:permissions`. */
export function permissionsDocument(): string {
  return `# Permissions

<!-- Generated from libs/auth/src/permissions.ts by \`npm run docs:permissions\`; do not edit by hand.
     libs/auth/src/permission-matrix.spec.ts fails when this file and the table disagree. -->

Every route names one permission (\`@RequirePermission(Permission.X)\`), or is \`@Public()\`, or is for
services holding OAuth scopes (\`@Scopes(...)\`). The global guard lets a signed-in user through when
one of their roles holds the permission: \`signed_in\` (everyone signed in), their role in the
organisation their token acts in, and \`platform_admin\` for operators. Rules narrow further with
\`can(actor, permission, resource?)\`: **✓** holds the permission on every resource of the
organisation; **own** only on the actor's own (their home, the faults they reported, the listings they
are the contact of, what the document rules let them see) — the route is open to them, the rule decides.
Resource rules judge the organisation role; an operator's \`platform_admin\` row applies to routes.

${permissionMatrix()}
`;
}
