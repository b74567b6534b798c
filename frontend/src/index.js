// hocso present's widget front end: the page Voila rendered on the server, made live.
//
// Voila's own front end boots a JupyterLab application (about 5 MB of scripts) on every page; on a
// phone most of the time to the first widget went to parsing and running it. This bundle carries only
// what the course's apps use: ipywidgets' manager with the standard widgets, a kernel connection
// for widget messages, and a renderer for the outputs Voila embeds in the page.
import '@jupyter-widgets/controls/css/widgets-base.css';
import './hocso.css';
import { Kernel } from './kernel.js';
import { WidgetManager } from './manager.js';
import { message } from './messages.js';
import { renderOutput } from './outputs.js';

const OUTPUT_SCRIPTS = 'script[type="application/vnd.voila.cell-output+json"]';

/** The connection banner: 'reconnecting' (a note), 'lost' (with a reload button) or none. */
function showConnection(state) {
  document.querySelector('.hocso-connection')?.remove();
  if (state === 'connected') return;
  const banner = document.createElement('div');
  banner.className = `hocso-connection hocso-${state}`;
  banner.setAttribute('role', 'alert');
  const text = document.createElement('span');
  text.textContent = message(state === 'lost' ? 'disconnected' : 'reconnecting');
  banner.append(text);
  if (state === 'lost') {
    const reload = document.createElement('button');
    reload.textContent = message('reload');
    reload.addEventListener('click', () => location.reload());
    banner.append(reload);
  }
  document.body.prepend(banner);
}

/** Word the messages the template marks (a failed cell) in the page's language. */
function wordMarkedMessages() {
  for (const node of document.querySelectorAll('[data-hocso-message]')) {
    node.textContent = message(node.dataset.hocsoMessage);
  }
}

async function start() {
  wordMarkedMessages();
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const kernel = new Kernel(`${scheme}//${location.host}${config.baseUrl}api/kernels/${config.kernelId}/channels`);
  kernel.onState = showConnection;
  const manager = new WidgetManager(kernel);
  window.hocsoWidgets = { kernel, manager };
  const loaded = kernel.ready.then(() => manager.load());
  const shown = [];
  for (const script of document.querySelectorAll(OUTPUT_SCRIPTS)) {
    const [box, widget] = renderOutput(JSON.parse(script.textContent), manager, loaded);
    script.replaceWith(box);
    if (widget) shown.push(widget);
  }
  await loaded;
  const failed = (await Promise.allSettled(shown)).filter((result) => result.status === 'rejected');
  for (const { reason } of failed) console.error('hocso: a widget could not be shown:', reason);
}

start().catch((error) => {
  console.error("hocso: the page could not load its kernel's widgets:", error);
  showConnection('lost');
});
