/** A command a person or agent runs, shown whole and selectable. */
export function Command({ text }: { text: string }) {
  return (
    <pre className="command">
      <code>{text}</code>
    </pre>
  );
}
