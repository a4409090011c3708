import { StyleProvider } from '@ant-design/cssinjs';
import { RemixBrowser } from '@remix-run/react';
import { StrictMode, startTransition } from 'react';
import { hydrateRoot } from 'react-dom/client';

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <StyleProvider hashPriority="high">
        <RemixBrowser />
      </StyleProvider>
    </StrictMode>,
  );
});
