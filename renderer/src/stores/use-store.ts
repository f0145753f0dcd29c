import { createContext, useContext, useSyncExternalStore } from 'react';
import type { HelloscopeBridge } from '../../../core/api.js';
import type { AppState, AppStore } from './app-store.js';

export const StoreContext = createContext<{ store: AppStore; api: HelloscopeBridge } | null>(null);

export function useApp(): { store: AppStore; api: HelloscopeBridge } {
  const c = useContext(StoreContext);
  if (!c) throw new Error('StoreContext missing');
  return c;
}

export function useAppState(): AppState {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, store.getState);
}
