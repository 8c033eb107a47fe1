// Placeholder until the view lands (issue 10, this session).
export function ApprovalsView() {
  return <p>ApprovalsView</p>;
}
