import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { connect } from './api/connect.ts';
import { AccessProvider } from './components/AccessProvider.tsx';
import './i18n/index.ts';
import './styles.css';

const connection = connect();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AccessProvider api={connection.client.api}>
        <App connection={connection} />
      </AccessProvider>
    </StrictMode>,
  );
}
