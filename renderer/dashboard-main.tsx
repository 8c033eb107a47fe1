import { createRoot } from 'react-dom/client';
import { windowBridge } from './store/bridge.js';
import { Dashboard, tabFromHash } from './views/Dashboard.js';
import './styles.css';

createRoot(document.getElementById('root')!).render(<Dashboard bridge={windowBridge()} initialTab={tabFromHash(window.location.hash)} />);
