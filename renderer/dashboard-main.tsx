import { createRoot } from 'react-dom/client';
import { windowBridge } from './store/bridge.js';
import { Dashboard } from './views/Dashboard.js';
import './styles.css';

createRoot(document.getElementById('root')!).render(<Dashboard bridge={windowBridge()} />);
