// Placeholder until the view lands (issue 10, this session).
export function Header() {
  return <p>Header</p>;
}
