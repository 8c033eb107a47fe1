// Placeholder until the view lands (issue 10, this session).
export function AuditView() {
  return <p>AuditView</p>;
}
