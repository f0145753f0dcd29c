import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { gateway } from './gateway.js';
import { AppStore } from './stores/app-store.js';
import { StoreContext } from './stores/use-store.js';
import { App } from './views/App.js';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
try {
  const api = gateway();
  const store = new AppStore(api);
  root.render(<StrictMode><StoreContext.Provider value={{ store, api }}><App /></StoreContext.Provider></StrictMode>);
} catch (e) {
  root.render(<div className="fatal" role="alert">Helloscope could not start: {(e as Error).message}</div>);
}
