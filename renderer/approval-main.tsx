import { createRoot } from 'react-dom/client';
import { windowBridge } from './store/bridge.js';
import { ApprovalWindow } from './views/ApprovalWindow.js';
import './styles.css';

// The app opens this page as approval.html#<R-… request id or C-… confirmation id>.
const promptId = decodeURIComponent(window.location.hash.slice(1));
createRoot(document.getElementById('root')!).render(<ApprovalWindow bridge={windowBridge()} promptId={promptId} />);
