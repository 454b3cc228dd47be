import type { LegacyFixture, LegacyOrgFixture, LegacyRoleFixture } from './fixture';

/** One audit record of a role change, in the shape of the legacy audit API (`auditRecord` entries). */
export interface LegacyAuditRecord {
  /** Milliseconds since the epoch. */
  timeStamp: number;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  requestUri: string;
  user: string;
  responseCode: string;
}

/**
 * The legacy system's data with the change log its audit API reports. Every mutation records one audit entry per
 * role it touched, so a test can prove that re-migration follows the audit.
 */
export class LegacyState {
  private orgs: LegacyFixture;
  private readonly audits = new Map<string, LegacyAuditRecord[]>();

  constructor(fixture: LegacyFixture) {
    this.orgs = structuredClone(fixture);
  }

  org(name: string): LegacyOrgFixture | undefined {
    return Object.prototype.hasOwnProperty.call(this.orgs, name) ? this.orgs[name] : undefined;
  }

  role(org: string, role: string): LegacyRoleFixture | undefined {
    const roles = this.org(org);
    return roles && Object.prototype.hasOwnProperty.call(roles, role) ? roles[role] : undefined;
  }

  /** Audit records of `org` at or after `sinceMs` (at: a change in the same millisecond must not be missed). */
  auditsSince(org: string, sinceMs: number): LegacyAuditRecord[] {
    return (this.audits.get(org) ?? []).filter((record) => record.timeStamp >= sinceMs);
  }

  /** Replaces (or adds) a whole org; every role that differs is audited. */
  setOrg(name: string, roles: LegacyOrgFixture): void {
    const before = this.org(name) ?? {};
    const after = structuredClone(roles);
    this.orgs = { ...this.orgs, [name]: after };
    for (const role of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const was = before[role];
      const is = Object.prototype.hasOwnProperty.call(after, role) ? after[role] : undefined;
      if (JSON.stringify(was) === JSON.stringify(is)) continue;
      this.audit(name, role, was === undefined ? 'CREATE' : is === undefined ? 'DELETE' : 'UPDATE');
    }
  }

  deleteRole(org: string, role: string): void {
    const roles = this.requireOrg(org);
    if (!this.role(org, role)) throw new Error(`legacy stand-in: org ${org} has no role ${role}`);
    delete roles[role];
    this.audit(org, role, 'DELETE');
  }

  addUser(org: string, role: string, email: string): void {
    const found = this.requireRole(org, role);
    if (!found.users.includes(email)) found.users.push(email);
    this.audit(org, role, 'UPDATE');
  }

  removeUser(org: string, role: string, email: string): void {
    const found = this.requireRole(org, role);
    found.users = found.users.filter((user) => user !== email);
    this.audit(org, role, 'UPDATE');
  }

  private requireOrg(org: string): LegacyOrgFixture {
    const roles = this.org(org);
    if (!roles) throw new Error(`legacy stand-in: no org ${org}`);
    return roles;
  }

  private requireRole(org: string, role: string): LegacyRoleFixture {
    const found = this.role(org, role);
    if (!found) throw new Error(`legacy stand-in: org ${org} has no role ${role}`);
    return found;
  }

  private audit(org: string, role: string, operation: LegacyAuditRecord['operation']): void {
    const records = this.audits.get(org) ?? [];
    records.push({
      timeStamp: Date.now(),
      operation,
      requestUri: `/v1/o/${org}/userroles/${role}`,
      user: 'legacy-admin@example.com',
      responseCode: '200',
    });
    this.audits.set(org, records);
  }
}
