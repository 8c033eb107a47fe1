// Placeholder until the view lands (issue 10, this session).
export function SecretsView() {
  return <p>SecretsView</p>;
}
