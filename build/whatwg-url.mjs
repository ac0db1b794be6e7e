// node-fetch falls back to whatwg-url only where Node has no URL class; Node 20 has one, so the
// bundle leaves out whatwg-url and its 260 KB Unicode table.
export const URL = globalThis.URL;
