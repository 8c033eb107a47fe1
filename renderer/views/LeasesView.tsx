// Placeholder until the view lands (issue 10, this session).
export function LeasesView() {
  return <p>LeasesView</p>;
}
