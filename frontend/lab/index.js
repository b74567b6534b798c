// hocso's learner lab: one "Nộp bài" (Submit) button on every notebook's toolbar.
// It saves the notebook first (so what is sent is what the learner sees), then asks the lab's server
// (hocso.lab.server) to hand the module's folder to nbgrader's exchange, and shows the receipt:
// when, and which files went (the widget answers file included). Texts come from the server in the
// course language; nothing is fetched from anywhere else.
import { Dialog, IToolbarWidgetRegistry, ToolbarButton, showDialog } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

const API = 'hocso/lab/';

async function call(settings, path, init) {
  const url = settings.baseUrl + API + path;
  const response = await ServerConnection.makeRequest(url, init || {}, settings);
  let body = {};
  try {
    body = await response.json();
  } catch (error) {
    body = {};
  }
  return { ok: response.ok, body };
}

function receiptBody(lines) {
  const node = document.createElement('div');
  node.className = 'hocso-receipt';
  for (const line of lines) {
    const p = document.createElement('p');
    p.textContent = line;
    node.appendChild(p);
  }
  return new Widget({ node });
}

async function submit(panel, settings, texts, button) {
  button.enabled = false;
  try {
    await panel.context.save();
    const { ok, body } = await call(settings, 'submit', {
      method: 'POST',
      body: JSON.stringify({ path: panel.context.path })
    });
    if (!ok) {
      await showDialog({
        title: texts.failed_title,
        body: receiptBody([body.message || texts.failed]),
        buttons: [Dialog.okButton({ label: texts.ok })]
      });
      return;
    }
    await showDialog({
      title: texts.receipt_title,
      body: receiptBody(body.lines),
      buttons: [Dialog.okButton({ label: texts.ok })]
    });
  } finally {
    button.enabled = true;
  }
}

const plugin = {
  id: 'hocso-lab:submit',
  description: 'A Submit button on every notebook of the learner lab, with a receipt.',
  autoStart: true,
  requires: [IToolbarWidgetRegistry],
  activate: (app, toolbarRegistry) => {
    const settings = app.serviceManager.serverSettings;
    // the texts come with the page (hocso.lab.server), so the button exists before any notebook
    // opens; without them (author mode) there is no button
    const raw = PageConfig.getOption('hocsoLabTexts');
    if (!raw) {
      return;
    }
    const texts = JSON.parse(raw);
    // placed by the lab's settings (`hocso-submit`, first on the notebook toolbar, so a phone's
    // narrow toolbar never hides it in the overflow menu)
    toolbarRegistry.addFactory('Notebook', 'hocso-submit', panel => {
      const button = new ToolbarButton({
        className: 'hocso-submit',
        label: texts.submit,
        tooltip: texts.tooltip,
        onClick: () => submit(panel, settings, texts, button)
      });
      return button;
    });
  }
};

export default plugin;
