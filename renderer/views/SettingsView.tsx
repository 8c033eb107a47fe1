// Placeholder until the view lands (issue 10, this session).
export function SettingsView() {
  return <p>SettingsView</p>;
}
