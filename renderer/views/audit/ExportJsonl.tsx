/** The export button, with the count as pages arrive, what was saved, or why it failed. */
import { useState } from 'react';
import type { ParamsOf } from '../../../shared/protocol.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { exportFileName, fetchAll, saveFile, toJsonl } from './export-jsonl.js';

export function ExportJsonl({ filters, now = () => new Date() }: { filters: ParamsOf<'audit.query'>; now?: () => Date }) {
  const bridge = useBridge();
  const [progress, setProgress] = useState<string | null>(null);
  const exporter = useAction(async () => {
    setProgress('Exporting… 0 entries');
    try {
      const entries = await fetchAll((params) => bridge['audit.query'](params), filters, (count) => setProgress(`Exporting… ${count.toLocaleString()} entries`));
      const fileName = exportFileName(now());
      saveFile(toJsonl(entries), fileName);
      setProgress(`Exported ${entries.length.toLocaleString()} entries, oldest first, to ${fileName}`);
    } catch (error) {
      setProgress(null);
      throw error;
    }
  });
  return (
    <div className="audit-export">
      <button type="button" onClick={() => void exporter.run()} disabled={exporter.busy} title="Every entry matching the filters, oldest first, one JSON object a line">
        Export JSONL
      </button>
      <span role="status" className="muted">
        {progress}
      </span>
      <ErrorNote error={exporter.error} onRetry={() => void exporter.run()} />
    </div>
  );
}
