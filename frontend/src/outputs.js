// A cell's display outputs, as Voila's server sent them (one JSON script each), turned into HTML.
// Voila renders printed text and failed cells on the server (the hocso template words the latter).
import { Widget } from '@lumino/widgets';
import { marked } from 'marked';
import { message } from './messages.js';

const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function image(src) {
  const img = element('img');
  img.src = src;
  return img;
}

// Richest first, as JupyterLab orders them. The apps are the course's own, so HTML is trusted (its
// <script> tags do not run, as with any innerHTML: apps use widgets for behaviour).
const RENDERERS = [
  ['text/html', (data) => Object.assign(element('div', 'jp-RenderedHTMLCommon jp-RenderedHTML'), { innerHTML: data })],
  ['image/svg+xml', (data) => image(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(data)}`)],
  ['image/png', (data) => image(`data:image/png;base64,${data}`)],
  ['image/jpeg', (data) => image(`data:image/jpeg;base64,${data}`)],
  ['text/markdown', (data) => Object.assign(element('div', 'jp-RenderedHTMLCommon jp-RenderedMarkdown'), { innerHTML: marked.parse(data) })],
  ['text/plain', (data) => element('pre', 'jp-RenderedText', data)],
];

function joined(value) {
  return Array.isArray(value) ? value.join('') : value;
}

/** The output's element, and a promise that settles when its widget (if any) is on screen. Widgets
 * wait for `loaded` (the kernel's widget states); every other output is shown at once. */
export function renderOutput(output, manager, loaded) {
  const box = element('div', 'jp-OutputArea-output');
  const data = output.data || {};
  if (data[WIDGET_VIEW]) {
    return [box, showWidget(box, data, manager, loaded)];
  }
  for (const [mime, render] of RENDERERS) {
    if (mime in data) {
      box.append(render(joined(data[mime])));
      break;
    }
  }
  return [box, null];
}

async function showWidget(box, data, manager, loaded) {
  await loaded; // no kernel: the page's banner says so, once
  try {
    const model = await manager.get_model(data[WIDGET_VIEW].model_id);
    if (model.get('_view_name') === 'ErrorWidgetView') {
      // ipywidgets' stand-in for a class it could not load ("Click to show javascript error.")
      throw new Error(`${model.get('msg')}: ${model.get('error')}`);
    }
    const view = await manager.create_view(model);
    Widget.attach(view.luminoWidget, box);
  } catch (error) {
    box.append(element('p', 'hocso-app-error', message('widgetError')));
    throw error;
  }
}
