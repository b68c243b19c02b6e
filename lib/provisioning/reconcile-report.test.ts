import { describe, expect, it } from "vitest";
import { buildReconcileReports, type TReconcileRunRow } from "./reconcile-report.ts";

const at = (min: number) => new Date(Date.UTC(2026, 10, 29, 12, min));
let n = 0;
const run = (over: Partial<TReconcileRunRow> & { min: number }): TReconcileRunRow => ({
  id: `r${++n}`,
  integrationId: "i1",
  integrationName: "Org",
  trigger: "SCHEDULE",
  status: "SUCCEEDED",
  startedAt: at(over.min),
  finishedAt: at(over.min + 1),
  findings: [],
  resumeAfterArn: null,
  ...over,
});
const finding = (detail: string) => ({ kind: "LEFTOVER_ASSIGNMENT", awsAccountId: "111111111111", permissionSetArn: null, principalId: null, action: "REPORTED", detail });

describe("buildReconcileReports", () => {
  it("merges a run cut at its time budget with the scheduled continuations that finished its scan", () => {
    const [report] = buildReconcileReports([
      run({ min: 0, findings: [finding("old pass")] }),
      run({ min: 10, findings: [finding("leftover from the grant checks")], resumeAfterArn: "arn:ps/5", status: "PARTIAL" }),
      run({ min: 11, findings: [finding("orphan in the scan")], resumeAfterArn: "arn:ps/9" }),
      run({ min: 12, findings: [] }),
    ]);
    expect(report!.running).toBeNull();
    expect(report!.report).toMatchObject({ runs: 3, status: "PARTIAL", unfinished: false, startedAt: at(10).toISOString(), finishedAt: at(13).toISOString() });
    expect(report!.report!.findings.map((f) => f.detail)).toEqual(["leftover from the grant checks", "orphan in the scan"]);
  });

  it("shows a run in progress beside the last complete pass, never as 'no findings'", () => {
    const [report] = buildReconcileReports([run({ min: 0, findings: [finding("kept")] }), run({ min: 5, status: "RUNNING", finishedAt: null, trigger: "MANUAL" })], at(6));
    expect(report!.running).toEqual({ startedAt: at(5).toISOString(), trigger: "MANUAL" });
    expect(report!.report!.findings.map((f) => f.detail)).toEqual(["kept"]);
  });

  it("keeps showing a pass 'so far' while its continuation runs, and a manual run after a cut one starts afresh", () => {
    const rows = [run({ min: 0, resumeAfterArn: "arn:ps/5", findings: [finding("first half")] }), run({ min: 1, status: "RUNNING", finishedAt: null })];
    const [during] = buildReconcileReports(rows, at(2));
    expect(during!.running).not.toBeNull();
    expect(during!.report).toMatchObject({ runs: 2, unfinished: true, findings: [expect.objectContaining({ detail: "first half" })] });
    const manual = buildReconcileReports([run({ min: 0, resumeAfterArn: "arn:ps/5", findings: [finding("cut")] }), run({ min: 1, trigger: "MANUAL", findings: [finding("fresh")] })]);
    expect(manual[0]!.report).toMatchObject({ runs: 1, trigger: "MANUAL", findings: [expect.objectContaining({ detail: "fresh" })] });
  });

  it("reports every integration, not only the one that ran last", () => {
    const reports = buildReconcileReports([run({ min: 0, integrationId: "i2", integrationName: "B org", findings: [finding("b")] }), run({ min: 9, findings: [] })]);
    expect(reports.map((r) => [r.integrationName, r.report?.findings.length])).toEqual([["B org", 1], ["Org", 0]]);
  });
  it("shows a run nothing will finish (still RUNNING after 15 minutes) as interrupted, not running forever", () => {
    const rows = [run({ min: 0, findings: [finding("older")] }), run({ min: 5, status: "RUNNING", finishedAt: null, trigger: "MANUAL" })];
    const [report] = buildReconcileReports(rows, at(30));
    expect(report!.running).toBeNull();
    expect(report!.report).toMatchObject({ trigger: "MANUAL", status: "INTERRUPTED", findings: [] });
  });
});
