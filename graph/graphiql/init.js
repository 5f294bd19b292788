// Starts GraphiQL on this page: requests go to the endpoint named in the
// page (on this server), the example queries open as the first tabs, and
// the headers pane (e.g. {"Authorization": "Bearer …"}) is sent with every
// request but never stored in the browser.
(async function () {
  'use strict';
  const root = document.getElementById('graphiql');
  const endpoint = new URL(root.dataset.endpoint, location.href).href;

  let defaultTabs;
  try {
    const examples = await (await fetch(root.dataset.examples)).json();
    defaultTabs = examples.map(function (e) {
      return { query: e.query, variables: JSON.stringify(e.variables || {}, null, 2) };
    });
  } catch (err) {
    console.warn('postclear: example queries not loaded', err);
  }

  // Tabs and queries are kept per server, so two postclear servers on one
  // host do not overwrite each other's tabs.
  const prefix = 'postclear:' + endpoint + ':';
  const storage = {
    getItem: function (k) { return localStorage.getItem(prefix + k); },
    setItem: function (k, v) { localStorage.setItem(prefix + k, v); },
    removeItem: function (k) { localStorage.removeItem(prefix + k); },
    clear: function () {
      Object.keys(localStorage).filter(function (k) { return k.startsWith(prefix); })
        .forEach(function (k) { localStorage.removeItem(k); });
    },
    get length() { return Object.keys(localStorage).filter(function (k) { return k.startsWith(prefix); }).length; },
  };

  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: endpoint }),
    defaultTabs: defaultTabs,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    isHeadersEditorEnabled: true,
    // A bearer token is a credential: it stays in this tab's memory only.
    shouldPersistHeaders: false,
    storage: storage,
    inputValueDeprecation: true,
  }));
})();
